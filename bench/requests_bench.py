"""Requests stored per second, and the outbox draining to a (fake) Mattermost server."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import text

from bench.lookup_bench import shipped
from bot.app import desk_for
from bot.core.clock import SystemClock
from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.requests.forms import read_submission
from bot.core.requests.model import Draft
from bot.core.signing import Signer
from bot.mattermost.buttons import Buttons
from bot.mattermost.client import MattermostClient
from bot.mattermost.notifier import MattermostNotifier
from bot.mattermost.render import MattermostRenderer
from bot.mattermost.tokens import Tokens
from bot.service.settings import load_settings
from bot.service.worker import Worker
from bot.store.engine import make_engine, migrate
from bot.store.outbox import SqlOutbox
from bot.store.requests import SqlStore
from bot.store.tables import metadata
from tests.fake_mattermost import FakeMattermost, user_id_for

TRIAGE = load_settings({"ANIMATION_TRIAGE_CHANNEL_ID": "t" * 26})


def _engine(url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate(engine)
    return engine


def _draft(directory: Directory, number: int) -> Draft:
    draft = read_submission(
        directory,
        directory.registry.categories["convention"],
        {"team": "aides territoires", "subject": f"objet {number}", "details": "détails " * 20},
        requester=Account("mattermost", user_id_for("alice"), "alice"),
        nonce=f"bench-{number}-{time.time_ns()}",
    )
    assert isinstance(draft, Draft)
    return draft


def submissions_per_second(workdir: Path, *, count: int) -> None:
    directory = Directory.of(shipped())
    backends = [("SQLite (file, WAL)", f"sqlite:///{workdir / 'requests.db'}")]
    if os.environ.get("ANIMATION_TEST_DATABASE_URL"):
        backends.append(("PostgreSQL (local)", os.environ["ANIMATION_TEST_DATABASE_URL"]))
    for label, url in backends:
        engine = _engine(url)
        desk = desk_for(TRIAGE, SqlStore(engine), SystemClock(), None)
        drafts = [_draft(directory, n) for n in range(count)]
        started = time.perf_counter()
        for draft in drafts:
            desk.submit(directory, draft)
        elapsed = time.perf_counter() - started
        print(
            f"- requests stored, {label}: {count / elapsed:,.0f} per second "
            f"({count} requests, one at a time, 3 outbox messages each)"
        )
        engine.dispose()


def drain_outbox(workdir: Path, *, messages: int) -> None:
    directory = Directory.of(shipped())
    engine = _engine(f"sqlite:///{workdir / 'drain.db'}")
    store, outbox, clock = SqlStore(engine), SqlOutbox(engine), SystemClock()
    desk = desk_for(TRIAGE, store, clock, None)
    for number in range((messages + 2) // 3):
        desk.submit(directory, _draft(directory, number))
    fake = FakeMattermost().start()
    try:
        client = MattermostClient(fake.url, fake.token, timeout=5)
        buttons = Buttons(Tokens(Signer("b" * 32), clock), "http://bot/mattermost/action")
        renderer = MattermostRenderer(lambda: directory.registry)
        notifier = MattermostNotifier(client, book=store, buttons=buttons, renderer=renderer)
        worker = Worker(outbox, {"mattermost": notifier}, clock)
        total = outbox.counts()["pending"]
        started = time.perf_counter()
        while worker.run_once():
            pass
        elapsed = time.perf_counter() - started
        print(
            f"- outbox drain: {total} messages to a fake Mattermost server on localhost in "
            f"{elapsed:.1f} s ({total / elapsed:,.0f} per second; one worker, mattermostdriver, "
            f"a new connection per call)"
        )
    finally:
        fake.stop()
        engine.dispose()
