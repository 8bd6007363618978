"""The Matrix side of the bot: the sync loop, beside the HTTP service.

It opens the session, completes a first sync before acting (on the very first start,
the rooms' history is left unanswered), then long-polls: invitations from allowed
servers are accepted and the others declined; what people write or react with goes
to the dialogue, in order, room by room; what the homeserver left out of a sync is
fetched first. A network failure waits and tries again; SIGTERM stops it cleanly.

One process at a time holds the account's session (`lease.py`): other replicas wait,
their workers leave the Matrix messages to it. An event that fails again and again is
set aside with an apology, so that it does not hold up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.core.clock import Clock
from bot.core.people import Account
from bot.core.ports import DeliveryError, DirectRooms
from bot.matrix.client import MatrixClient, MatrixError
from bot.matrix.events import Batch, Event, addressed, after_joining, server_of, without_quote
from bot.matrix.health import STANDBY, MatrixHealth, problem_of
from bot.matrix.lease import SessionLease
from bot.matrix.notifier import MATRIX, MatrixNotifier
from bot.service.dialogue import EDITED, UNREADABLE, Dialogue, Reacted, Written
from bot.service.inbound import Place

log = logging.getLogger(__name__)
POLL_MS = 30_000
STANDBY_POLL = 5  # seconds between two attempts of a waiting process to take the lease
RETRY_SECONDS = (1, 2, 5, 10)  # then every 10 s: a homeserver back is soon seen
OPENING_ATTEMPTS = 3  # then the session is given back for another process to try
ATTEMPTS_PER_EVENT = 3  # an event failing this often is set aside


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
        lease: SessionLease,
    ) -> None:
        self.client = client
        self.dialogue = dialogue
        self.notifier = notifier
        self.rooms = rooms
        self.allowed = allowed
        self.clock = clock
        self.lease = lease
        self.health = MatrixHealth()
        self._stopping = asyncio.Event()
        self._failures: dict[str, int] = {}  # event id -> failed attempts, this session

    async def run(self) -> None:
        """Sync until `stop()`, while this process holds the account's session; failures are
        logged and retried, never raised."""
        try:
            while not self._stopping.is_set():
                await self._wait_for_lease()
                await self._while_held(self._session())
                await self.lease.give_back()  # it ended: another process may do better
                await self._pause(RETRY_SECONDS[-1])
        except asyncio.CancelledError:
            pass
        finally:
            await self._close()
            await self.lease.give_back()

    async def _session(self) -> None:
        await self._retrying(self.client.open, attempts=OPENING_ATTEMPTS)
        first = self.client.first_start
        # The first sync brings every room's state (the client keeps none across a
        # restart); on the very first start, the rooms' history too, left unanswered.
        await self._retrying(lambda: self._sync(timeout_ms=0, history=first, full=True))
        self.notifier.attach(asyncio.get_running_loop())
        self.dialogue.wake()
        while not self._stopping.is_set():
            await self._retrying(lambda: self._sync(timeout_ms=POLL_MS, history=False, full=False))

    async def _wait_for_lease(self) -> None:
        while not await self.lease.take():
            if self.health.problem != STANDBY:
                log.info("matrix session held by another process, waiting")
            self.health.problem = STANDBY
            await self._pause(STANDBY_POLL)
        log.info("matrix session held here")

    async def _while_held(self, session: Coroutine[Any, Any, None]) -> None:
        """Run the session until it ends or the lease is lost, then close it here."""
        tasks = [asyncio.create_task(session), asyncio.create_task(self.lease.keep(self._pause))]
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
                if not isinstance(outcome, MatrixError):
                    self.health.problem = "erreur inattendue, nouvel essai dans quelques secondes"

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        if self._stopping.is_set():
            raise asyncio.CancelledError

    async def _close(self) -> None:
        self.notifier.detach()
        self.health.connected = False
        try:
            await self.client.close()
        except Exception as error:  # closing an HTTP session: nothing left to save
            log.warning("matrix client not closed cleanly", extra={"status": type(error).__name__})

    def stop(self) -> None:
        self._stopping.set()

    def state(self) -> dict[str, Any]:
        return self.health.as_dict()

    async def _retrying(
        self, step: Callable[[], Awaitable[None]], *, attempts: int | None = None
    ) -> None:
        """`step` until it works; a homeserver away is waited for. After `attempts` failures,
        the error is raised."""
        attempt = 0
        while True:
            if self._stopping.is_set():
                raise asyncio.CancelledError
            try:
                await step()
                self.health.problem = None
                return
            except (MatrixError, DeliveryError) as error:
                self.health.connected = False
                self.health.problem = problem_of(error)
                log.warning("matrix unavailable, retrying", extra={"status": type(error).__name__})
                attempt += 1
                if attempts is not None and attempt >= attempts:
                    raise MatrixError(self.health.problem) from None
                await self._pause(RETRY_SECONDS[min(attempt - 1, len(RETRY_SECONDS) - 1)])

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
                    await self._guarded(room, event)
        await asyncio.to_thread(self.client.done, batch)
        self._failures.clear()
        await self.dialogue.tidy()

    async def _invites(self, batch: Batch) -> None:
        for invite in batch.invites:
            try:
                if server_of(invite.inviter) not in self.allowed:
                    await self.client.leave(invite.room)
                    continue
                await self.client.join(invite.room)
            except DeliveryError as error:  # a room gone, a server away: this invite only
                log.warning("matrix invitation not answered", extra={"status": error.status})
                continue
            if invite.direct:
                await asyncio.to_thread(self.rooms.remember, MATRIX, invite.inviter, invite.room)

    async def _guarded(self, room: str, event: Event) -> None:
        """Handle `event`; one that fails again and again is set aside, with an apology."""
        try:
            await self._handle(room, event)
        except (MatrixError, DeliveryError):
            raise  # the homeserver: waited for, the event comes again
        except Exception as error:
            failures = self._failures.get(event.event_id, 0) + 1
            self._failures[event.event_id] = failures
            if failures < ATTEMPTS_PER_EVENT:
                raise  # the database away, perhaps: the session starts again, the event too
            log.error("matrix event set aside", extra={"status": type(error).__name__})
            who = Account(MATRIX, event.sender, event.sender)
            await self.dialogue.failed(who, room, event.event_id)

    async def _handle(self, room: str, event: Event) -> None:
        if event.sender == self.client.user or server_of(event.sender) not in self.allowed:
            return
        who = Account(MATRIX, event.sender, event.sender)
        # Their direct room with the bot, as they opened it or the bot did, still theirs alone.
        direct = (
            await asyncio.to_thread(self.rooms.room_of, MATRIX, event.sender) == room
            and (self.client.members(room) or 0) <= 2
        )
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
        elif event.kind in ("unreadable", "edited") and direct:  # in a room: maybe not for it
            told = await self.dialogue.tell(
                who, room, event.event_id, UNREADABLE if event.kind == "unreadable" else EDITED
            )
            self.health.undecryptable += int(told and event.kind == "unreadable")
        elif event.kind == "unreadable":
            self.health.undecryptable += 1
