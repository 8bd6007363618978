"""Requests stored per second, and the outbox draining to a (fake) Mattermost server."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from bench.lookup_bench import shipped
from bot.core.matching.directory import Directory
from bot.core.ports import SystemClock
from bot.core.requests.desk import Desk
from bot.core.requests.forms import read_submission
from bot.core.requests.lifecycle import Draft
from bot.core.signing import Signer
from bot.mattermost.client import MattermostClient
from bot.mattermost.notifier import Buttons, MattermostNotifier
from bot.service.worker import Worker
from bot.store.outbox import Outbox
from bot.store.requests import SqlStore, make_engine, migrate
from bot.store.tables import metadata
from tests.fake_mattermost import FakeMattermost, user_id_for


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
        requester_id=user_id_for("alice"),
        requester_name="alice",
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
        desk = Desk(SqlStore(engine), SystemClock(), triage_channel="t" * 26)
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
    store, outbox, clock = SqlStore(engine), Outbox(engine), SystemClock()
    desk = Desk(store, clock, triage_channel="t" * 26)
    for number in range((messages + 2) // 3):
        desk.submit(directory, _draft(directory, number))
    fake = FakeMattermost().start()
    try:
        client = MattermostClient(fake.url, fake.token, timeout=5)
        buttons = Buttons(
            book=store,
            signer=Signer("b" * 32),
            clock=clock,
            action_url="http://bot/mattermost/action",
        )
        worker = Worker(
            outbox,
            MattermostNotifier(client, book=store, buttons=buttons),
            clock,
            lease=timedelta(seconds=60),
        )
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
