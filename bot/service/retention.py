"""Retention, applied: confidential requests open too long closed, requests past their
period anonymised, what is left of them erased. A chore of the delivery worker's loop,
like the reminders (no cron), and `animation-bot purge`, by hand.

The rules are the core's (`requests.retention`); this module reads the clock and the
registry, works through the `Retention` port in batches, and says how many: never who,
never which request, never a word of one.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Collection, Iterable

from bot.core.clock import Clock
from bot.core.people import Platform
from bot.core.ports import Retention
from bot.core.registry.model import Registry
from bot.core.requests.retention import Cutoffs, Periods, Tally, closing, cutoffs

log = logging.getLogger(__name__)

INTERVAL = 300.0  # seconds between two purges: nothing is due by the minute
BATCH = 100  # requests or messages per transaction
ROUNDS = 20  # batches of each kind per purge of the worker: deliveries wait meanwhile


class Purge:
    """`rounds`: how many batches of each kind a purge takes at most (None: until nothing is
    left); what remains waits for the next one. `observer` is told how many of each were
    done (`closed`, `anonymised`, `messages`, `drafts`), for the metrics."""

    def __init__(
        self,
        book: Retention,
        registry: Callable[[], Registry],
        clock: Clock,
        *,
        periods: Periods,
        platforms: Collection[Platform],
        interval: float = INTERVAL,
        batch: int = BATCH,
        rounds: int | None = ROUNDS,
        observer: Callable[[str, int], None] | None = None,
    ) -> None:
        self.book = book
        self.registry = registry
        self.clock = clock
        self.periods = periods
        self.platforms = tuple(platforms)
        self.interval = interval
        self.batch = batch
        self.rounds = rounds
        self.observer = observer or (lambda event, count: None)

    def run_once(self) -> int:
        """A purge now; how many things it closed, anonymised or erased."""
        return self.purge().total

    def backlog(self) -> Tally:
        """What a purge would do now, changing nothing."""
        return self.book.backlog(cutoffs(self.clock.now(), self.periods))

    def purge(self) -> Tally:
        due = cutoffs(self.clock.now(), self.periods)
        done = Tally(closed=self._close(due))
        done += self._repeat(
            lambda: self.book.anonymise(due, limit=self.batch), lambda batch: batch.anonymised
        )
        done += self._repeat(
            lambda: self.book.sweep(due, limit=self.batch), lambda batch: batch.messages
        )
        self._tell(done)
        return done

    def _batches(self) -> Iterable[int]:
        return itertools.count() if self.rounds is None else range(self.rounds)

    def _repeat(self, step: Callable[[], Tally], size: Callable[[Tally], int]) -> Tally:
        """Run `step` until a batch comes back short (`size` says how full it was)."""
        total = Tally()
        for _ in self._batches():
            batch = step()
            total += batch
            if size(batch) < self.batch:
                break
        return total

    def _close(self, due: Cutoffs) -> int:
        registry, closed = self.registry(), 0
        for _ in self._batches():
            found = self.book.open_too_long(due, limit=self.batch)
            for request in found:
                plan = closing(
                    registry, request, now=due.now, periods=self.periods, platforms=self.platforms
                )
                closed += self.book.close(request, plan.after, messages=plan.messages)
            if len(found) < self.batch:
                break
        return closed

    def _tell(self, done: Tally) -> None:
        for event, count in (
            ("closed", done.closed),
            ("anonymised", done.anonymised),
            ("messages", done.messages),
            ("drafts", done.drafts),
        ):
            if count:
                self.observer(event, count)
                log.info("retention applied", extra={"event": event, "count": count})
