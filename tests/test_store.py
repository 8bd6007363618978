"""The request store and the outbox: the SQL ones on real SQLite and real PostgreSQL, and
the memory fakes the unit tests use, held to the same cases."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from bot.core.people import Account
from bot.core.ports import Post
from bot.core.requests.lifecycle import claimed
from bot.core.requests.model import Request
from bot.store.engine import migrate
from bot.store.requests import SqlStore
from tests.stores import ALL, BACKENDS, DRAFT, NOW, Outbox, Store, fresh_engine, messages


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine(request.param, tmp_path)


def test_migrations_create_the_schema_and_run_twice(engine: Engine) -> None:
    migrate(engine)
    assert {"requests", "request_posts", "outbox", "alembic_version"} <= set(
        inspect(engine).get_table_names()
    )


def test_create_stores_request_and_messages_together(stores: tuple[Store, Outbox]) -> None:
    store, outbox = stores
    stored, created = store.create(DRAFT, nonce="n1", messages_for=messages)
    assert created and stored.id > 0
    assert store.get(stored.id) == stored
    assert outbox.counts() == {"pending": 2, "sent": 0, "dead": 0, "dropped": 0}
    assert [
        i.message.text for i in outbox.claim(now=NOW, lease=timedelta(seconds=30), platforms=ALL)
    ] == [
        f"pour camille {stored.id}",
        f"pour alice {stored.id}",
    ]


def test_same_nonce_twice_is_one_request(stores: tuple[Store, Outbox]) -> None:
    store, outbox = stores
    first, _ = store.create(DRAFT, nonce="same", messages_for=messages)
    second, created = store.create(DRAFT, nonce="same", messages_for=messages)
    assert not created and second.id == first.id
    assert outbox.counts()["pending"] == 2


def test_concurrent_double_submit_is_one_request(stores: tuple[Store, Outbox]) -> None:
    store, _ = stores
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


def test_two_animators_claiming_at_once_one_wins(stores: tuple[Store, Outbox]) -> None:
    store, _ = stores
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


def test_lists_for_requester_and_animator(stores: tuple[Store, Outbox]) -> None:
    store, _ = stores
    one, _ = store.create(DRAFT, nonce="a", messages_for=messages)
    two, _ = store.create(
        replace(DRAFT, requester=Account("mattermost", "u2", "bob"), assignees=("sacha",)),
        nonce="b",
        messages_for=messages,
    )
    assert [r.id for r in store.of_requester(DRAFT.requester)] == [one.id]
    assert [r.id for r in store.of_animator("dominique")] == [one.id]
    assert [r.id for r in store.of_animator("sacha")] == [two.id]
    assert store.of_animator("cami") == []  # no substring match on ids


def test_posts_are_recorded_per_animator(stores: tuple[Store, Outbox]) -> None:
    store, _ = stores
    stored, _ = store.create(DRAFT, nonce="p", messages_for=messages)
    first = Post("mattermost", "post1", "uid-camille", "dm1")
    store.record_post(stored.id, "camille", first)
    store.record_post(stored.id, "camille", first)
    assert store.post_of(stored.id, "camille") == first
    resent = Post("matrix", "$event", "@camille:tchap.example", "!room")
    store.record_post(stored.id, "camille", resent)  # a resend replaces the copy
    assert store.post_of(stored.id, "camille") == resent
    assert store.post_of(stored.id, "dominique") is None


def test_times_come_back_aware_utc(engine: Engine) -> None:
    store = SqlStore(engine)
    stored, _ = store.create(DRAFT, nonce="t", messages_for=messages)
    loaded = store.get(stored.id)
    assert loaded is not None and loaded.created_at == NOW and loaded.created_at.tzinfo is not None
