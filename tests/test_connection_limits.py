"""Connection limits on the real bot under uvicorn: idle and half-sent connections closed,
huge headers refused, commands answered while a thousand idle sockets are open."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REGISTRY
from tests.live import LiveBot, start_bot
from tests.mattermost import command_form, encode, parse_command_response
from tests.mattermost import send_command as post_command
from tests.sockets import (
    Watched,
    allow_open_files,
    connect,
    open_sockets,
    resident_mib,
    status_of,
    watch,
)
from tests.waiting import wait_for

TOKEN = "conn-" + "t" * 21
IDLE = 1100  # past the 1,024 open files Docker allows by default
COMMAND = "qui aides territoires"


def bot_env(**more: str) -> dict[str, str]:
    return {"ANIMATION_COMMAND_TOKENS": TOKEN, "ANIMATION_REGISTRY": str(REGISTRY), **more}


def answer(bot: LiveBot) -> str:
    text = parse_command_response(post_command(bot.url, COMMAND, token=TOKEN))["text"]
    assert isinstance(text, str) and "Aides-territoires" in text
    return text


def limit_lines(log: Path) -> list[dict[str, object]]:
    found = []
    for line in log.read_text(encoding="utf-8").splitlines():
        if line.startswith("{") and '"bot.connections"' in line:
            found.append(json.loads(line))
    return found


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    """A bot with the default limits."""
    live = start_bot(workdir=tmp_path_factory.mktemp("limits"), env=bot_env())
    yield live
    live.stop()


def request_head(path: str = "/mattermost/command", length: int = 200) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: bot\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


@pytest.mark.slow
def test_commands_are_answered_while_1100_idle_sockets_are_open(tmp_path: Path) -> None:
    allow_open_files(IDLE + 200)
    # Their deadline far away: they stay open for the whole test.
    live = start_bot(workdir=tmp_path, env=bot_env(ANIMATION_HEADER_TIMEOUT="60"), open_files=1024)
    idle: list[socket.socket] = []
    try:
        idle = [connect(live.url) for _ in range(IDLE)]
        wait_for(  # more sockets than its first soft limit allowed files
            lambda: open_sockets(live.process.pid) >= IDLE,
            timeout=30,
            what="the bot to accept every idle connection",
        )
        answers = {answer(live) for _ in range(20)}
        assert len(answers) == 1
        assert open_sockets(live.process.pid) >= IDLE  # all still open meanwhile
        said = [str(line["message"]) for line in limit_lines(live.log)]
        assert [m for m in said if m.startswith("connection limits")], said
        assert "(raised from 1024)" in said[0]
    finally:
        for sock in idle:
            sock.close()
        live.stop()


@pytest.mark.slow
def test_idle_and_half_sent_connections_are_closed_within_10_s(bot: LiveBot) -> None:
    form = encode(command_form(COMMAND, token=TOKEN))
    kept = connect(bot.url)  # a request answered first, then half of the next one
    kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
    assert kept.recv(65536).startswith(b"HTTP/1.1 200")
    connections = {
        "idle": Watched(connect(bot.url), time.monotonic()),
        "half header": Watched(connect(bot.url), time.monotonic()),
        "header byte by byte": Watched(connect(bot.url), time.monotonic()),
        "half body": Watched(connect(bot.url), time.monotonic()),
        "kept alive, half header": Watched(kept, time.monotonic()),
    }
    connections["half header"].sock.sendall(b"POST /mattermost/command HTTP/1.1\r\nHost: b")
    connections["header byte by byte"].trickle = request_head()
    connections["half body"].sock.sendall(request_head(length=len(form)) + form[:20])
    kept.sendall(b"GET /healthz HTTP/1.1\r\nHo")
    watch(list(connections.values()), within=10)
    closed = {name: w.closed_after for name, w in connections.items()}
    assert all(after is not None and after < 10 for after in closed.values()), closed
    statuses = {name: status_of(w.received) for name, w in connections.items()}
    assert statuses == {
        "idle": None,  # nothing asked, nothing answered
        "half header": 408,
        "header byte by byte": 408,
        "half body": 408,
        "kept alive, half header": 408,
    }
    wanted = {"idle", "slow_headers", "slow_body"}
    wait_for(  # logged, at once or within the 10 s of aggregation
        lambda: wanted <= {line.get("reason") for line in limit_lines(bot.log)},
        timeout=20,
        what="the closures in the log",
    )
    for line in limit_lines(bot.log):  # no address, nothing the clients sent
        assert "127.0.0.1" not in json.dumps(line) and "healthz" not in json.dumps(line)
    answer(bot)


def send_huge_header(url: str, size: int, sent: list[int]) -> None:
    """Headers of `size` bytes, never finished, 64 KiB at a time until the server stops it."""
    sock = connect(url)
    total = 0
    try:
        sock.sendall(b"POST /mattermost/command HTTP/1.1\r\nHost: bot\r\nX-Huge: ")
        chunk = b"a" * 65536
        while total < size:
            sock.sendall(chunk)
            total += len(chunk)
    except OSError:  # refused: reset, or closed while we sent
        pass
    finally:
        sent.append(total)
        sock.close()


@pytest.mark.slow
def test_huge_headers_are_refused_early_and_memory_stays_bounded(bot: LiveBot) -> None:
    pid = bot.process.pid
    before = resident_mib(pid)
    sent: list[int] = []
    threads = [
        threading.Thread(target=send_huge_header, args=(bot.url, 20 * 2**20, sent))
        for _ in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert len(sent) == 10 and max(sent) < 20 * 2**20, sent  # stopped before the end
    assert resident_mib(pid) - before < 32  # not 10 × 20 MB
    # Headers too large, sent at once: the client reads a 431, not a reset.
    big = connect(bot.url)
    big.sendall(b"GET /healthz HTTP/1.1\r\nHost: bot\r\nX-Big: " + b"b" * 40_000 + b"\r\n\r\n")
    watched = Watched(big, time.monotonic())
    watch([watched], within=10)
    assert status_of(watched.received) == 431
    assert b"En-t\xc3\xaates de requ\xc3\xaate trop gros." in watched.received
    wait_for(
        lambda: any(line.get("reason") == "headers_too_large" for line in limit_lines(bot.log)),
        timeout=20,
        what="the refusals in the log",
    )
    answer(bot)  # and the bot still answers
