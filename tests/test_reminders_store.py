"""The `Reminders` port in SQL, on SQLite and PostgreSQL, beside the memory fake: each
(request, step) and each (co-animator, week) once, written with its messages; and two
replicas racing over the same due requests send each reminder once."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.core.people import Platform
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import Registry, build_registry
from bot.core.requests.model import Request
from bot.service.nudges import Nudges
from bot.store.engine import make_engine
from bot.store.reminders import SqlReminders
from bot.store.requests import SqlStore
from bot.store.tables import outbox, reminders
from tests.fakes import FakeClock, MemoryRequestStore
from tests.fakes_nudges import MemoryReminders
from tests.registries import BASE, TODAY
from tests.stores import BACKENDS, DRAFT, fresh_engine, messages

LATER = DRAFT.created_at + timedelta(days=30)

MATTERMOST: tuple[Platform, ...] = ("mattermost",)


Books = tuple[SqlStore | MemoryRequestStore, SqlReminders | MemoryReminders]


@pytest.fixture(params=["memory", *BACKENDS])
def books(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Books]:
    if request.param == "memory":
        memory = MemoryRequestStore()
        yield memory, MemoryReminders(memory)
    else:
        for engine in fresh_engine(request.param, tmp_path):
            yield SqlStore(engine), SqlReminders(engine)


def pending(store: SqlStore | MemoryRequestStore) -> int:
    if isinstance(store, MemoryRequestStore):
        return len(store.outbox.messages())
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(outbox)).scalar_one())


def test_each_step_once_with_its_messages(books: Books) -> None:
    store, book = books
    request, _ = store.create(DRAFT, nonce="a", messages_for=messages)
    assert book.unclaimed() == [(request, frozenset())]
    assert book.remind(request, "reminder", after=None, messages=messages(request), now=LATER)
    assert not book.remind(request, "reminder", after=None, messages=messages(request), now=LATER)
    assert pending(store) == 4  # two at creation, two with the one reminder
    assert book.unclaimed() == [(request, frozenset({"reminder"}))]


def test_an_escalation_writes_the_request_and_records_the_reminder(books: Books) -> None:
    store, book = books
    request, _ = store.create(DRAFT, nonce="a", messages_for=messages)
    after = dataclasses.replace(request, assignees=(*request.assignees, "alex"))
    assert book.remind(request, "escalation", after=after, messages=[], now=LATER)
    assert store.get(request.id) == after
    assert book.unclaimed() == [(after, frozenset({"reminder", "escalation"}))]


def test_a_request_claimed_meanwhile_is_left_alone(books: Books) -> None:
    store, book = books
    request, _ = store.create(DRAFT, nonce="a", messages_for=messages)
    claimed = dataclasses.replace(request, status="claimed", claimed_by="camille", claimed_at=LATER)
    assert store.replace(request, claimed, messages=[], now=LATER)
    assert book.unclaimed() == []
    assert not book.remind(request, "reminder", after=None, messages=messages(request), now=LATER)
    assert pending(store) == 2  # nothing enqueued
    assert not book.remind(request, "reminder", after=None, messages=[], now=LATER)
    assert book.open_requests() == [claimed]


def test_each_digest_once(books: Books) -> None:
    store, book = books
    request, _ = store.create(DRAFT, nonce="a", messages_for=messages)
    assert book.digest("camille", "2026-W49", messages=messages(request), now=LATER)
    assert not book.digest("camille", "2026-W49", messages=messages(request), now=LATER)
    assert book.digest("camille", "2026-W50", messages=[], now=LATER)
    assert pending(store) == 4


class Gated(SqlReminders):
    """A replica that, once it has read what is due, waits for the other one to have read
    it too: both then race to send the same reminders."""

    def __init__(self, engine: Engine, barrier: threading.Barrier) -> None:
        super().__init__(engine)
        self.barrier = barrier

    def unclaimed(self) -> list[tuple[Request, frozenset[str]]]:
        found = super().unclaimed()
        self.barrier.wait(timeout=30)
        return found


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine(request.param, tmp_path)


def test_two_replicas_racing_remind_once(engine: Engine, registry_small: Registry) -> None:
    store = SqlStore(engine)
    made = [store.create(DRAFT, nonce=f"n{i}", messages_for=lambda r: [])[0] for i in range(20)]
    url = engine.url.render_as_string(hide_password=False)
    clock = FakeClock(DRAFT.created_at + timedelta(days=3))  # the reminder is due, not more
    barrier = threading.Barrier(2)
    books = [Gated(make_engine(url), barrier) for _ in range(2)]
    done: list[int] = []

    def replica(book: Gated) -> None:
        nudges = Nudges(book, lambda: registry_small, clock, platforms=MATTERMOST)
        done.append(nudges.remind())

    threads = [threading.Thread(target=replica, args=(book,)) for book in books]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for book in books:
        book.engine.dispose()
    assert len(done) == 2 and sum(done) == len(made) == 20
    with engine.connect() as connection:
        steps = connection.execute(select(func.count()).select_from(reminders)).scalar_one()
        sent = connection.execute(select(func.count()).select_from(outbox)).scalar_one()
    assert steps == 20
    assert sent == 20 * 2  # one reminder to each of its two people, once


@pytest.fixture
def registry_small(catalog: Catalog) -> Registry:
    """Camille and Dominique, whom `DRAFT` is sent to."""
    return build_registry(BASE, catalog=catalog, today=TODAY, path=Path("t"))
