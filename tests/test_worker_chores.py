"""The worker loop runs the reminders beside delivering: what a chore writes to the outbox
goes out in the same loop, a failing chore does not stop the deliveries, and the loop looks
again only once the chore's interval has passed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from bot.core.requests.messages import Message, Recipient
from bot.service.worker import Worker
from tests.fakes import FakeClock, MemoryOutbox, RecordingNotifier
from tests.waiting import wait_for


class Chore:
    def __init__(
        self, outbox: MemoryOutbox, now: datetime, *, fails: bool = False, interval: float = 3600
    ) -> None:
        self.interval = interval
        self.outbox, self.now, self.fails = outbox, now, fails
        self.runs = 0

    def run_once(self) -> int:
        self.runs += 1
        if self.fails:
            raise RuntimeError("database down")
        self.outbox.enqueue(
            [Message("send", "mattermost", Recipient("animator", "camille"), "🔔 Rappel")],
            now=self.now,
        )
        return 1


def run(worker: Worker, until: Callable[[], bool]) -> None:
    async def go() -> None:
        task = asyncio.create_task(worker.run(idle=0.01))
        await asyncio.to_thread(lambda: wait_for(until, timeout=10, what="the worker"))
        worker.stop()
        await asyncio.wait_for(task, timeout=10)

    asyncio.run(go())


def test_what_a_chore_writes_is_delivered_by_the_same_loop(clock: FakeClock) -> None:
    outbox, notifier = MemoryOutbox(), RecordingNotifier()
    chore = Chore(outbox, clock.now())
    worker = Worker(outbox, {"mattermost": notifier}, clock, chores=[chore])
    run(worker, lambda: notifier.texts == ["🔔 Rappel"])
    assert chore.runs == 1  # once per interval, not once per loop


def test_a_failing_chore_leaves_the_deliveries(clock: FakeClock) -> None:
    outbox, notifier = MemoryOutbox(), RecordingNotifier()
    outbox.enqueue(
        [Message("send", "mattermost", Recipient("user_id", "u"), "un")], now=clock.now()
    )
    chore = Chore(outbox, clock.now(), fails=True)
    worker = Worker(outbox, {"mattermost": notifier}, clock, chores=[chore])
    run(worker, lambda: notifier.texts == ["un"])
    assert chore.runs == 1


def test_each_chore_at_its_own_interval(clock: FakeClock) -> None:
    """The reminders every minute, the purge every five: the slower one is not run as often
    as the quicker."""
    outbox, notifier = MemoryOutbox(), RecordingNotifier()
    quick, slow = Chore(outbox, clock.now(), interval=0.0), Chore(outbox, clock.now())
    worker = Worker(outbox, {"mattermost": notifier}, clock, chores=[quick, slow])
    run(worker, lambda: quick.runs >= 3)
    assert slow.runs == 1
