"""The inbox of pushed events (Matrix), on the memory fake, SQLite and PostgreSQL: each event
handled once, with what it changes; direct rooms; copies found by their post."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.ports import UNCHANGED, Post
from bot.core.requests.messages import Message, Recipient
from bot.store.inbox import SqlInbox
from bot.store.outbox import SqlOutbox
from bot.store.requests import SqlStore
from tests.fakes import MemoryRequestStore
from tests.fakes_inbox import MemoryInbox
from tests.stores import BACKENDS, DRAFT, fresh_engine, messages

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
Inbox = SqlInbox | MemoryInbox
Outbox = SqlOutbox | MemoryRequestStore


@pytest.fixture(params=["memory", *BACKENDS])
def world(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Inbox, SqlStore | MemoryRequestStore, SqlOutbox | object]]:
    if request.param == "memory":
        store = MemoryRequestStore()
        yield MemoryInbox(store.outbox), store, store.outbox
    else:
        for engine in fresh_engine(request.param, tmp_path):
            yield SqlInbox(engine), SqlStore(engine), SqlOutbox(engine)


def reply(text: str) -> Message:
    return Message("send", "matrix", Recipient("channel", "!room"), text, reply_to="$e1")


def test_an_event_is_handled_once_with_its_messages(world: tuple[Inbox, object, object]) -> None:
    inbox, _, outbox = world
    assert not inbox.seen("matrix", "$e1")
    kept = inbox.handled(
        "matrix", "$e1", user_id="@z:t", messages=[reply("un")], conversation=UNCHANGED, now=NOW
    )
    again = inbox.handled(
        "matrix", "$e1", user_id="@z:t", messages=[reply("deux")], conversation=UNCHANGED, now=NOW
    )
    assert (kept, again) == (True, False)
    assert inbox.seen("matrix", "$e1") and not inbox.seen("mattermost", "$e1")
    assert outbox.counts()["pending"] == 1  # type: ignore[attr-defined]


def test_concurrent_deliveries_of_one_event_handle_it_once(
    world: tuple[Inbox, object, object],
) -> None:
    inbox, _, _ = world
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def handle() -> None:
        barrier.wait()
        results.append(
            inbox.handled(
                "matrix", "$race", user_id="u", messages=[], conversation=UNCHANGED, now=NOW
            )
        )

    threads = [threading.Thread(target=handle) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]


def test_a_conversation_is_kept_changed_and_ended_with_its_events(
    world: tuple[Inbox, object, object],
) -> None:
    inbox, _, _ = world

    def event(number: int, conversation: object) -> None:
        inbox.handled(
            "matrix",
            f"$c{number}",
            user_id="@z:t",
            messages=[],
            conversation=conversation,  # type: ignore[arg-type]
            now=NOW,
        )

    event(1, {"field": 0})
    assert inbox.conversation("matrix", "@z:t") == {"field": 0}
    event(2, UNCHANGED)
    assert inbox.conversation("matrix", "@z:t") == {"field": 0}
    event(3, {"field": 1})
    assert inbox.conversation("matrix", "@z:t") == {"field": 1}
    assert inbox.conversation("matrix", "@other:t") is None
    event(4, None)
    assert inbox.conversation("matrix", "@z:t") is None


def test_direct_rooms_are_remembered_and_replaced(world: tuple[Inbox, object, object]) -> None:
    inbox, _, _ = world
    assert inbox.room_of("matrix", "@z:t") is None
    inbox.remember("matrix", "@z:t", "!one")
    inbox.remember("matrix", "@z:t", "!two")
    assert inbox.room_of("matrix", "@z:t") == "!two"
    assert inbox.room_of("mattermost", "@z:t") is None


def test_a_copy_is_found_by_its_post(
    world: tuple[Inbox, SqlStore | MemoryRequestStore, object],
) -> None:
    _, store, _ = world
    stored, _ = store.create(DRAFT, nonce="p", messages_for=messages)
    store.record_post(stored.id, "camille", Post("matrix", "$copy", "@camille:t", "!dm"))
    assert store.copy_at("matrix", "$copy") == (stored.id, "camille")
    assert store.copy_at("mattermost", "$copy") is None
    assert store.copy_at("matrix", "$other") is None


def test_old_marks_and_conversations_left_behind_are_forgotten(
    world: tuple[Inbox, object, object],
) -> None:
    inbox = world[0]
    week = timedelta(days=7)
    for event, user, when in (("$old", "u", NOW), ("$new", "v", NOW + week)):
        inbox.handled(
            "matrix", event, user_id=user, messages=[], conversation={"step": 1}, now=when
        )
    inbox.forget_before(NOW + week + timedelta(hours=1))
    assert (inbox.seen("matrix", "$old"), inbox.seen("matrix", "$new")) == (False, True)
    assert inbox.conversation("matrix", "u") is None  # left a week ago
    assert inbox.conversation("matrix", "v") == {"step": 1}
    inbox.forget_before(NOW + week + timedelta(days=2, hours=1))
    assert inbox.conversation("matrix", "v") is None
