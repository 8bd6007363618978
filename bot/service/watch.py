"""The registry's files, checked every few seconds beside the HTTP service."""

from __future__ import annotations

import asyncio
import logging

from bot.service.reloader import RegistryHolder

log = logging.getLogger(__name__)


class RegistryWatch:
    """Runs `holder.refresh()` in a thread when the files changed. The holder records what
    a file does wrong; whatever else fails here is logged once, not at every tick."""

    def __init__(self, holder: RegistryHolder, interval: float) -> None:
        self.holder = holder
        self.interval = interval
        self.failing: str | None = None  # the kind of error the last ticks ended with

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.tick()

    async def tick(self) -> None:
        """One check."""
        try:
            if self.holder.changed():  # only a change is worth a thread
                await asyncio.to_thread(self.holder.refresh)
        except Exception as error:  # never let the watch die: the next tick tries again
            if self.failing != type(error).__name__:
                log.error("registry watch failed: %s", type(error).__name__)
            self.failing = type(error).__name__
        else:
            if self.failing is not None:
                log.info("registry watch works again")
            self.failing = None
