"""The delivery worker, on its ports only: sent, retried with backoff, dead-lettered, given back;
one platform down does not hold the other's messages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.core.people import Platform
from bot.core.ports import DeliveryError
from bot.core.requests.messages import Message, Recipient
from bot.service.worker import Worker
from tests.fakes import FakeClock, MemoryOutbox, RecordingNotifier

BOTH: tuple[Platform, ...] = ("mattermost", "matrix")


def message(text: str, platform: Platform = "mattermost") -> Message:
    return Message("send", platform, Recipient("user_id", "u"), text)


@pytest.fixture
def outbox(clock: FakeClock) -> MemoryOutbox:
    box = MemoryOutbox()
    box.enqueue([message("un"), message("deux")], now=clock.now())
    return box


def worker(
    outbox: MemoryOutbox, notifier: RecordingNotifier, clock: FakeClock, **options: Any
) -> Worker:
    return Worker(outbox, {"mattermost": notifier}, clock, **options)


def test_sends_in_order_and_marks_sent(outbox: MemoryOutbox, clock: FakeClock) -> None:
    notifier = RecordingNotifier()
    assert worker(outbox, notifier, clock).run_once() == 2
    assert notifier.texts == ["un", "deux"]
    assert outbox.counts() == {"pending": 0, "sent": 2, "dead": 0, "dropped": 0}
    assert worker(outbox, notifier, clock).run_once() == 0


def test_server_errors_are_retried_later_with_the_same_key(
    outbox: MemoryOutbox, clock: FakeClock
) -> None:
    notifier = RecordingNotifier([DeliveryError("HTTP 500", retryable=True, status=500)])
    deliverer = worker(outbox, notifier, clock, base_delay=1, max_delay=60)
    deliverer.run_once()
    assert notifier.texts == ["deux"]
    assert deliverer.run_once() == 0  # not due yet
    clock.moment += timedelta(seconds=2)
    deliverer.run_once()
    assert notifier.texts == ["deux", "un"]
    keys = {message.text: key for key, message in notifier.delivered}
    assert keys == {"un": "key-1", "deux": "key-2"}


def test_network_down_gives_the_rest_back_untried(outbox: MemoryOutbox, clock: FakeClock) -> None:
    notifier = RecordingNotifier([DeliveryError("ConnectionError", retryable=True)])
    deliverer = worker(outbox, notifier, clock, base_delay=1)
    deliverer.run_once()
    assert notifier.delivered == []
    assert outbox.counts()["pending"] == 2
    assert [row.attempts for row in outbox.rows.values()] == [1, 0]  # the second, untried
    clock.moment += timedelta(seconds=5)
    deliverer.run_once()
    assert sorted(notifier.texts) == ["deux", "un"]


def test_one_platform_down_holds_only_its_own_messages(clock: FakeClock) -> None:
    box = MemoryOutbox()
    box.enqueue(
        [
            message("mm 1"),
            message("tchap 1", "matrix"),
            message("mm 2"),
            message("tchap 2", "matrix"),
        ],
        now=clock.now(),
    )
    mattermost = RecordingNotifier([DeliveryError("ConnectionError", retryable=True)])
    matrix = RecordingNotifier()
    Worker(box, {"mattermost": mattermost, "matrix": matrix}, clock).run_once()
    assert matrix.texts == ["tchap 1", "tchap 2"]
    assert mattermost.texts == []
    assert box.counts() == {"pending": 2, "sent": 2, "dead": 0, "dropped": 0}


def test_messages_of_a_platform_without_notifier_wait(clock: FakeClock) -> None:
    box = MemoryOutbox()
    box.enqueue([message("pour Tchap", "matrix"), message("pour Mattermost")], now=clock.now())
    notifier = RecordingNotifier()
    assert worker(box, notifier, clock).run_once() == 1
    assert notifier.texts == ["pour Mattermost"]
    assert box.counts()["pending"] == 1


def test_messages_of_a_platform_held_by_another_replica_are_left_untouched(
    clock: FakeClock,
) -> None:
    box = MemoryOutbox()
    box.enqueue([message("pour Tchap", "matrix")], now=clock.now())
    standby = RecordingNotifier(on=False)  # another replica holds the Matrix session
    deliverer = Worker(box, {"matrix": standby}, clock)
    assert deliverer.run_once() == 0
    (row,) = box.rows.values()
    assert row.attempts == 0 and row.locked_until is None and row.due == clock.now()
    standby.on = True  # the session comes here
    assert deliverer.run_once() == 1 and standby.texts == ["pour Tchap"]


def test_refusals_go_to_dead_letters(outbox: MemoryOutbox, clock: FakeClock) -> None:
    notifier = RecordingNotifier([DeliveryError("forbidden", retryable=False, status=403)])
    worker(outbox, notifier, clock).run_once()
    assert outbox.counts() == {"pending": 0, "sent": 1, "dead": 1, "dropped": 0}
    assert outbox.rows[1].error == "403: forbidden"


def test_retries_stop_after_max_attempts(outbox: MemoryOutbox, clock: FakeClock) -> None:
    failure = DeliveryError("HTTP 429", retryable=True, status=429)
    notifier = RecordingNotifier([failure] * 10)
    deliverer = worker(outbox, notifier, clock, max_attempts=3, base_delay=1, max_delay=1)
    for _ in range(6):
        deliverer.run_once()
        clock.moment += timedelta(seconds=2)
    assert outbox.counts() == {"pending": 0, "sent": 0, "dead": 2, "dropped": 0}
    assert [row.attempts for row in outbox.rows.values()] == [3, 3]


def test_backoff_grows_and_is_capped_with_jitter(outbox: MemoryOutbox, clock: FakeClock) -> None:
    deliverer = worker(outbox, RecordingNotifier(), clock, base_delay=1, max_delay=60)
    delays = [deliverer.delay(n).total_seconds() for n in range(10)]
    assert 0.5 <= delays[0] <= 1 and 4 <= delays[3] <= 8
    assert all(d <= 60 for d in delays) and delays[9] >= 30


def test_stopping_gives_claimed_messages_back(outbox: MemoryOutbox, clock: FakeClock) -> None:
    notifier = RecordingNotifier()
    deliverer = worker(outbox, notifier, clock)
    deliverer.stop()
    assert deliverer.run_once() == 2
    assert notifier.delivered == []
    # Another replica can take them at once, without waiting for a lease to expire.
    assert len(outbox.claim(now=clock.now(), lease=timedelta(seconds=60), platforms=BOTH)) == 2
