"""The delivery worker with a recording notifier: sent, retried with backoff, dead-lettered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.messages import Message
from bot.core.requests.lifecycle import Request
from bot.mattermost.client import DeliveryError
from bot.service.worker import Worker
from bot.store.outbox import Outbox
from bot.store.requests import SqlStore, make_engine, migrate
from tests.conftest import FakeClock
from tests.test_store import DRAFT


@dataclass
class RecordingNotifier:
    """Records what it would send; fails with the errors queued in `failures`."""

    failures: list[DeliveryError] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)

    def deliver(self, message: Message, *, key: str) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((key, message.text))


@pytest.fixture
def outbox(tmp_path: Path, clock: FakeClock) -> Iterator[Outbox]:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    migrate(engine)

    def two(request: Request) -> list[Message]:
        return [Message("dm", "un", to="@a", request_id=request.id), Message("dm", "deux", to="@b")]

    SqlStore(engine).create(DRAFT, nonce="w", messages_for=two)
    yield Outbox(engine)
    engine.dispose()


def test_sends_in_order_and_marks_sent(outbox: Outbox, clock: FakeClock) -> None:
    notifier = RecordingNotifier()
    assert Worker(outbox, notifier, clock).run_once() == 2
    assert [text for _, text in notifier.sent] == ["un", "deux"]
    assert outbox.counts() == {"pending": 0, "sent": 2, "dead": 0}
    assert Worker(outbox, notifier, clock).run_once() == 0


def test_server_errors_are_retried_later_with_the_same_key(
    outbox: Outbox, clock: FakeClock
) -> None:
    notifier = RecordingNotifier([DeliveryError("HTTP 500", retryable=True, status=500)])
    worker = Worker(outbox, notifier, clock, base_delay=1, max_delay=60)
    worker.run_once()
    assert [text for _, text in notifier.sent] == ["deux"]
    assert worker.run_once() == 0  # not due yet
    clock.moment += timedelta(seconds=2)
    worker.run_once()
    assert [text for _, text in notifier.sent] == ["deux", "un"]
    keys = {text: key for key, text in notifier.sent}
    assert keys["un"].startswith("animbot")


def test_network_down_gives_the_rest_back_untried(outbox: Outbox, clock: FakeClock) -> None:
    notifier = RecordingNotifier([DeliveryError("ConnectionError", retryable=True)])
    worker = Worker(outbox, notifier, clock, base_delay=1)
    worker.run_once()
    assert notifier.sent == []
    assert outbox.counts()["pending"] == 2
    clock.moment += timedelta(seconds=5)
    worker.run_once()
    assert sorted(text for _, text in notifier.sent) == ["deux", "un"]


def test_refusals_go_to_dead_letters(outbox: Outbox, clock: FakeClock) -> None:
    notifier = RecordingNotifier([DeliveryError("forbidden", retryable=False, status=403)])
    Worker(outbox, notifier, clock).run_once()
    assert outbox.counts() == {"pending": 0, "sent": 1, "dead": 1}
    assert outbox.dead_letters()[0][2] == "403: forbidden"


def test_retries_stop_after_max_attempts(outbox: Outbox, clock: FakeClock) -> None:
    failure = DeliveryError("HTTP 429", retryable=True, status=429)
    notifier = RecordingNotifier([failure] * 10)
    worker = Worker(outbox, notifier, clock, max_attempts=3, base_delay=1, max_delay=1)
    for _ in range(6):
        worker.run_once()
        clock.moment += timedelta(seconds=2)
    assert outbox.counts()["dead"] >= 1


def test_backoff_grows_and_is_capped_with_jitter(outbox: Outbox, clock: FakeClock) -> None:
    worker = Worker(outbox, RecordingNotifier(), clock, base_delay=1, max_delay=60)
    delays = [worker.delay(n).total_seconds() for n in range(10)]
    assert 0.5 <= delays[0] <= 1 and 4 <= delays[3] <= 8
    assert all(d <= 60 for d in delays) and delays[9] >= 30


def test_stopping_gives_claimed_messages_back(outbox: Outbox, clock: FakeClock) -> None:
    notifier = RecordingNotifier()
    worker = Worker(outbox, notifier, clock)
    worker.stop()
    assert worker.run_once() == 2
    assert notifier.sent == []
    # Another replica can take them at once, without waiting for a lease to expire.
    assert len(outbox.claim(now=clock.now(), lease=timedelta(seconds=60))) == 2
