"""The delivery worker: takes due outbox messages, sends each once, retries with backoff.

Network errors, 429 and 5xx are retried with exponential backoff and jitter;
any other refusal goes to the dead-letter state (visible, never dropped).
Sending each message exactly once, whatever fails, rests on three things:

- a message is taken under a lease shorter than the platforms remember a resend
  (Mattermost: 30 s), renewed every quarter of it while this replica works, so that
  a live replica keeps what it holds and a dead one's messages are taken over soon;
- the lease is fenced: right before the call that sends, and when marking the
  outcome, the outbox is asked whether this claim still holds the message
  (`Delivery.sending`), so a replica that lost it sends nothing more;
- a message whose earlier attempt may have reached the platform is looked for there
  before being sent again (the notifier does it, by the key the message carries).

Chat platforms are called outside any database transaction; the worker knows them
only through the `Notifier` port.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.clock import Clock
from bot.core.people import Platform
from bot.core.ports import Delivery, DeliveryError, LeaseLost, Notifier, Outbox, OutboxItem

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=20)  # under Mattermost's 30 s memory of a resend


class Chore(Protocol):
    """Work the loop does every `interval` seconds beside delivering (reminders, digests):
    what it sends, it writes to the outbox, which the same loop then delivers."""

    interval: float

    def run_once(self) -> int: ...


class Worker:
    def __init__(
        self,
        outbox: Outbox,
        notifiers: Mapping[Platform, Notifier],
        clock: Clock,
        *,
        lease: timedelta = LEASE,
        max_attempts: int = 200,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        batch: int = 10,
        observer: Callable[[str], None] | None = None,
        chores: Sequence[Chore] = (),
    ) -> None:
        self.outbox = outbox
        self.chores = tuple(chores)
        self._chores_due = [0.0] * len(self.chores)  # monotonic time each is due again
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
        if items:
            with self._renewing(items) as left:
                self._deliver_all(items, left)
        return len(items)

    def _deliver_all(self, items: Sequence[OutboxItem], left: _Left) -> None:
        down: dict[Platform, datetime] = {}  # platforms unreachable this round, and until when
        untried: dict[Platform, list[OutboxItem]] = {}
        for index, item in enumerate(items):
            platform = item.message.platform
            if self.stopping:  # shutting down: give the rest back for another replica
                self.outbox.release(items[index:], at=self.clock.now())
                break
            if platform in down:  # unreachable: give it back untried, for a later round
                untried.setdefault(platform, []).append(item)
            else:
                error = self._deliver(item)
                if error is not None and error.retryable and error.status is None:
                    down[platform] = self.clock.now() + self.delay(item.attempts)
            left.done(item)
        for platform, given_back in untried.items():
            self.outbox.release(given_back, at=down[platform])

    def _deliver(self, item: OutboxItem) -> DeliveryError | None:
        """Send one message and record how it went; the error, if it failed."""
        delivery = Delivery(item.key, item.tried_at, sending=lambda: self._still_ours(item))
        try:
            self.notifiers[item.message.platform].deliver(item.message, delivery)
        except LeaseLost:
            self._lost(item, "before sending")
            return None
        except DeliveryError as error:
            self._failed(item, error)
            return error
        except Exception as error:  # a bug, the database: counted and retried, never stuck
            unexpected = DeliveryError(f"unexpected {type(error).__name__}", retryable=True)
            self._failed(item, unexpected)
            return unexpected
        if self.outbox.sent(item, now=self.clock.now()):
            self.observer("sent")
        else:  # its new holder will find what was sent, by its key, and not send it again
            self._lost(item, "while sending")
        return None

    def _still_ours(self, item: OutboxItem) -> None:
        now = self.clock.now()
        if not self.outbox.sending(item, now=now, until=now + self.lease):
            raise LeaseLost

    def _lost(self, item: OutboxItem, when: str) -> None:
        self.observer("taken over")
        log.warning(f"message taken over by another replica {when}", extra={"outbox_id": item.id})

    def _failed(self, item: OutboxItem, error: DeliveryError) -> None:
        reason = f"{error.status}: {error}" if error.status else str(error)
        again = error.retryable and item.attempts + 1 < self.max_attempts
        if again:
            at = self.clock.now() + self.delay(item.attempts)
            recorded = self.outbox.retry(item, error=reason, at=at)
        else:
            recorded = self.outbox.dead(item, error=reason)
        if not recorded:
            self._lost(item, "while failing")
            return
        self.observer("retried" if again else "dead")
        extra = {"outbox_id": item.id, "status": error.status}
        if again:
            log.warning("delivery failed, will retry", extra=extra)
        else:
            log.error("delivery failed for good", extra=extra)

    @contextlib.contextmanager
    def _renewing(self, items: Sequence[OutboxItem]) -> Iterator[_Left]:
        """Renew the lease of the claimed messages not yet handled (`_Left`, which the
        caller shortens) every quarter of the lease, until the block ends."""
        left = _Left(items)
        done = threading.Event()

        def renew() -> None:
            while not done.wait(self.lease.total_seconds() / 4):
                try:
                    self.outbox.renew(left.items(), until=self.clock.now() + self.lease)
                except Exception:  # the database: the fence before each send still holds
                    log.warning("outbox lease not renewed")

        renewer = threading.Thread(target=renew, name="outbox-lease", daemon=True)
        renewer.start()
        try:
            yield left
        finally:
            done.set()
            renewer.join(timeout=self.lease.total_seconds())

    async def run(self, *, idle: float = 1.0) -> None:
        """Deliver until `stop()`: at once when woken, else every `idle` seconds."""
        while not self.stopping:
            if any(time.monotonic() >= due for due in self._chores_due):
                await asyncio.to_thread(self.run_chores)
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

    def run_chores(self) -> None:
        """Each chore due, each at its own interval."""
        for index, chore in enumerate(self.chores):
            if time.monotonic() < self._chores_due[index]:
                continue
            self._chores_due[index] = time.monotonic() + chore.interval
            try:
                chore.run_once()
            except Exception:  # the database: the next round tries again
                log.exception("worker chore failed; will try again")

    def stop(self) -> None:
        """Finish the message in hand, release the others' leases, and stop."""
        self.stopping = True
        self.wake.set()


class _Left:
    """The claimed messages not handled yet, shared with the thread renewing their lease."""

    def __init__(self, items: Sequence[OutboxItem]) -> None:
        self._items = list(items)
        self._lock = threading.Lock()

    def items(self) -> list[OutboxItem]:
        with self._lock:
            return list(self._items)

    def done(self, item: OutboxItem) -> None:
        with self._lock:
            self._items.remove(item)
