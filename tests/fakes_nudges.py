"""The recording fake of the `Reminders` port (`core.ports`), over the memory request store:
the same rules as SQL (each step and digest once, the request unchanged), and a
transcript of what was done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.requests.messages import Message
from bot.core.requests.model import Request
from tests.fakes import MemoryRequestStore


class MemoryReminders:
    def __init__(self, store: MemoryRequestStore) -> None:
        self.store = store
        self.steps: dict[tuple[int, str], datetime] = {}
        self.digests: dict[tuple[str, str], datetime] = {}
        self.done: list[tuple[str, object, datetime]] = []  # (step, request id or person, when)

    def unclaimed(self) -> list[tuple[Request, frozenset[str]]]:
        waiting = [
            r for r in self.store.requests.values() if r.status == "open" and not r.claimed_by
        ]
        return [
            (r, frozenset(step for (rid, step) in self.steps if rid == r.id))
            for r in sorted(waiting, key=lambda r: r.id)
        ]

    def remind(
        self,
        before: Request,
        step: str,
        *,
        after: Request | None,
        messages: Sequence[Message],
        now: datetime,
    ) -> bool:
        with self.store._lock:
            current = self.store.requests.get(before.id)
            if (before.id, step) in self.steps or current is None:
                return False
            if (current.status, current.assignees, current.claimed_by) != (
                before.status,
                before.assignees,
                before.claimed_by,
            ):
                return False
            self.steps[(before.id, step)] = now
            if step == "escalation":
                self.steps.setdefault((before.id, "reminder"), now)
            if after is not None:
                self.store.requests[before.id] = after
            self.store.outbox.enqueue(messages, now=now)
            self.done.append((step, before.id, now))
        return True

    def open_requests(self) -> list[Request]:
        return sorted(
            (r for r in self.store.requests.values() if r.status != "closed"), key=lambda r: r.id
        )

    def digest(
        self, animator_id: str, week: str, *, messages: Sequence[Message], now: datetime
    ) -> bool:
        with self.store._lock:
            if (animator_id, week) in self.digests:
                return False
            self.digests[(animator_id, week)] = now
            self.store.outbox.enqueue(messages, now=now)
            self.done.append(("digest", animator_id, now))
        return True
