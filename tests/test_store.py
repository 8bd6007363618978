"""The SQL store and outbox, on real SQLite and real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from bot.core.messages import Message
from bot.core.requests.lifecycle import Request, claimed
from bot.store.outbox import Outbox
from bot.store.requests import SqlStore, migrate
from tests.stores import BACKENDS, fresh_engine

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
DRAFT = Request(
    id=0,
    category_id="convention",
    confidential=False,
    requester_id="u1",
    requester_name="alice",
    handlers=("camille", "dominique"),
    status="open",
    created_at=NOW,
    team_kind="startup",
    team_id="aides-territoires",
    team_name="Aides-territoires",
    subject="Objet",
    details="Détails",
    routing_reason="référente",
)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine(request.param, tmp_path)


def messages(request: Request) -> list[Message]:
    return [
        Message(
            "dm",
            f"pour camille {request.id}",
            to="@camille",
            request_id=request.id,
            post_of="camille",
        ),
        Message("dm", f"pour alice {request.id}", to="u1", request_id=request.id),
    ]


def test_migrations_create_the_schema_and_run_twice(engine: Engine) -> None:
    migrate(engine)
    assert {"requests", "request_posts", "outbox", "alembic_version"} <= set(
        inspect(engine).get_table_names()
    )


def test_create_stores_request_and_messages_together(engine: Engine) -> None:
    store, outbox = SqlStore(engine), Outbox(engine)
    stored, created = store.create(DRAFT, nonce="n1", messages_for=messages)
    assert created and stored.id > 0
    assert store.get(stored.id) == stored
    assert outbox.counts() == {"pending": 2, "sent": 0, "dead": 0}
    assert [i.message.text for i in outbox.claim(now=NOW, lease=timedelta(seconds=30))] == [
        f"pour camille {stored.id}",
        f"pour alice {stored.id}",
    ]


def test_same_nonce_twice_is_one_request(engine: Engine) -> None:
    store = SqlStore(engine)
    first, _ = store.create(DRAFT, nonce="same", messages_for=messages)
    second, created = store.create(DRAFT, nonce="same", messages_for=messages)
    assert not created and second.id == first.id
    assert Outbox(engine).counts()["pending"] == 2


def test_concurrent_double_submit_is_one_request(engine: Engine) -> None:
    store = SqlStore(engine)
    results: list[tuple[Request, bool]] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(store.create(DRAFT, nonce="race", messages_for=messages))
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(created for _, created in results) == 1
    assert len({r.id for r, _ in results}) == 1


def test_two_animators_claiming_at_once_one_wins(engine: Engine) -> None:
    store = SqlStore(engine)
    stored, _ = store.create(DRAFT, nonce="claim", messages_for=messages)
    wins: list[str] = []
    barrier = threading.Barrier(2)

    def claim(animator: str) -> None:
        barrier.wait()
        if store.replace(stored, claimed(stored, animator, NOW), messages=[], now=NOW):
            wins.append(animator)

    threads = [threading.Thread(target=claim, args=(a,)) for a in ("camille", "dominique")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1
    current = store.get(stored.id)
    assert current is not None and current.claimed_by == wins[0]


def test_lists_for_requester_and_animator(engine: Engine) -> None:
    store = SqlStore(engine)
    one, _ = store.create(DRAFT, nonce="a", messages_for=messages)
    two, _ = store.create(
        replace(DRAFT, requester_id="u2", handlers=("sacha",)), nonce="b", messages_for=messages
    )
    assert [r.id for r in store.of_requester("u1")] == [one.id]
    assert [r.id for r in store.of_animator("dominique")] == [one.id]
    assert [r.id for r in store.of_animator("sacha")] == [two.id]
    assert store.of_animator("cami") == []  # no substring match on ids


def test_posts_are_recorded_per_animator(engine: Engine) -> None:
    store = SqlStore(engine)
    stored, _ = store.create(DRAFT, nonce="p", messages_for=messages)
    store.record_post(stored.id, "camille", "post1")
    store.record_post(stored.id, "camille", "post1")
    assert store.post_of(stored.id, "camille") == "post1"
    assert store.post_of(stored.id, "dominique") is None


def test_outbox_lease_retry_dead_and_takeover(engine: Engine) -> None:
    store, outbox = SqlStore(engine), Outbox(engine)
    store.create(DRAFT, nonce="o", messages_for=messages)
    lease = timedelta(seconds=30)
    first, second = outbox.claim(now=NOW, lease=lease)
    assert outbox.claim(now=NOW, lease=lease) == []  # leased
    outbox.sent(first.id, now=NOW)
    outbox.retry(second.id, error="500: boom", at=NOW + timedelta(seconds=10))
    assert outbox.claim(now=NOW + timedelta(seconds=5), lease=lease) == []
    again = outbox.claim(now=NOW + timedelta(seconds=11), lease=lease)
    assert [i.id for i in again] == [second.id] and again[0].attempts == 1
    # The replica that took it dies: once the lease is over, another takes it.
    taken_over = outbox.claim(now=NOW + timedelta(seconds=42), lease=lease)
    assert [i.id for i in taken_over] == [second.id]
    outbox.dead(second.id, error="403: forbidden")
    assert outbox.counts() == {"pending": 0, "sent": 1, "dead": 1}
    assert outbox.dead_letters() == [(second.id, "dm", "403: forbidden")]


def test_parallel_claimers_never_take_the_same_message(engine: Engine) -> None:
    store, outbox = SqlStore(engine), Outbox(engine)
    for number in range(30):
        store.create(
            replace(DRAFT, requester_id=f"u{number}"), nonce=f"m{number}", messages_for=messages
        )
    taken: list[int] = []
    lock = threading.Lock()

    def claimer() -> None:
        while True:
            items = outbox.claim(now=NOW, lease=timedelta(minutes=5), limit=3)
            if not items:
                return
            with lock:
                taken.extend(i.id for i in items)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 60 and len(set(taken)) == 60


def test_times_come_back_aware_utc(engine: Engine) -> None:
    store = SqlStore(engine)
    stored, _ = store.create(DRAFT, nonce="t", messages_for=messages)
    loaded = store.get(stored.id)
    assert loaded is not None and loaded.created_at == NOW and loaded.created_at.tzinfo is not None
