"""The `Retention` port on the memory fake, SQLite and PostgreSQL, held to the same cases:
each period to the day, what anonymising erases (the request's people and words, its
messages, copies and reminders) and keeps (the figures), in batches, once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.core.clock import PARIS
from bot.core.people import Account
from bot.core.ports import Post, Retention
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import build_registry
from bot.core.requests.lifecycle import closed, closed_automatically
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Request
from bot.core.requests.retention import Periods, Tally, anonymised, cutoffs, months_before
from bot.core.stats import figures
from bot.store.inbox import SqlInbox
from bot.store.outbox import SqlOutbox
from bot.store.reminders import SqlReminders
from bot.store.requests import SqlStore, enqueue
from bot.store.retention import SqlRetention
from bot.store.tables import digests, outbox, posts, reminders, requests
from tests.fakes import MemoryOutbox, MemoryRequestStore
from tests.fakes_retention import MemoryRetention
from tests.registries import BASE, TODAY
from tests.stores import BACKENDS, DRAFT, NOW, fresh_engine, messages

DAY = timedelta(days=1)
CONFIDENTIAL = dataclasses.replace(
    DRAFT, category_id="mal-etre", confidential=True, assignees=("camille",), team_kind=None,
    team_id=None, team_name=None, subject="", details="", contact_method="tchap",
)  # fmt: skip
Books = tuple[SqlStore | MemoryRequestStore, SqlOutbox | MemoryOutbox, Retention]


@pytest.fixture(params=["memory", *BACKENDS])
def books(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Books]:
    if request.param == "memory":
        memory = MemoryRequestStore()
        yield memory, memory.outbox, MemoryRetention(memory)
    else:
        for engine in fresh_engine(request.param, tmp_path):
            yield SqlStore(engine), SqlOutbox(engine), SqlRetention(engine)


def made(store: SqlStore | MemoryRequestStore, draft: Request, nonce: str) -> Request:
    return store.create(draft, nonce=nonce, messages_for=messages)[0]


def close(
    store: SqlStore | MemoryRequestStore, request: Request, at: datetime = NOW + DAY
) -> Request:
    after = closed(request, "camille", at)
    assert store.replace(request, after, messages=messages(request), now=at)
    return after


def loose(store: SqlStore | MemoryRequestStore, message: Message, *, at: datetime) -> None:
    """A message tied to no request (a reminder, a digest, a reply in a conversation)."""
    if isinstance(store, MemoryRequestStore):
        store.outbox.enqueue([message], now=at)
        return
    with store.engine.begin() as connection:
        enqueue(connection, [message], now=at)


def rows(box: SqlOutbox | MemoryOutbox) -> int:
    if isinstance(box, MemoryOutbox):
        return len(box.rows)
    with box.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(outbox)).scalar_one())


def test_a_closed_request_is_anonymised_twelve_months_after_to_the_day(books: Books) -> None:
    store, _, book = books
    request = close(store, made(store, DRAFT, "a"))
    over = NOW + DAY + timedelta(days=365)  # 30 November 2027, 10:00, twelve months on
    assert months_before(over, 12) == NOW + DAY
    assert book.anonymise(cutoffs(over - DAY, Periods()), limit=10) == Tally()
    assert store.get(request.id) == request
    assert book.anonymise(cutoffs(over + DAY, Periods()), limit=10) == Tally(
        anonymised=1, messages=4
    )
    assert store.get(request.id) == anonymised(request, over + DAY)
    for someone in (DRAFT.requester, Account("mattermost", "", "")):  # nobody finds it now
        assert store.of_requester(someone) == []
    assert book.anonymise(cutoffs(over + 2 * DAY, Periods()), limit=10) == Tally()  # once


def test_a_confidential_one_three_months_after(books: Books) -> None:
    store, _, book = books
    request = close(store, made(store, CONFIDENTIAL, "c"), at=NOW - 2 * DAY)  # 27 November
    kept_still = close(store, made(store, DRAFT, "d"), at=NOW - 2 * DAY)
    over = datetime(2027, 2, 27, 11, 0, tzinfo=PARIS)
    assert book.anonymise(cutoffs(over - timedelta(seconds=1), Periods()), limit=10) == Tally()
    assert book.anonymise(cutoffs(over, Periods()), limit=10) == Tally(anonymised=1, messages=4)
    erased = store.get(request.id)
    assert erased is not None and erased.anonymised_at == over
    assert erased.requester.id == erased.contact_method == ""
    assert store.get(kept_still.id) == kept_still


def test_a_confidential_one_open_six_months_is_closed_once(books: Books) -> None:
    store, box, book = books
    request = made(store, CONFIDENTIAL, "c")
    made(store, DRAFT, "open and not confidential: kept")
    six = months_before(NOW, -6)
    assert book.open_too_long(cutoffs(six - DAY, Periods()), limit=10) == []
    assert book.open_too_long(cutoffs(six, Periods()), limit=10) == [request]
    after = closed_automatically(request, six)
    before = rows(box)
    assert book.close(request, after, messages=messages(request))
    assert not book.close(request, after, messages=messages(request))
    assert store.get(request.id) == after
    assert rows(box) == before + 2  # the notices, once
    assert book.open_too_long(cutoffs(six + DAY, Periods()), limit=10) == []


def test_a_request_claimed_meanwhile_is_not_closed(books: Books) -> None:
    store, _, book = books
    request = made(store, CONFIDENTIAL, "c")
    taken = dataclasses.replace(request, status="claimed", claimed_by="camille", claimed_at=NOW)
    assert store.replace(request, taken, messages=[], now=NOW)
    assert not book.close(request, closed_automatically(request, NOW), messages=[])
    assert store.get(request.id) == taken


def test_its_messages_and_copies_go_with_it(books: Books) -> None:
    store, box, book = books
    request = close(store, made(store, DRAFT, "a"))
    other = made(store, DRAFT, "b")  # open: everything of it stays
    store.record_post(request.id, "camille", Post("mattermost", "p1", "u-camille", "c1"))
    store.record_post(other.id, "camille", Post("mattermost", "p2", "u-camille", "c1"))
    assert rows(box) == 6
    due = cutoffs(NOW + 400 * DAY, Periods())
    assert book.anonymise(due, limit=10) == Tally(anonymised=1, messages=4)
    assert rows(box) == 2
    assert store.post_of(request.id, "camille") is None
    assert store.post_of(other.id, "camille") is not None
    left = box.claim(now=due.now, lease=DAY, platforms=("mattermost",))
    texts = [item.message.text for item in left]
    assert texts == [f"pour camille {other.id}", f"pour alice {other.id}"]


def test_a_message_being_sent_waits_for_the_next_sweep(books: Books) -> None:
    store, box, book = books
    request = close(store, made(store, DRAFT, "a"))
    due = cutoffs(NOW + 400 * DAY, Periods())
    lease = timedelta(seconds=20)
    held = box.claim(now=due.now - timedelta(seconds=5), lease=lease, platforms=("mattermost",))
    assert len(held) == 4  # at its creation and at its close; a replica is sending them
    assert book.anonymise(due, limit=10) == Tally(anonymised=1)  # its messages wait
    assert rows(box) == 4
    assert book.sweep(due, limit=10) == Tally()
    lapsed = dataclasses.replace(due, now=due.now + timedelta(seconds=16))
    assert book.sweep(lapsed, limit=3) == Tally(messages=3)
    assert book.sweep(lapsed, limit=3) == Tally(messages=1)
    assert rows(box) == 0 and store.get(request.id) is not None


def test_messages_tied_to_no_request_go_after_the_shortest_period(books: Books) -> None:
    store, box, book = books
    reminder = Message("send", "mattermost", Recipient("animator", "camille"), "🔔 Rappel")
    loose(store, reminder, at=NOW - 2 * DAY)  # 27 November, 11:00 in Paris
    three = cutoffs(datetime(2027, 2, 27, 11, 0, tzinfo=PARIS), Periods())
    early = cutoffs(three.now - timedelta(seconds=1), Periods())
    assert book.backlog(early) == Tally()
    assert book.sweep(early, limit=10) == Tally()
    assert book.backlog(three) == Tally(messages=1)
    assert book.sweep(three, limit=10) == Tally(messages=1)
    assert rows(box) == 0


def test_in_batches_and_counted_first(books: Books) -> None:
    store, box, book = books
    for number in range(5):
        close(store, made(store, DRAFT if number % 2 else CONFIDENTIAL, f"n{number}"))
    made(store, CONFIDENTIAL, "open")
    due = cutoffs(NOW + 400 * DAY, Periods())
    assert book.backlog(due) == Tally(closed=1, anonymised=5, messages=20)
    assert book.backlog(due) == Tally(closed=1, anonymised=5, messages=20)  # nothing changed
    assert [book.anonymise(due, limit=2).anonymised for _ in range(4)] == [2, 2, 1, 0]
    assert book.backlog(due) == Tally(closed=1)
    assert rows(box) == 2


def test_the_figures_are_the_same_after(books: Books, catalog: Catalog) -> None:
    store, _, book = books
    for number in range(12):
        request = made(store, CONFIDENTIAL if number % 3 == 0 else DRAFT, f"n{number}")
        if number % 4:
            close(store, request)
    categories = build_registry(BASE, catalog=catalog, today=TODAY, path=Path("t")).data.categories
    now = NOW + 120 * DAY  # the confidential ones closed are erased; the figures still show them
    before = figures(store.facts(since=NOW - DAY), categories, now=now, months=6)
    assert book.anonymise(cutoffs(now, Periods()), limit=100).anonymised == 3
    assert figures(store.facts(since=NOW - DAY), categories, now=now, months=6) == before
    assert book.anonymise(cutoffs(NOW + 400 * DAY, Periods()), limit=100).anonymised == 6
    assert figures(store.facts(since=NOW - DAY), categories, now=now, months=6) == before


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine(request.param, tmp_path)


def test_sql_erases_reminders_digests_conversations_and_late_copies(engine: Engine) -> None:
    store, book = SqlStore(engine), SqlRetention(engine)
    request = made(store, DRAFT, "a")
    nudged = SqlReminders(engine)
    assert nudged.remind(request, "reminder", after=None, messages=[], now=NOW)
    assert nudged.digest("camille", "2026-W48", messages=[], now=NOW)
    state = {"category": "mal-etre", "animator": "camille"}
    inbox = SqlInbox(engine)
    inbox.handled("matrix", "$e", user_id="@a:x", messages=[], conversation=state, now=NOW)
    close(store, request)
    due = cutoffs(NOW + 400 * DAY, Periods())
    assert book.backlog(due) == Tally(anonymised=1, messages=4, drafts=1)
    assert book.anonymise(due, limit=10) == Tally(anonymised=1, messages=4)
    store.record_post(request.id, "camille", Post("mattermost", "late", None))
    assert book.sweep(due, limit=10) == Tally(drafts=1)
    assert inbox.conversation("matrix", "@a:x") is None
    with engine.connect() as connection:
        for table in (reminders, posts, digests):
            assert connection.execute(select(func.count()).select_from(table)).scalar() == 0
        nonce = connection.execute(select(requests.c.nonce)).scalar()
    assert nonce == f"anonymised-{request.id}"
