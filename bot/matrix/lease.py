"""One process at a time holds an account's Matrix session: two syncing with one device
would answer everything twice and overwrite each other's keys.

A lease in the database (the `Leases` port), renewed every 15 s, lapsing after 60 s: other
replicas wait; one of them takes over once it is given back, or once it lapses. A holder
that cannot renew it in time gives the session up before it could lapse, so that two
processes never sync at once, even when the database hangs.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from bot.core.clock import Clock
from bot.core.ports import Leases

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # how long a process holds the session without renewing it
RENEW = timedelta(seconds=15)  # how often it renews it; also the longest wait for the database


class SessionLease:
    def __init__(self, leases: Leases, clock: Clock, *, account: str, store: Path) -> None:
        self.leases = leases
        self.clock = clock
        self.name = f"matrix {account}"  # one session per account, whatever the replicas
        # The same machine and store after a restart: the session is taken back at once.
        self.holder = f"{socket.gethostname()} {store.resolve()}"

    async def take(self) -> bool | None:
        """Take or renew it: True; False while another holds it; None when the database
        did not answer in time."""
        now = self.clock.now()
        try:
            async with asyncio.timeout(RENEW.total_seconds()):
                return await asyncio.to_thread(
                    self.leases.hold, self.name, self.holder, now=now, until=now + LEASE
                )
        except Exception as error:  # any database failure, or a hang: not known to be held
            log.warning("matrix lease unreadable", extra={"status": type(error).__name__})
            return None

    async def keep(self, pause: Callable[[float], Awaitable[None]]) -> None:
        """Renew it until it is lost, or until it may lapse before the next renewal."""
        held_until = self.clock.now() + LEASE
        while True:
            await pause(RENEW.total_seconds())
            now = self.clock.now()  # before asking: the lease runs from no later than this
            held = await self.take()
            if held:
                held_until = now + LEASE
            elif held is False or now + 2 * RENEW >= held_until:  # a pause and a wait more
                log.warning("matrix session given up: another process holds it, or may soon")
                return

    async def give_back(self) -> None:
        """Let another process take the session at once."""
        try:
            await asyncio.to_thread(self.leases.release, self.name, self.holder)
        except Exception as error:  # the database is down: the lease lapses by itself
            log.warning("matrix lease not given back", extra={"status": type(error).__name__})
            return
        log.info("matrix session given back")
