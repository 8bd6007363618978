"""Reminders and weekly digests, driven by the database from the delivery worker's loop: no
cron, no second service. Every replica runs them; the store decides, under a unique key
written with the messages, which one does each step (`Reminders` port), and the messages
go through the outbox like every other.

The rules and the words are the core's (`requests.reminders`, `requests.digest`); this
module only reads the clock and the registry, and asks the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection

from bot.core.clock import PARIS, Clock
from bot.core.people import Platform
from bot.core.ports import Reminders
from bot.core.registry.model import Registry
from bot.core.requests.digest import digest, is_due, week_of
from bot.core.requests.reminders import due_step, plan

log = logging.getLogger(__name__)

INTERVAL = 60.0  # seconds between two looks at the database


class Nudges:
    """`observer` is told each step done (`reminder`, `escalation`, `digest`), for the
    metrics: never who or which request."""

    def __init__(
        self,
        book: Reminders,
        registry: Callable[[], Registry],
        clock: Clock,
        *,
        platforms: Collection[Platform],
        interval: float = INTERVAL,
        observer: Callable[[str], None] | None = None,
    ) -> None:
        self.book = book
        self.registry = registry
        self.clock = clock
        self.platforms = tuple(platforms)
        self.interval = interval
        self.observer = observer or (lambda step: None)
        self._sent: set[tuple[str, str]] = set()  # (co-animator, week) known done

    def run_once(self) -> int:
        """Do every step due now; how many this replica did."""
        return self.remind() + self.digests()

    def remind(self) -> int:
        registry, now = self.registry(), self.clock.now()
        today = now.astimezone(PARIS).date()
        done = 0
        for request, steps in self.book.unclaimed():
            step = due_step(registry, request, now=now, done=steps)
            if step is None:
                continue
            todo = plan(registry, request, step, today=today, platforms=self.platforms)
            if self.book.remind(request, step, after=todo.after, messages=todo.messages, now=now):
                done += 1
                self.observer(step)
                log.info("reminder sent", extra={"event": step})
        return done

    def digests(self) -> int:
        now = self.clock.now()
        if not is_due(now):
            return 0
        registry, week = self.registry(), week_of(now)
        waiting = [a for a in registry.animators.values() if (a.id, week) not in self._sent]
        if not waiting:
            return 0
        open_requests = self.book.open_requests()
        done = 0
        for animator in waiting:
            theirs = [
                r
                for r in open_requests
                if r.claimed_by == animator.id or (not r.claimed_by and animator.id in r.assignees)
            ]
            message = digest(registry, animator, theirs, now=now, platforms=self.platforms)
            if message is None:
                continue
            if self.book.digest(animator.id, week, messages=[message], now=now):
                done += 1
                self.observer("digest")
            self._sent.add((animator.id, week))  # by this replica or another
        return done
