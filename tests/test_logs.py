"""What a log line may say, whatever fails: exceptions by class, client libraries withheld."""

from __future__ import annotations

import importlib
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from bot.service.logs import (
    WITHHELD,
    Handler,
    JsonFormatter,
    TextFormatter,
    configure,
    safe_trace,
)
from tests.fake_mattermost import FakeMattermost
from tests.hostile_world import QuotingMattermost
from tests.live import run_cli

MARKER = "Zorglub-Marqueur-42"


@pytest.fixture
def stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The bot's logging configured on a captured stderr; pytest's handlers back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure(json_lines=True)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _chained() -> Exception:
    """An error that came from another, both carrying personal data in their messages."""
    try:
        try:
            empty: dict[str, int] = {}
            empty[MARKER]
        except KeyError as error:
            raise ValueError(f"bad {MARKER}") from error
    except ValueError:
        try:
            raise RuntimeError(f"again {MARKER}")
        except RuntimeError as last:
            return last
    raise AssertionError("unreachable")


def test_a_trace_names_each_exception_and_where_never_its_message() -> None:
    trace = safe_trace(_chained())
    assert MARKER not in trace
    assert trace.startswith("Traceback (most recent call last):")
    assert trace.index("\nKeyError\n") < trace.index("\nValueError\n")
    assert "direct cause of the following exception" in trace
    assert "During handling of the above exception" in trace
    assert trace.endswith("RuntimeError")
    assert 'test_logs.py", line' in trace and "in _chained" in trace


class CheckViolation(Exception):
    """What psycopg raises when a row breaks a constraint: its message quotes the row."""


def _database_error() -> IntegrityError:
    try:
        try:
            raise CheckViolation(
                f"violates check constraint\nDETAIL:  Failing row contains ({MARKER}, mal-etre)."
            )
        except CheckViolation as orig:
            raise IntegrityError(
                "INSERT INTO requests (subject) VALUES (%(subject)s)",
                None,
                orig,
                hide_parameters=True,
            ) from orig
    except IntegrityError as error:
        return error


def test_a_database_error_quoting_the_row_leaves_only_its_class() -> None:
    error = _database_error()
    assert MARKER in str(error)  # hide_parameters hides the parameters, not this
    record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "failed", None, None)
    record.exc_info = (type(error), error, error.__traceback__)
    for formatter in (JsonFormatter(), TextFormatter()):
        line = formatter.format(record)
        assert MARKER not in line and "mal-etre" not in line
        assert "sqlalchemy.exc.IntegrityError" in line and "CheckViolation" in line
    assert json.loads(JsonFormatter().format(record))["error"] == "IntegrityError"


def test_client_libraries_lines_are_withheld(stderr: io.StringIO) -> None:
    for name in ("mattermostdriver.websocket", "urllib3.connectionpool", "nio.rooms", "asyncio"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # as a library may, when imported
        logging.getLogger(name).error("body: %s", MARKER, extra={"status": MARKER})
    logging.getLogger("bot.command").info("command", extra={"subcommand": "qui"})
    found = lines(stderr)
    assert MARKER not in stderr.getvalue()
    assert [(line["logger"], line["message"]) for line in found[:4]] == [
        ("mattermostdriver.websocket", WITHHELD),
        ("urllib3.connectionpool", WITHHELD),
        ("nio.rooms", WITHHELD),
        ("asyncio", WITHHELD),
    ]
    assert found[4]["subcommand"] == "qui"
    logging.getLogger("nio.rooms").setLevel(logging.NOTSET)


def test_mattermostdriver_imported_after_configure_still_withheld(stderr: io.StringIO) -> None:
    """The driver sets its logger to INFO when imported and logs the server's error body."""
    import mattermostdriver.client

    importlib.reload(mattermostdriver.client)
    from bot.core.ports import DeliveryError
    from bot.mattermost.client import MattermostClient

    fake = FakeMattermost(failing=400).start()
    try:
        with pytest.raises(DeliveryError):
            MattermostClient(fake.url, fake.token, timeout=5).ping()
    finally:
        fake.stop()
    assert "fake.failure" not in stderr.getvalue()  # the body the server answered with
    assert {"logger": "mattermostdriver.websocket", "message": WITHHELD}.items() <= next(
        line for line in lines(stderr) if line["logger"] == "mattermostdriver.websocket"
    ).items()


@pytest.mark.parametrize("bare", [False, True])
@pytest.mark.parametrize("status", [400, 404, 500, 502])
def test_mattermost_errors_quoting_the_request(
    stderr: io.StringIO, status: int, bare: bool
) -> None:
    """Whatever the error body (Mattermost's object, or the quote alone, which the driver
    cannot read), the client says `DeliveryError` and the log says nothing of it."""
    from bot.core.ports import DeliveryError
    from bot.mattermost.client import MattermostClient

    fake = QuotingMattermost(quoting=status, bare=bare)
    fake.start()
    try:
        with pytest.raises(DeliveryError) as caught:
            MattermostClient(fake.url, fake.token, timeout=5).user_id(MARKER.lower())
    finally:
        fake.stop()
    assert fake.quoted == 1
    assert caught.value.retryable == (status >= 500)
    assert MARKER.lower() not in stderr.getvalue().lower()


def test_a_line_that_cannot_be_written_does_not_show_its_arguments(stderr: io.StringIO) -> None:
    (ours,) = (h for h in logging.getLogger().handlers if isinstance(h, Handler))
    wrong = logging.LogRecord("bot", logging.ERROR, __file__, 1, "%d requests", (MARKER,), None)
    ours.handle(wrong)  # a wrong format: logging's own error, which prints the arguments
    assert MARKER not in stderr.getvalue()
    assert "logging: a line could not be written" in stderr.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("command", [["doctor", "--team", "beta"], ["install", "--team", "beta"]])
def test_commands_log_client_errors_as_json_without_bodies(
    tmp_path: Path, command: list[str]
) -> None:
    fake = FakeMattermost(failing=403).start()
    try:
        result = run_cli(
            command,
            workdir=tmp_path,
            env={"ANIMATION_MATTERMOST_URL": fake.url, "ANIMATION_MATTERMOST_TOKEN": fake.token},
        )
    finally:
        fake.stop()
    assert fake.refused[403] >= 1
    assert "fake.failure" not in result.stderr + result.stdout
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(line["logger"].startswith("mattermostdriver") for line in logged)
    assert all(line["message"] == WITHHELD for line in logged)
