"""The Matrix side of the bot: the sync loop, beside the HTTP service.

It opens the session, completes a first sync before acting (on the very first start,
the rooms' history is left unanswered), then long-polls: invitations from allowed
servers are accepted and the others declined; what people write or react with goes
to the dialogue, in order, room by room; what the homeserver left out of a sync is
fetched first. A network failure waits and tries again; SIGTERM stops it cleanly.

One process at a time holds the account's session (a lease in the database, renewed
every 15 s, lapsing after 60 s): other replicas wait, their workers leave the Matrix
messages to it, and one of them takes over if it stops renewing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.core.people import Account
from bot.core.ports import DeliveryError, DirectRooms, Leases
from bot.matrix.client import MatrixClient, MatrixError
from bot.matrix.events import Batch, Event, addressed, after_joining, server_of, without_quote
from bot.matrix.notifier import MATRIX, MatrixNotifier
from bot.service.dialogue import Dialogue, Reacted, Written
from bot.service.inbound import Place

log = logging.getLogger(__name__)
POLL_MS = 30_000
LEASE = timedelta(seconds=60)  # how long a process holds the session without renewing it
RENEW_SECONDS = 15
STANDBY_POLL = 5  # seconds between two attempts of a waiting process to take the lease
STANDBY = "en attente : une autre instance du bot tient la session Matrix"
RETRY_SECONDS = (1, 2, 5, 10)  # then every 10 s: a homeserver back is soon seen


@dataclass
class MatrixHealth:
    """What `/healthz` and `/metrics` say of Matrix: never a room or a person."""

    connected: bool = False
    last_sync: datetime | None = None
    rooms: int = 0
    undecryptable: int = 0
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "connected": self.connected,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "rooms": self.rooms,
            "undecryptable": self.undecryptable,
            "problem": self.problem,
        }


class MatrixAdapter:
    def __init__(
        self,
        *,
        client: MatrixClient,
        dialogue: Dialogue,
        notifier: MatrixNotifier,
        rooms: DirectRooms,
        allowed: frozenset[str],
        clock: Clock,
        leases: Leases,
    ) -> None:
        self.client = client
        self.dialogue = dialogue
        self.notifier = notifier
        self.rooms = rooms
        self.allowed = allowed
        self.clock = clock
        self.health = MatrixHealth()
        self._stopping = asyncio.Event()
        self.leases = leases
        self.lease = f"matrix {client.user}"  # one session per account, whatever the replicas
        # The same machine and store after a restart: the session is taken back at once.
        self.holder = f"{socket.gethostname()} {client.store.resolve()}"

    async def run(self) -> None:
        """Sync until `stop()`, while this process holds the account's session; failures are
        logged and retried, never raised."""
        try:
            while not self._stopping.is_set():
                await self._wait_for_lease()
                await self._while_held(self._session())
        except asyncio.CancelledError:
            pass
        finally:
            await self._close()
            with contextlib.suppress(Exception):  # the database may be down: it lapses then
                await asyncio.to_thread(self.leases.release, self.lease, self.holder)

    async def _session(self) -> None:
        await self._retrying(self.client.open)
        first = self.client.first_start
        # The first sync brings every room's state (the client keeps none across a
        # restart); on the very first start, the rooms' history too, left unanswered.
        await self._retrying(lambda: self._sync(timeout_ms=0, history=first, full=True))
        self.notifier.attach(asyncio.get_running_loop())
        self.dialogue.wake()
        while not self._stopping.is_set():
            await self._retrying(lambda: self._sync(timeout_ms=POLL_MS, history=False, full=False))

    async def _wait_for_lease(self) -> None:
        while not await self._take():
            self.health.problem = STANDBY
            await self._pause(STANDBY_POLL)

    async def _while_held(self, session: Coroutine[Any, Any, None]) -> None:
        """Run the session until it ends or the lease is lost, then close it here."""
        tasks = [asyncio.create_task(session), asyncio.create_task(self._keep_lease())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
            await self._close()
        for outcome in outcomes:
            if isinstance(outcome, Exception):  # a database down, a bug: start again soon
                log.error("matrix session failed", extra={"status": type(outcome).__name__})
                self.health.problem = "erreur inattendue, nouvel essai dans quelques secondes"
                await self._pause(RETRY_SECONDS[-1])

    async def _keep_lease(self) -> None:
        """Renew the lease; return when it is lost, or cannot be renewed before it lapses."""
        held_until = self.clock.now() + LEASE
        while True:
            await self._pause(RENEW_SECONDS)
            now = self.clock.now()
            held = await self._take()
            if held:
                held_until = now + LEASE
            elif held is False or now + timedelta(seconds=RENEW_SECONDS) >= held_until:
                log.warning("matrix session given up: another process holds it, or may soon")
                return

    async def _take(self) -> bool | None:
        """Take or renew the lease: True, False (another holds it), None (database error)."""
        now = self.clock.now()
        try:
            return await asyncio.to_thread(
                self.leases.hold, self.lease, self.holder, now=now, until=now + LEASE
            )
        except Exception:  # any database failure: not held, said, and tried again
            log.warning("matrix lease unreadable")
            return None

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        if self._stopping.is_set():
            raise asyncio.CancelledError

    async def _close(self) -> None:
        self.notifier.detach()
        self.health.connected = False
        await self.client.close()

    def stop(self) -> None:
        self._stopping.set()

    def state(self) -> dict[str, Any]:
        return self.health.as_dict()

    async def _retrying(self, step: Any) -> None:
        for attempt in range(10**9):
            if self._stopping.is_set():
                raise asyncio.CancelledError
            try:
                await step()
                self.health.problem = None
                return
            except (MatrixError, DeliveryError) as error:
                self.health.connected = False
                self.health.problem = (
                    str(error)[:300]
                    if isinstance(error, MatrixError)
                    else ("le serveur Matrix ne répond pas")
                )
                log.warning("matrix unavailable, retrying", extra={"status": type(error).__name__})
                delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
                await self._pause(delay)

    async def _sync(self, *, timeout_ms: int, history: bool, full: bool) -> None:
        batch = await self.client.sync(timeout_ms=timeout_ms, full_state=full)
        self.health.connected = True
        self.health.last_sync = self.clock.now()
        self.health.rooms = self.client.rooms()
        await self._invites(batch)
        if not history:  # the very first start: what was written before is not for the bot
            for room, events in batch.timelines.items():
                if room in batch.gaps:
                    start, end = batch.gaps[room]
                    events = await self.client.backfill(room, start, end) + events
                for event in after_joining(events, self.client.user):
                    await self._handle(room, event)
        await asyncio.to_thread(self.client.done, batch)

    async def _invites(self, batch: Batch) -> None:
        for invite in batch.invites:
            if server_of(invite.inviter) not in self.allowed:
                await self.client.leave(invite.room)
                continue
            await self.client.join(invite.room)
            if invite.direct:
                await asyncio.to_thread(self.rooms.remember, MATRIX, invite.inviter, invite.room)

    async def _handle(self, room: str, event: Event) -> None:
        if event.sender == self.client.user or server_of(event.sender) not in self.allowed:
            return
        who = Account(MATRIX, event.sender, event.sender)
        # Their direct room with the bot, as they opened it or the bot did: not any small room.
        direct = await asyncio.to_thread(self.rooms.room_of, MATRIX, event.sender) == room
        if event.kind == "text":
            text = without_quote(event.text) if event.relates_to else event.text
            found = addressed(text, direct=direct)
            if found is not None:
                said, prefixed = found
                where: Place = "direct" if direct else "channel"
                written = Written(
                    who, where, room, event.event_id, said, prefixed, event.relates_to
                )
                await self.dialogue.written(written)
        elif event.kind == "reaction" and event.relates_to:
            reacted = Reacted(who, room, event.event_id, event.relates_to, event.key)
            await self.dialogue.reacted(reacted)
        elif event.kind == "unreadable":
            self.health.undecryptable += 1
            if direct:  # in a room with others, it may not have been for the bot
                await self.dialogue.unreadable(who, room, event.event_id)
