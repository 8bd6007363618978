"""The outbox table: messages claimed under a fenced lease, then marked sent, retried or dead.

Each claim gets a fresh token (`lease_holder`); every later step on a message is an
update conditional on that token, so a replica whose lease lapsed and was taken over
changes nothing (its steps return False) and never sends what another now owns.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, select, update

from bot.core.people import Platform
from bot.core.ports import OutboxItem
from bot.core.requests.messages import Message
from bot.store.tables import outbox

FREED: dict[str, Any] = {"locked_until": None, "lease_holder": None}  # the claim ends
ATTEMPTED = outbox.c.attempts + 1
STATUSES = ("pending", "sent", "dead", "dropped")


def new_key() -> str:
    """A message's own id, unique across installations and databases (a resend id that
    another bot, or this one with another database, could reuse would be dropped)."""
    return f"animbot-{uuid.uuid4().hex}"


class SqlOutbox:
    """The `Outbox` port in SQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(
        self, *, now: datetime, lease: timedelta, platforms: Sequence[Platform], limit: int = 10
    ) -> list[OutboxItem]:
        """Take due messages for `platforms` for `lease`; a replica that dies lets its lease
        lapse.

        On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several replicas claim at
        once without taking the same rows; SQLite serialises writers anyway.
        """
        due = (
            (outbox.c.status == "pending")
            & outbox.c.platform.in_(list(platforms))
            & (outbox.c.next_attempt_at <= now)
            & (outbox.c.locked_until.is_(None) | (outbox.c.locked_until < now))
        )
        query = select(outbox).where(due).order_by(outbox.c.id).limit(limit)
        holder = secrets.token_hex(16)
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = connection.execute(query).all()
            if rows:
                connection.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([row.id for row in rows]))
                    .values(locked_until=now + lease, lease_holder=holder)
                )
        return [_item(row, holder) for row in rows]

    def renew(self, items: Sequence[OutboxItem], *, until: datetime) -> int:
        held = 0
        for holder in {item.holder for item in items}:
            ids = [item.id for item in items if item.holder == holder]
            where = outbox.c.id.in_(ids) & _held_by(holder)
            held += self._update(where, locked_until=until)
        return held

    def sending(self, item: OutboxItem, *, now: datetime, until: datetime) -> bool:
        tried = func.coalesce(outbox.c.tried_at, now)
        return self._fenced(item, locked_until=until, tried_at=tried)

    def release(self, items: Sequence[OutboxItem], *, at: datetime) -> None:
        """Give claimed messages back untried (the platform is down: no point trying now)."""
        for item in items:
            self._fenced(item, **FREED, next_attempt_at=at)

    def sent(self, item: OutboxItem, *, now: datetime) -> bool:
        return self._fenced(item, **FREED, status="sent", sent_at=now, attempts=ATTEMPTED)

    def retry(self, item: OutboxItem, *, error: str, at: datetime) -> bool:
        return self._fenced(
            item, **FREED, next_attempt_at=at, last_error=error[:500], attempts=ATTEMPTED
        )

    def dead(self, item: OutboxItem, *, error: str) -> bool:
        return self._fenced(
            item, **FREED, status="dead", last_error=error[:500], attempts=ATTEMPTED
        )

    def _fenced(self, item: OutboxItem, **values: Any) -> bool:
        """Apply `values` to `item` only while its claim holds it."""
        return self._update((outbox.c.id == item.id) & _held_by(item.holder), **values) == 1

    def _update(self, where: ColumnElement[bool], **values: Any) -> int:
        with self.engine.begin() as connection:
            return connection.execute(update(outbox).where(where).values(**values)).rowcount

    def counts(self) -> dict[str, int]:
        """How many messages are pending, sent, dead and dropped: the outbox depth, the dead
        letters, and those given up (`animation-bot outbox supprime`)."""
        query = select(outbox.c.status, func.count()).group_by(outbox.c.status)
        with self.engine.connect() as connection:
            found = {str(status): int(count) for status, count in connection.execute(query)}
        return {status: found.get(status, 0) for status in STATUSES}


def _held_by(holder: str) -> ColumnElement[bool]:
    return (outbox.c.lease_holder == holder) & (outbox.c.status == "pending")


def _item(row: Any, holder: str) -> OutboxItem:
    message = Message.from_row(
        kind=row.kind, platform=row.platform, request_id=row.request_id, payload=row.payload
    )
    return OutboxItem(row.id, row.attempts, message, row.key, holder, row.tried_at)
