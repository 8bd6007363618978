"""The delivery worker: takes due outbox messages, sends them, retries with backoff.

Network errors, 429 and 5xx are retried with exponential backoff and jitter;
any other refusal goes to the dead-letter state (visible, never dropped). A
message is taken under a lease: if this replica dies mid-delivery, another
takes it over when the lease expires. Chat platforms are called outside any
database transaction; the worker knows them only through the `Notifier` port.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.people import Platform
from bot.core.ports import DeliveryError, Notifier, Outbox

log = logging.getLogger(__name__)


class Worker:
    def __init__(
        self,
        outbox: Outbox,
        notifiers: Mapping[Platform, Notifier],
        clock: Clock,
        *,
        lease: timedelta = timedelta(seconds=60),
        max_attempts: int = 200,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        batch: int = 20,
        observer: Callable[[str], None] | None = None,
    ) -> None:
        self.outbox = outbox
        self.notifiers = dict(notifiers)
        self.clock = clock
        self.lease = lease
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.batch = batch
        self.wake = asyncio.Event()
        self.observer = observer or (lambda outcome: None)
        self.stopping = False

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff, capped, with jitter so replicas do not retry in step."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** min(attempts, 20))
        return timedelta(seconds=ceiling * random.uniform(0.5, 1.0))  # noqa: S311

    def run_once(self) -> int:
        """Deliver what is due now; returns how many messages were handled."""
        platforms = tuple(name for name, notifier in self.notifiers.items() if notifier.active())
        if not platforms:
            return 0
        items = self.outbox.claim(
            now=self.clock.now(), lease=self.lease, platforms=platforms, limit=self.batch
        )
        down: dict[Platform, datetime] = {}  # platforms unreachable this round, and until when
        untried: dict[Platform, list[int]] = {}
        for index, item in enumerate(items):
            platform = item.message.platform
            if self.stopping:  # shutting down: give the rest back for another replica
                self.outbox.release([later.id for later in items[index:]], at=self.clock.now())
                break
            if platform in down:  # unreachable: give it back untried, for a later round
                untried.setdefault(platform, []).append(item.id)
                continue
            try:
                self.notifiers[platform].deliver(item.message, key=f"animbot{item.id}")
            except DeliveryError as error:
                self._failed(item.id, item.attempts, error)
                if error.retryable and error.status is None:
                    down[platform] = self.clock.now() + self.delay(item.attempts)
                continue
            except Exception as error:  # a bug, the database: counted and retried, never stuck
                unexpected = DeliveryError(f"unexpected {type(error).__name__}", retryable=True)
                self._failed(item.id, item.attempts, unexpected)
                continue
            self.outbox.sent(item.id, now=self.clock.now())
            self.observer("sent")
        for platform, ids in untried.items():
            self.outbox.release(ids, at=down[platform])
        return len(items)

    def _failed(self, item_id: int, attempts: int, error: DeliveryError) -> None:
        reason = f"{error.status}: {error}" if error.status else str(error)
        if error.retryable and attempts + 1 < self.max_attempts:
            self.outbox.retry(item_id, error=reason, at=self.clock.now() + self.delay(attempts))
            self.observer("retried")
            log.warning(
                "delivery failed, will retry", extra={"outbox_id": item_id, "status": error.status}
            )
        else:
            self.outbox.dead(item_id, error=reason)
            self.observer("dead")
            log.error(
                "delivery failed for good", extra={"outbox_id": item_id, "status": error.status}
            )

    async def run(self, *, idle: float = 1.0) -> None:
        """Deliver until `stop()`: at once when woken, else every `idle` seconds."""
        while not self.stopping:
            try:
                handled = await asyncio.to_thread(self.run_once)
            except Exception:  # a database hiccup must not kill the worker
                log.exception("outbox worker failed; retrying")
                handled = 0
            if handled or self.stopping:
                continue
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=idle)

    def stop(self) -> None:
        """Finish the message in hand, release the others' leases, and stop."""
        self.stopping = True
        self.wake.set()
