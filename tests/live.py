"""Start the real `animation-bot serve` under uvicorn on a free port, as a separate process."""

from __future__ import annotations

import atexit
import functools
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import CATALOG, REGISTRY, ROOT
from tests.waiting import wait_for

_STARTED: list[subprocess.Popen[bytes]] = []  # every bot a test started


@atexit.register
def _stop_what_is_left() -> None:
    """A test that failed before stopping its bot leaves no process behind: one left running
    would, for instance, keep the Matrix session of an account the next run uses."""
    for process in _STARTED:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveBot:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def bot_env(workdir: Path, extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIMATION_")}
    env |= {
        "ANIMATION_CATALOG": str(CATALOG),
        "ANIMATION_DATABASE_URL": f"sqlite:///{workdir / 'animation.db'}",
        "PYTHONPATH": str(ROOT),
    }
    env |= dict(extra)
    return env


def run_cli(
    args: list[str], *, workdir: Path, env: Mapping[str, str], timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=workdir,
        env=bot_env(workdir, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def soft_open_files(limit: int) -> Callable[[], None]:
    """For `preexec_fn`: the child's soft limit on open files set to `limit` (Docker's
    default is 1024), its hard limit left as it is."""

    def lower() -> None:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))

    return lower


def start_bot(
    *,
    workdir: Path,
    env: Mapping[str, str],
    port: int | None = None,
    open_files: int | None = None,
) -> LiveBot:
    """`open_files`: the bot's soft limit on open files, as it starts (its own otherwise)."""
    port = port or free_port()
    log = workdir / "bot.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--dev", "--port", str(port)],
            cwd=workdir,
            env=bot_env(workdir, env),
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=None if open_files is None else soft_open_files(open_files),
        )
    _STARTED.append(process)
    bot = LiveBot(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited: {log.read_text()}")
        try:
            if httpx.get(f"{bot.url}/healthz", timeout=1).status_code == 200:
                return bot
        except httpx.TransportError:
            time.sleep(0.1)
    bot.stop()
    raise RuntimeError(f"the bot did not start: {log.read_text()}")


@functools.cache
def _local() -> httpx.Client:
    """One client for every health poll: a new one per call loads the CA file each time,
    a cost that adds up on a loaded machine while a test polls."""
    return httpx.Client(timeout=5)


def health(bot: LiveBot) -> dict[str, Any]:
    return dict(_local().get(f"{bot.url}/healthz").json())


def drained(bot: LiveBot, *, timeout: float = 30) -> dict[str, int]:
    """Wait until the bot's outbox holds nothing more to send; its counts then."""
    outbox: dict[str, int] = wait_for(
        lambda: (counts := health(bot)["outbox"]) and counts["pending"] == 0 and counts,
        timeout=timeout,
        what="the outbox to drain",
    )
    return outbox


def connected_env(
    workdir: Path,
    *,
    mattermost_url: str,
    mattermost_token: str,
    port: int,
    command_token: str,
    **more: str,
) -> dict[str, str]:
    """A bot wired to a (fake) Mattermost server, retrying fast, with a short timeout and
    lease."""
    return {
        "ANIMATION_COMMAND_TOKENS": command_token,
        "ANIMATION_REGISTRY": str(workdir / "referents.yaml"),
        "ANIMATION_MATTERMOST_URL": mattermost_url,
        "ANIMATION_MATTERMOST_TOKEN": mattermost_token,
        "ANIMATION_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "ANIMATION_SECRET": "s" * 32,
        "ANIMATION_RETRY_MAX_DELAY": "0.5",
        "ANIMATION_MATTERMOST_TIMEOUT": "2",
        "ANIMATION_OUTBOX_LEASE": "3",
        **more,
    }


def start_connected(
    workdir: Path, *, mattermost_url: str, mattermost_token: str, command_token: str, **more: str
) -> LiveBot:
    """The shipped registry copied to `workdir`, and a bot wired to that Mattermost."""
    if not (workdir / "referents.yaml").exists():
        shutil.copy(REGISTRY, workdir / "referents.yaml")
    port = free_port()
    env = connected_env(
        workdir,
        mattermost_url=mattermost_url,
        mattermost_token=mattermost_token,
        port=port,
        command_token=command_token,
        **more,
    )
    return start_bot(workdir=workdir, env=env, port=port)
