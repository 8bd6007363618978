"""Hostile bodies on the three Mattermost routes, fuzzed in process: deeply nested JSON, huge
numbers, wrong types at every key, bytes that are not UTF-8, forged and genuine tokens. Never
a 5xx, never an error line or a trace in the logs.

Hypothesis runs derandomized (the same cases on every run, no database of examples); set
`HYPOTHESIS_PROFILE=fuzz` for the long run (`FUZZ` examples per route).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build
from bot.core.ports import Post
from bot.core.signing import Signer
from bot.mattermost.tokens import Tokens
from bot.service.settings import load_settings
from tests.conftest import CATALOG, REGISTRY
from tests.fake_mattermost import user_id_for
from tests.fakes import FakeClock
from tests.hostile_fuzz import (
    ANIMATOR,
    COPY,
    COPY_2,
    clicks,
    dialogs,
    genuine_clicks,
    genuine_dialogs,
    nested,
    raw_bodies,
)
from tests.live import start_bot
from tests.mattermost import command_form, encode
from tests.waiting import wait_for

TOKEN = "fuzz-" + "k" * 21
SECRET = "s" * 32
FUZZ = int(os.environ.get("FUZZ", "2000"))
settings.register_profile(
    "default",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("fuzz", settings.get_profile("default"), max_examples=FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
ANSWERED = {200, 400, 401, 413}
FORM = "application/x-www-form-urlencoded"


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Bot:
    """The service as `serve` builds it, in process, with a request and its copy stored."""

    transport: httpx.ASGITransport
    tokens: Tokens
    logged: Records
    statuses: Counter[int] = field(default_factory=Counter)  # every answer, by status

    def post(self, path: str, body: bytes, content_type: str) -> httpx.Response:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://bot") as c:
                return await c.post(path, content=body, headers={"content-type": content_type})

        return asyncio.run(go())

    def check(self, path: str, body: bytes, content_type: str = "application/json") -> None:
        before = len(self.logged.records)
        response = self.post(path, body, content_type)
        self.statuses[response.status_code] += 1
        assert response.status_code in ANSWERED, (response.status_code, response.text)
        payload = response.json()
        assert isinstance(payload, dict)
        if response.status_code != 200:
            assert set(payload) == {"error"}, payload
        bad = [r for r in self.logged.records[before:] if r.levelno >= logging.ERROR or r.exc_info]
        assert not bad, [(r.name, r.getMessage(), r.exc_info) for r in bad]


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    clock = FakeClock()
    service = build(
        load_settings(
            {
                "ANIMATION_COMMAND_TOKENS": TOKEN,
                "ANIMATION_REGISTRY": str(REGISTRY),
                "ANIMATION_CATALOG": str(CATALOG),
                "ANIMATION_DATABASE_URL": f"sqlite:///{workdir / 'fuzz.db'}",
                "ANIMATION_SECRET": SECRET,
            }
        ),
        clock=clock,
    )
    logged = Records()
    logging.getLogger().addHandler(logged)
    bot = Bot(httpx.ASGITransport(app=service.app), Tokens(Signer(SECRET), clock), logged)
    for number, post_id in enumerate((COPY, COPY_2), start=1):
        form = command_form("demande convention anct : objet", token=TOKEN, trigger_id=post_id)
        response = bot.post("/mattermost/command", encode(form), FORM)
        assert f"n° {number} est enregistrée" in response.json()["text"]
        copy = Post("mattermost", post_id, user_id_for("dominique.exemple"), "c" * 26)
        service.store.record_post(number, ANIMATOR, copy)
    yield bot
    print(f"\nfuzz cases by status: {dict(bot.statuses)}")  # shown with -s
    logging.getLogger().removeHandler(logged)
    service.store.engine.dispose()


@pytest.mark.parametrize("route", ["/mattermost/dialog", "/mattermost/action"])
def test_raw_bodies_are_refused_in_french_or_answered(bot: Bot, route: str) -> None:
    @given(raw_bodies)
    def check(body: bytes) -> None:
        bot.check(route, body)

    check()


def test_dialog_submissions_of_every_shape(bot: Bot) -> None:
    @given(dialogs(bot.tokens))
    def check(payload: dict[str, Any]) -> None:
        bot.check("/mattermost/dialog", json.dumps(payload).encode())

    check()


def test_genuine_forms_with_values_of_every_kind(bot: Bot) -> None:
    @given(genuine_dialogs(bot.tokens))
    def check(payload: dict[str, Any]) -> None:
        bot.check("/mattermost/dialog", json.dumps(payload).encode())

    check()


def test_genuine_clicks_with_options_of_every_kind(bot: Bot) -> None:
    @given(genuine_clicks(bot.tokens))
    def check(payload: dict[str, Any]) -> None:
        bot.check("/mattermost/action", json.dumps(payload).encode())

    check()


def test_clicks_of_every_shape(bot: Bot) -> None:
    @given(clicks(bot.tokens))
    def check(payload: dict[str, Any]) -> None:
        bot.check("/mattermost/action", json.dumps(payload).encode())

    check()


def test_commands_of_every_shape(bot: Bot) -> None:
    words = st.sampled_from(["demande", "qui", "mal-etre", "convention", ":", "--partager", "@all"])
    text = st.lists(words | st.text(max_size=30), max_size=8).map(" ".join)
    fields = st.fixed_dictionaries(
        {"token": st.just(TOKEN) | st.text(max_size=5), "text": text | st.text()},
        optional={
            "user_name": st.text(max_size=30),
            "user_id": st.text(max_size=30),
            "trigger_id": st.text(max_size=70),
            "channel_name": st.text(max_size=60),
        },
    )

    @given(fields | st.binary(max_size=300))
    def check(form: dict[str, str] | bytes) -> None:
        body = form if isinstance(form, bytes) else urlencode(form).encode()
        bot.check("/mattermost/command", body, FORM)

    check()


def test_deep_nesting_is_refused_in_french(bot: Bot) -> None:
    for route in ("/mattermost/dialog", "/mattermost/action"):
        for body in (nested(30_000, b"["), nested(9, b"{"), b'{"a": "\\ud800"}'):
            response = bot.post(route, body, "application/json")
            assert response.status_code == 400
            assert response.json()["error"].startswith("JSON ")


def cut_short(url: str, route: str, declared: int, sent: bytes) -> None:
    """A client that announces `declared` bytes, sends `sent`, and goes away."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        head = f"POST {route} HTTP/1.1\r\nHost: bot\r\nContent-Length: {declared}\r\n"
        sock.sendall(f"{head}Content-Type: application/json\r\n\r\n".encode() + sent)


@pytest.mark.slow
def test_a_client_going_away_mid_body_leaves_one_quiet_line(tmp_path: Path) -> None:
    live = start_bot(workdir=tmp_path, env={"ANIMATION_REGISTRY": str(REGISTRY)})
    routes = ("/mattermost/dialog", "/mattermost/action", "/mattermost/command")
    try:
        for route in routes:
            cut_short(live.url, route, 1000, b'{"submission": {"subject": "')
        wait_for(
            lambda: live.log.read_text().count("request interrupted") == len(routes),
            what="a line for each interrupted request",
        )
        assert httpx.get(f"{live.url}/healthz", timeout=5).status_code == 200
    finally:
        live.stop()
    text = live.log.read_text()
    logged = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    interrupted = [line for line in logged if "interrupted" in str(line["message"])]
    assert {line["level"] for line in interrupted} == {"info"}
    assert all(line["level"] in ("info", "warning") for line in logged)
    assert not [line for line in logged if "trace" in line or "error" in line]
    assert "Traceback" not in text
