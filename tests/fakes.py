"""One recording fake per port of the core (`core.ports`, `core.clock`), shared by the tests.

Each behaves like the real implementation in what the callers rely on (the
store tests run the same cases on the memory store and on SQL), and keeps a
transcript the tests read: what was delivered, enqueued, recorded.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.core.people import Account, Platform
from bot.core.ports import Delivery, DeliveryError, OutboxItem, Post
from bot.core.requests.messages import Message
from bot.core.requests.model import Request
from bot.core.stats import Fact


@dataclass
class FakeClock:
    """A clock the test sets and moves; `today` follows `moment`."""

    moment: datetime = field(default_factory=lambda: datetime(2026, 11, 29, 10, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()


@dataclass
class FakeAccounts:
    """The `Accounts` port: the user ids it was given, by username; a refusal for others."""

    ids: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def user_id(self, username: str) -> str:
        self.asked.append(username)
        if username not in self.ids:
            raise DeliveryError("not found", retryable=False, status=404)
        return self.ids[username]


@dataclass
class RecordingNotifier:
    """A `Notifier` that records what it delivers (with the delivery's key and earlier
    attempt), and fails with the errors queued in `failures` first. `during`, if set, runs
    in the middle of each send (after `Delivery.sending`), as a slow platform would let
    the world move meanwhile."""

    failures: list[DeliveryError] = field(default_factory=list)
    delivered: list[tuple[str, Message]] = field(default_factory=list)
    tried: list[datetime | None] = field(default_factory=list)  # `tried_at` of each delivery
    on: bool = True  # what `active` says
    during: Callable[[], None] | None = None

    def active(self) -> bool:
        return self.on

    def deliver(self, message: Message, delivery: Delivery) -> None:
        delivery.sending()
        if self.during is not None:
            self.during()
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append((delivery.key, message))
        self.tried.append(delivery.tried_at)

    @property
    def texts(self) -> list[str]:
        return [message.text for _, message in self.delivered]


@dataclass
class _Row:
    id: int
    message: Message
    key: str
    due: datetime
    attempts: int = 0
    status: str = "pending"
    locked_until: datetime | None = None
    holder: str | None = None
    tried_at: datetime | None = None
    error: str = ""


class MemoryOutbox:
    """The `Outbox` port in memory: the same fenced leases, retries and dead letters as SQL."""

    def __init__(self) -> None:
        self.rows: dict[int, _Row] = {}
        self._lock = threading.Lock()
        self._claims = 0

    def enqueue(self, messages: Sequence[Message], *, now: datetime) -> None:
        with self._lock:
            for message in messages:
                number = max(self.rows, default=0) + 1
                self.rows[number] = _Row(number, message, f"key-{number}", due=now)

    def claim(
        self, *, now: datetime, lease: timedelta, platforms: Sequence[Platform], limit: int = 10
    ) -> list[OutboxItem]:
        with self._lock:
            self._claims += 1
            holder = f"claim-{self._claims}"
            due = [
                row
                for row in self.rows.values()
                if row.status == "pending"
                and row.message.platform in platforms
                and row.due <= now
                and (row.locked_until is None or row.locked_until < now)
            ][:limit]
            for row in due:
                row.locked_until, row.holder = now + lease, holder
            return [
                OutboxItem(row.id, row.attempts, row.message, row.key, holder, row.tried_at)
                for row in due
            ]

    def renew(self, items: Sequence[OutboxItem], *, until: datetime) -> int:
        return sum(self._fenced(item, locked_until=until) for item in items)

    def sending(self, item: OutboxItem, *, now: datetime, until: datetime) -> bool:
        with self._lock:
            row = self.rows[item.id]
            if row.holder != item.holder or row.status != "pending":
                return False
            row.locked_until, row.tried_at = until, row.tried_at or now
            return True

    def release(self, items: Sequence[OutboxItem], *, at: datetime) -> None:
        for item in items:
            self._fenced(item, locked_until=None, holder=None, due=at)

    def sent(self, item: OutboxItem, *, now: datetime) -> bool:
        return self._fenced(item, status="sent", locked_until=None, holder=None, tried=True)

    def retry(self, item: OutboxItem, *, error: str, at: datetime) -> bool:
        return self._fenced(item, due=at, locked_until=None, holder=None, error=error, tried=True)

    def dead(self, item: OutboxItem, *, error: str) -> bool:
        changes = {"status": "dead", "locked_until": None, "holder": None, "error": error}
        return self._fenced(item, **changes, tried=True)

    def _fenced(self, item: OutboxItem, *, tried: bool = False, **values: object) -> bool:
        with self._lock:
            row = self.rows[item.id]
            if row.holder != item.holder or row.status != "pending":
                return False
            for name, value in values.items():
                setattr(row, name, value)
            row.attempts += 1 if tried else 0
            return True

    def counts(self) -> dict[str, int]:
        statuses = [row.status for row in self.rows.values()]
        return {status: statuses.count(status) for status in ("pending", "sent", "dead", "dropped")}

    def messages(self) -> list[Message]:
        """Everything enqueued, in order: the transcript."""
        return [row.message for row in self.rows.values()]


class MemoryRequestStore:
    """The `RequestStore` and `PostBook` in memory, enqueuing into a `MemoryOutbox`."""

    def __init__(self, outbox: MemoryOutbox | None = None) -> None:
        self.outbox = outbox or MemoryOutbox()
        self.requests: dict[int, Request] = {}
        self.nonces: dict[str, int] = {}
        self.posts: dict[tuple[int, str], Post] = {}
        self._lock = threading.Lock()

    def create(
        self, draft: Request, *, nonce: str, messages_for: Callable[[Request], Sequence[Message]]
    ) -> tuple[Request, bool]:
        with self._lock:
            if nonce in self.nonces:
                return self.requests[self.nonces[nonce]], False
            stored = dataclasses.replace(draft, id=len(self.requests) + 1)
            self.requests[stored.id] = stored
            self.nonces[nonce] = stored.id
            self.outbox.enqueue(messages_for(stored), now=draft.created_at)
        return stored, True

    def get(self, request_id: int) -> Request | None:
        return self.requests.get(request_id)

    def replace(
        self, before: Request, after: Request, *, messages: Sequence[Message], now: datetime
    ) -> bool:
        with self._lock:
            current = self.requests.get(before.id)
            if current is None or (current.status, current.assignees, current.claimed_by) != (
                before.status,
                before.assignees,
                before.claimed_by,
            ):
                return False
            self.requests[before.id] = after
            self.outbox.enqueue(messages, now=now)
        return True

    def of_requester(self, requester: Account, *, limit: int = 20) -> list[Request]:
        mine = [
            r
            for r in self.requests.values()
            if (r.requester.platform, r.requester.id) == (requester.platform, requester.id)
            and (requester.id or r.requester.handle == requester.handle)
            and not r.anonymised_at
        ]
        return sorted(mine, key=lambda r: -r.id)[:limit]

    def of_animator(self, animator_id: str, *, limit: int = 20) -> list[Request]:
        mine = [
            r
            for r in self.requests.values()
            if r.status != "closed" and (animator_id in r.assignees or r.claimed_by == animator_id)
        ]
        return sorted(mine, key=lambda r: -r.id)[:limit]

    def facts(self, *, since: datetime) -> list[Fact]:
        return [
            Fact(
                r.category_id,
                r.confidential,
                r.created_at,
                taken_at=r.claimed_at or r.closed_at,
                closed_at=r.closed_at,
            )
            for r in self.requests.values()
            if r.created_at >= since
        ]

    def record_post(self, request_id: int, animator_id: str, post: Post) -> None:
        self.posts[(request_id, animator_id)] = post

    def post_of(self, request_id: int, animator_id: str) -> Post | None:
        return self.posts.get((request_id, animator_id))

    def copy_at(self, platform: Platform, post_id: str) -> tuple[int, str] | None:
        return next(
            (
                key
                for key, post in self.posts.items()
                if (post.platform, post.id) == (platform, post_id)
            ),
            None,
        )
