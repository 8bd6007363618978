"""The sync loop's own decisions, without a homeserver: an event that keeps failing is set
aside and the others go on; a session that cannot open is given back for another process;
an invitation that fails is skipped. The homeserver's side is a stand-in that hands out
batches until the adapter says it handled them, as a sync token does; the real thing is in
the Synapse tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.ports import DeliveryError
from bot.matrix import adapter as module
from bot.matrix.adapter import MatrixAdapter
from bot.matrix.client import MatrixError
from bot.matrix.events import Batch, Event, Invite
from bot.matrix.lease import SessionLease
from tests.fakes import FakeClock
from tests.fakes_inbox import MemoryLeases

ALICE = "@alice:t.fr"
WITHIN = 10  # seconds: every wait on the loop is bounded


class Homeserver:
    """Stands in for `MatrixClient`: the same batch again until `done`, then the next;
    with none left, the long poll waits."""

    def __init__(self, batches: list[Batch], *, opens: bool = True) -> None:
        self.batches, self.opens = batches, opens
        self.user, self.store, self.first_start = "@bot:t.fr", Path("store"), False
        self.opened = self.joined = 0

    async def open(self) -> None:
        self.opened += 1
        if not self.opens:
            raise MatrixError(
                "Connexion à Matrix refusée pour @bot:t.fr : vérifie le mot de passe."
            )

    async def sync(self, *, timeout_ms: int, full_state: bool = False) -> Batch:
        if not self.batches:
            await asyncio.Event().wait()  # a long poll with nothing new: until stopped
        return self.batches[0]

    def done(self, batch: Batch) -> None:
        self.batches.remove(batch)

    async def join(self, room: str) -> None:
        self.joined += 1
        if room == "!gone":
            raise DeliveryError("M_UNKNOWN 404", retryable=False, status=404)

    async def close(self) -> None: ...

    def rooms(self) -> int:
        return 1

    def members(self, room: str) -> int:
        return 2


class Dialogue:
    """Stands in for the dialogue: records, and fails on « boom »."""

    def __init__(self) -> None:
        self.handled: list[str] = []
        self.set_aside: list[str] = []
        self.changed = asyncio.Event()

    async def written(self, event: Any) -> None:
        if event.text == "boom":
            raise KeyError("details")  # as a guided request did when the registry changed
        self.handled.append(event.event_id)
        self.changed.set()

    async def failed(self, who: Any, room: str, event_id: str) -> None:
        self.set_aside.append(event_id)
        self.changed.set()

    def wake(self) -> None: ...

    async def tidy(self) -> None: ...


class Rooms:
    def room_of(self, platform: str, user: str) -> str:
        return "!dm"

    def remember(self, platform: str, user: str, room: str) -> None: ...


class Notifier:
    def attach(self, loop: Any) -> None: ...

    def detach(self) -> None: ...


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(module, "RETRY_SECONDS", (0.01,))
    monkeypatch.setattr(module, "STANDBY_POLL", 0.01)
    yield


def adapter(server: Homeserver, dialogue: Dialogue, leases: MemoryLeases) -> MatrixAdapter:
    lease = SessionLease(leases, FakeClock(), account=server.user, store=server.store)
    return MatrixAdapter(
        client=server,  # type: ignore[arg-type]
        dialogue=dialogue,  # type: ignore[arg-type]
        notifier=Notifier(),  # type: ignore[arg-type]
        rooms=Rooms(),
        allowed=frozenset({"t.fr"}),
        clock=FakeClock(),
        lease=lease,
    )


async def until(dialogue: Dialogue, condition: Any) -> None:
    async with asyncio.timeout(WITHIN):
        while not condition():
            dialogue.changed.clear()
            await dialogue.changed.wait()


def text(event_id: str, said: str) -> Event:
    return Event("text", event_id, ALICE, text=said)


def test_an_event_that_keeps_failing_is_set_aside_and_the_others_go_on() -> None:
    first = Batch("b1", timelines={"!dm": [text("$ok", "aide"), text("$boom", "boom")]})
    second = Batch("b2", timelines={"!dm": [text("$after", "qui domifa")]})
    server, dialogue = Homeserver([first, second]), Dialogue()

    async def scenario() -> None:
        loop = adapter(server, dialogue, MemoryLeases())
        running = asyncio.create_task(loop.run())
        await until(dialogue, lambda: "$after" in dialogue.handled)
        loop.stop()
        await running

    asyncio.run(scenario())
    assert dialogue.set_aside == ["$boom"]  # after 3 attempts, once
    assert dialogue.handled.count("$ok") == 3  # handled again with its batch (the inbox dedups)
    assert first not in server.batches and server.opened == 3  # started again twice


class Standby(MemoryLeases):
    """Leases another process waits for: it takes the lease as soon as it is given back."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.loop, self.given_back = loop, asyncio.Event()

    def release(self, name: str, holder: str) -> None:  # from the adapter's thread
        super().release(name, holder)
        now = datetime.now(UTC)
        if holder != "another" and self.hold(name, "another", now=now, until=now + timedelta(1)):
            self.loop.call_soon_threadsafe(self.given_back.set)


def test_a_session_that_cannot_open_is_given_back_for_another_process() -> None:
    server = Homeserver([], opens=False)

    async def scenario() -> None:
        leases = Standby(asyncio.get_running_loop())
        loop = adapter(server, Dialogue(), leases)
        running = asyncio.create_task(loop.run())
        await asyncio.wait_for(leases.given_back.wait(), WITHIN)
        assert server.opened == module.OPENING_ATTEMPTS
        assert leases.held["matrix @bot:t.fr"][0] == "another"
        loop.stop()
        await running

    asyncio.run(scenario())


def test_an_invitation_that_fails_is_skipped_and_the_sync_goes_on() -> None:
    batch = Batch(
        "b1",
        invites=[Invite("!gone", ALICE, False), Invite("!dm", ALICE, True)],
        timelines={"!dm": [text("$after", "aide")]},
    )
    server, dialogue = Homeserver([batch]), Dialogue()

    async def scenario() -> None:
        loop = adapter(server, dialogue, MemoryLeases())
        running = asyncio.create_task(loop.run())
        await until(dialogue, lambda: dialogue.handled)
        loop.stop()
        await running

    asyncio.run(scenario())
    assert server.joined == 2 and dialogue.handled == ["$after"] and server.opened == 1
