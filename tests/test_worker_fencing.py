"""The worker sends each message once, on its ports only: the lease renewed while it works,
fenced before each send and when marking it, an earlier attempt handed to the notifier so
that it looks before sending again."""

from __future__ import annotations

import time
from datetime import timedelta

from bot.core.clock import SystemClock
from bot.core.people import Platform
from bot.core.ports import DeliveryError
from bot.core.requests.messages import Message, Recipient
from bot.service.worker import Worker
from tests.fakes import FakeClock, MemoryOutbox, RecordingNotifier

LEASE = timedelta(seconds=20)
ALL: tuple[Platform, ...] = ("mattermost", "matrix")


def outbox_of(*texts: str, clock: FakeClock | SystemClock) -> MemoryOutbox:
    box = MemoryOutbox()
    messages = [Message("send", "mattermost", Recipient("user_id", "u"), t) for t in texts]
    box.enqueue(messages, now=clock.now())
    return box


def test_a_message_taken_over_while_it_waits_is_not_sent(clock: FakeClock) -> None:
    box = outbox_of("un", "deux", clock=clock)
    taken: list[str] = []

    def other_replica_takes_the_rest() -> None:
        """« un » is slow and the lease of « deux » lapses (its renewal failed): another
        replica claims it."""
        if not taken:
            clock.moment += LEASE + timedelta(seconds=1)
            box.rows[1].locked_until = clock.now() + LEASE  # « un », in hand, still held
            taken.extend(
                i.message.text for i in box.claim(now=clock.now(), lease=LEASE, platforms=ALL)
            )

    notifier = RecordingNotifier(during=other_replica_takes_the_rest)
    outcomes: list[str] = []
    Worker(box, {"mattermost": notifier}, clock, lease=LEASE, observer=outcomes.append).run_once()
    assert taken == ["deux"]
    assert notifier.texts == ["un"]  # the fence refused « deux »: the other replica sends it
    assert outcomes == ["sent", "taken over"]
    assert box.counts() == {"pending": 1, "sent": 1, "dead": 0, "dropped": 0}


def test_a_message_taken_over_during_its_send_is_left_to_the_new_holder(
    clock: FakeClock,
) -> None:
    box = outbox_of("un", clock=clock)
    holders: list[str] = []

    def lease_lapses_mid_send() -> None:
        clock.moment += LEASE + timedelta(seconds=1)
        holders.extend(i.holder for i in box.claim(now=clock.now(), lease=LEASE, platforms=ALL))

    notifier = RecordingNotifier(during=lease_lapses_mid_send)
    outcomes: list[str] = []
    Worker(box, {"mattermost": notifier}, clock, lease=LEASE, observer=outcomes.append).run_once()
    assert outcomes == ["taken over"]  # not counted as sent: the new holder decides
    (row,) = box.rows.values()
    assert row.status == "pending" and row.holder == holders[0] and row.tried_at is not None


def test_the_lease_is_renewed_while_a_slow_send_runs() -> None:
    clock = SystemClock()
    lease = timedelta(seconds=0.4)
    box = outbox_of("lent", "suivant", clock=clock)
    stolen: list[str] = []

    def another_replica_keeps_trying() -> None:
        """For three leases, another replica tries to claim: it must get nothing."""
        if notifier.delivered:
            return
        deadline = time.monotonic() + 3 * lease.total_seconds()
        while time.monotonic() < deadline:
            stolen.extend(
                i.message.text for i in box.claim(now=clock.now(), lease=lease, platforms=ALL)
            )
            time.sleep(0.02)

    notifier = RecordingNotifier(during=another_replica_keeps_trying)
    Worker(box, {"mattermost": notifier}, clock, lease=lease).run_once()
    assert stolen == []
    assert notifier.texts == ["lent", "suivant"]


def test_a_retry_is_told_when_the_first_attempt_began(clock: FakeClock) -> None:
    box = outbox_of("un", clock=clock)
    notifier = RecordingNotifier([DeliveryError("timeout", retryable=True)])
    worker = Worker(box, {"mattermost": notifier}, clock, lease=LEASE, base_delay=1)
    began = clock.now()
    worker.run_once()
    clock.moment += timedelta(seconds=5)
    worker.run_once()
    assert notifier.texts == ["un"] and notifier.tried == [began]


def test_a_first_attempt_is_told_there_was_none(clock: FakeClock) -> None:
    box = outbox_of("un", clock=clock)
    notifier = RecordingNotifier()
    Worker(box, {"mattermost": notifier}, clock, lease=LEASE).run_once()
    assert notifier.tried == [None]
