"""What `serve` sets up around the protocol: open files, the limits' log line, the log of
closures, quiet client disconnects."""

from __future__ import annotations

import json
import logging
import resource
import sys
from collections.abc import Callable

import pytest
from starlette.requests import ClientDisconnect

from bot.service.closed import ClosedLog
from bot.service.connections import ConnectionLimits
from bot.service.logs import JsonFormatter
from bot.service.server import (
    RESERVED_FILES,
    client_still_there,
    describe,
    limits_of,
    raise_open_files,
    within,
)
from bot.service.settings import load_settings


class Later:
    """A scheduler that runs nothing until told."""

    def __init__(self) -> None:
        self.waiting: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, delay: float, then: Callable[[], None]) -> None:
        self.waiting.append((delay, then))

    def run(self) -> None:
        _, then = self.waiting.pop(0)
        then()


def lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "bot.connections"]


def test_closures_are_logged_at_once_then_counted_per_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    later = Later()
    closed = ClosedLog(interval=10, later=later)
    with caplog.at_level(logging.WARNING, logger="bot.connections"):
        closed.add("idle")
        first = lines(caplog)
        for _ in range(500):  # a flood within the interval: no line each
            closed.add("idle")
            closed.add("slow_headers")
        assert lines(caplog) == first
        later.run()  # the interval ends: one line per reason, with how many
        after = lines(caplog)[len(first) :]
        later.run()  # a quiet interval: nothing, and the next one is said at once
        closed.add("refused")
        last = lines(caplog)[len(first) + len(after) :]
    assert [(f["reason"], f["count"]) for f in first] == [("idle", 1)]
    assert [(a["reason"], a["count"]) for a in after] == [("idle", 500), ("slow_headers", 500)]
    assert [(x["reason"], x["count"]) for x in last] == [("refused", 1)]
    keys = {"time", "level", "logger", "message", "event", "reason", "count"}
    assert all(set(line) == keys for line in first + after + last)  # no address, nothing sent
    assert closed.totals == {"idle": 501, "slow_headers": 500, "refused": 1}


def test_the_limits_come_from_the_settings_with_defaults() -> None:
    assert limits_of(load_settings({})) == ConnectionLimits()
    limits = limits_of(
        load_settings(
            {
                "ANIMATION_MAX_CONNECTIONS": "100",
                "ANIMATION_MAX_REQUESTS_IN_FLIGHT": "7",
                "ANIMATION_MAX_HEADER_BYTES": "8192",
                "ANIMATION_HEADER_TIMEOUT": "2.5",
                "ANIMATION_BODY_TIMEOUT": "3",
                "ANIMATION_KEEP_ALIVE_TIMEOUT": "75",
            }
        )
    )
    assert limits == ConnectionLimits(100, 7, 8192, 2.5, 3.0, 75)


def test_connections_stay_below_what_the_open_files_limit_allows() -> None:
    limits = ConnectionLimits(max_connections=4096)
    assert within(limits, 1_048_576).max_connections == 4096
    assert within(limits, 1024).max_connections == 1024 - RESERVED_FILES
    assert within(limits, 20).max_connections == 16
    line = describe(within(limits, 1024), 1024, 1024)
    assert line.startswith("connection limits: open files 1024, connections 896,")
    assert "open files 4096 (raised from 1024)" in describe(limits, 1024, 4096)


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's limits")
def test_the_open_files_limit_is_raised_to_the_hard_one() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard < 1024:
        pytest.skip("no finite hard limit above 1024 here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (512, hard))
    try:
        assert raise_open_files() == (512, hard)
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (hard, hard)
        assert raise_open_files() == (hard, hard)  # already there: nothing to do
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_client_gone_mid_body_is_no_application_error() -> None:
    def record(error: BaseException) -> logging.LogRecord:
        return logging.LogRecord(
            "uvicorn.error", logging.ERROR, "", 0, "Exception in ASGI application", None,
            (type(error), error, None),
        )  # fmt: skip

    assert not client_still_there(record(ClientDisconnect()))
    assert client_still_there(record(RuntimeError("a real bug")))
