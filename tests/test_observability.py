"""Logs and metrics: what happens is visible, what people wrote is not."""

from __future__ import annotations

import json
import logging
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.core.commands import canonical
from bot.service.logs import JsonFormatter
from bot.service.metrics import Metrics
from tests.conftest import REGISTRY
from tests.fake_mattermost import FakeMattermost, user_id_for
from tests.live import LiveBot, drained, start_bot, start_connected
from tests.mattermost import command_form, command_headers, encode
from tests.waiting import wait_for

TOKEN = "obs-" + "k" * 22
SECRET_WORDS = ("plancton-tres-secret", "sacha", "tchap")


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveBot, FakeMattermost]]:
    fake = FakeMattermost().start()
    live = start_connected(
        tmp_path_factory.mktemp("obs"),
        mattermost_url=fake.url,
        mattermost_token=fake.token,
        command_token=TOKEN,
    )
    yield live, fake
    live.stop()
    fake.stop()


def command(bot: LiveBot, text: str, *, token: str = TOKEN) -> None:
    form = command_form(
        text, token=token, user_name="alice", user_id=user_id_for("alice"), trigger_id=""
    )
    httpx.post(
        f"{bot.url}/mattermost/command",
        content=encode(form),
        headers=command_headers(token),
        timeout=10,
    )


def metrics(bot: LiveBot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = httpx.get(f"{bot.url}/metrics", timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.slow
def test_metrics_move_with_commands_and_requests(bot: tuple[LiveBot, FakeMattermost]) -> None:
    live, fake = bot
    before = metrics(live)
    posts_before = len(fake.posts)
    command(live, "qui anct")
    command(live, "qui plancton-tres-secret")
    command(live, "nimportequoi-tres-secret")
    command(live, "aide", token="wrong")
    command(live, "demande convention aides territoires : objet")
    command(live, "demande mal-etre sacha tchap")
    drained(live)
    after = metrics(live)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("animation_commands_total", subcommand="qui", outcome="found") == 1
    assert moved("animation_commands_total", subcommand="qui", outcome="unknown") == 1
    assert moved("animation_commands_total", subcommand="autre", outcome="ok") == 1
    assert moved("animation_commands_total", subcommand="aide", outcome="refused") == 1
    assert moved("animation_command_seconds_count") == 6
    assert moved("animation_requests_total", category="convention", event="opened") == 1
    assert moved("animation_requests_total", category="confidentielle", event="opened") == 1
    assert moved("animation_deliveries_total", outcome="sent") == 4  # 2 DMs per request
    assert len(fake.posts) - posts_before == 4
    assert value(after, "animation_outbox_messages", state="pending") == 0
    assert moved("animation_outbox_messages", state="sent") == 4
    assert ("animation_outbox_messages", (("state", "dead"),)) in after
    text = httpx.get(f"{live.url}/metrics", timeout=5).text
    for word in (*SECRET_WORDS, "mal-etre", "nimportequoi"):
        assert word not in text


@pytest.mark.slow
def test_log_lines_are_json_and_say_nothing_personal(bot: tuple[LiveBot, FakeMattermost]) -> None:
    live, _ = bot
    command(live, "qui plancton-tres-secret")

    def logged() -> list[dict[str, object]]:
        text = live.log.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    lines = wait_for(
        lambda: [line for line in logged() if line.get("outcome") == "unknown"], what="the log"
    )
    assert set(lines[-1]) == {
        "time",
        "level",
        "logger",
        "message",
        "subcommand",
        "outcome",
        "place",
        "ms",
    }
    assert (lines[-1]["message"], lines[-1]["subcommand"], lines[-1]["place"]) == (
        "command",
        "qui",
        "channel",
    )
    log = live.log.read_text(encoding="utf-8")
    for word in (*SECRET_WORDS, TOKEN):
        assert word not in log


@pytest.mark.slow
def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    shutil.copy(REGISTRY, tmp_path / "referents.yaml")
    live = start_bot(
        workdir=tmp_path,
        env={
            "ANIMATION_COMMAND_TOKENS": TOKEN,
            "ANIMATION_REGISTRY": str(tmp_path / "referents.yaml"),
        },
    )
    live.process.send_signal(signal.SIGTERM)
    # uvicorn shuts down, then re-raises the signal so that the exit status tells why.
    assert live.process.wait(timeout=20) in (0, -signal.SIGTERM)
    log = live.log.read_text(encoding="utf-8")
    assert "Application shutdown complete" in log
    assert "Traceback" not in log


def test_json_formatter_keeps_only_known_fields() -> None:
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "command", None, None)
    record.__dict__.update({"subcommand": "qui", "ms": 1.5, "text": "secret", "token": "t"})
    line = json.loads(JsonFormatter().format(record))
    assert line["subcommand"] == "qui" and line["ms"] == 1.5
    assert "text" not in line and "token" not in line


def test_unknown_subcommands_share_one_label() -> None:
    metrics = Metrics()
    for typed in ("qui x", "quoi", "mot-de-passe secret", "Mes-Demandes"):
        metrics.command(canonical(typed), "ok", 0.001)
    text = metrics.render().decode()
    assert 'subcommand="autre"' in text and "mot-de-passe" not in text
    assert 'subcommand="qui"' in text and 'subcommand="mesdemandes"' in text
