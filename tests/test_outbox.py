"""The outbox's fenced leases, on real SQLite and real PostgreSQL and on the memory fake: a
claim that lost its lease changes nothing; renewals keep what is held; each message keeps
one key and remembers when an attempt began."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

from bot.core.people import Account
from tests.stores import ALL, DRAFT, NOW, Outbox, Store, messages

LEASE = timedelta(seconds=20)


def two_messages(stores: tuple[Store, Outbox]) -> Outbox:
    store, outbox = stores
    store.create(DRAFT, nonce="o", messages_for=messages)
    return outbox


def test_lease_retry_dead_and_takeover(stores: tuple[Store, Outbox]) -> None:
    outbox = two_messages(stores)
    first, second = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)
    assert outbox.claim(now=NOW, lease=LEASE, platforms=ALL) == []  # leased
    assert outbox.sent(first, now=NOW)
    assert outbox.retry(second, error="500: boom", at=NOW + timedelta(seconds=10))
    assert outbox.claim(now=NOW + timedelta(seconds=5), lease=LEASE, platforms=ALL) == []
    (again,) = outbox.claim(now=NOW + timedelta(seconds=11), lease=LEASE, platforms=ALL)
    assert again.id == second.id and again.attempts == 1
    # The replica that took it dies: once the lease is over, another takes it.
    (taken_over,) = outbox.claim(now=NOW + timedelta(seconds=32), lease=LEASE, platforms=ALL)
    assert taken_over.id == second.id
    assert outbox.dead(taken_over, error="403: forbidden")
    assert outbox.counts() == {"pending": 0, "sent": 1, "dead": 1, "dropped": 0}


def test_a_claim_taken_over_changes_nothing(stores: tuple[Store, Outbox]) -> None:
    outbox = two_messages(stores)
    late, _ = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)
    later = NOW + LEASE + timedelta(seconds=1)
    (new, _) = outbox.claim(now=later, lease=LEASE, platforms=ALL)
    assert new.id == late.id and new.holder != late.holder
    # The first claim's every step is refused: it must not send, nor mark anything.
    assert not outbox.sending(late, now=later, until=later + LEASE)
    assert not outbox.sent(late, now=later)
    assert not outbox.retry(late, error="x", at=later)
    assert not outbox.dead(late, error="x")
    assert outbox.renew([late], until=later + LEASE) == 0
    outbox.release([late], at=later)
    assert outbox.claim(now=later, lease=LEASE, platforms=ALL) == []  # still the new claim's
    assert outbox.sending(new, now=later, until=later + LEASE)
    assert outbox.sent(new, now=later)
    assert outbox.counts() == {"pending": 1, "sent": 1, "dead": 0, "dropped": 0}
    assert not outbox.sending(new, now=later, until=later + LEASE)  # sent: nothing to own


def test_a_lapsed_lease_nobody_took_is_still_the_claims(stores: tuple[Store, Outbox]) -> None:
    outbox = two_messages(stores)
    first, _ = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)
    later = NOW + 2 * LEASE
    assert outbox.sending(first, now=later, until=later + LEASE)
    assert [i.id for i in outbox.claim(now=later, lease=LEASE, platforms=ALL)] == [first.id + 1]


def test_renewing_keeps_what_the_claim_holds(stores: tuple[Store, Outbox]) -> None:
    outbox = two_messages(stores)
    items = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)
    moment = NOW
    for _ in range(5):  # a slow platform: the worker renews every quarter of the lease
        moment += LEASE / 4
        assert outbox.renew(items, until=moment + LEASE) == 2
    assert outbox.claim(now=moment + LEASE / 2, lease=LEASE, platforms=ALL) == []
    assert len(outbox.claim(now=moment + LEASE * 2, lease=LEASE, platforms=ALL)) == 2


def test_an_attempt_is_remembered_from_its_first_start(stores: tuple[Store, Outbox]) -> None:
    outbox = two_messages(stores)
    first, _ = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)
    assert first.tried_at is None
    started = NOW + timedelta(seconds=1)
    assert outbox.sending(first, now=started, until=started + LEASE)
    assert outbox.sending(first, now=started + timedelta(seconds=3), until=started + LEASE)
    assert outbox.retry(first, error="timeout", at=started)
    (again,) = outbox.claim(now=started + timedelta(seconds=1), lease=LEASE, platforms=ALL)
    assert again.id == first.id and again.tried_at == started


def test_released_messages_are_due_again_at_once_untried(stores: tuple[Store, Outbox]) -> None:
    outbox = two_messages(stores)
    items = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)
    outbox.release(items, at=NOW)
    again = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)
    assert [i.id for i in again] == [i.id for i in items]
    assert [i.attempts for i in again] == [0, 0] and {i.tried_at for i in again} == {None}


def test_each_message_keeps_its_own_key(stores: tuple[Store, Outbox]) -> None:
    store, outbox = stores
    for number in range(3):
        who = Account("mattermost", f"u{number}", "x")
        store.create(replace(DRAFT, requester=who), nonce=f"k{number}", messages_for=messages)
    first = {i.id: i.key for i in outbox.claim(now=NOW, lease=LEASE, platforms=ALL)}
    later = NOW + 2 * LEASE
    second = {i.id: i.key for i in outbox.claim(now=later, lease=LEASE, platforms=ALL)}
    assert first == second and len(set(first.values())) == 6
    assert all(0 < len(key) <= 64 for key in first.values())  # Mattermost keeps up to 64


def test_parallel_claimers_never_take_the_same_message(stores: tuple[Store, Outbox]) -> None:
    store, outbox = stores
    for number in range(30):
        store.create(
            replace(DRAFT, requester=Account("mattermost", f"u{number}", "x")),
            nonce=f"m{number}",
            messages_for=messages,
        )
    taken: list[int] = []
    lock = threading.Lock()

    def claimer() -> None:
        while True:
            items = outbox.claim(now=NOW, lease=timedelta(minutes=5), platforms=ALL, limit=3)
            if not items:
                return
            with lock:
                taken.extend(i.id for i in items)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 60 and len(set(taken)) == 60
