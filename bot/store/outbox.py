"""The outbox table: messages claimed with a lease, then marked sent, retried or dead."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select, update

from bot.core.people import Platform
from bot.core.ports import OutboxItem
from bot.core.requests.messages import Message
from bot.store.tables import outbox


class SqlOutbox:
    """The `Outbox` port in SQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(
        self, *, now: datetime, lease: timedelta, platforms: Sequence[Platform], limit: int = 20
    ) -> list[OutboxItem]:
        """Take due messages for `platforms` for `lease`; a replica that dies lets its lease
        expire.

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
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = connection.execute(query).all()
            if rows:
                connection.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([row.id for row in rows]))
                    .values(locked_until=now + lease)
                )
        return [
            OutboxItem(
                row.id,
                row.attempts,
                Message.from_row(
                    kind=row.kind,
                    platform=row.platform,
                    request_id=row.request_id,
                    payload=row.payload,
                ),
            )
            for row in rows
        ]

    def release(self, item_ids: Sequence[int], *, at: datetime) -> None:
        """Give back claimed messages untried (Mattermost is down: no point trying them now)."""
        if item_ids:
            with self.engine.begin() as connection:
                connection.execute(
                    update(outbox)
                    .where(outbox.c.id.in_(item_ids))
                    .values(locked_until=None, next_attempt_at=at)
                )

    def sent(self, item_id: int, *, now: datetime) -> None:
        self._set(
            item_id, status="sent", sent_at=now, locked_until=None, attempts=outbox.c.attempts + 1
        )

    def retry(self, item_id: int, *, error: str, at: datetime) -> None:
        self._set(
            item_id,
            next_attempt_at=at,
            locked_until=None,
            last_error=error[:500],
            attempts=outbox.c.attempts + 1,
        )

    def dead(self, item_id: int, *, error: str) -> None:
        self._set(
            item_id,
            status="dead",
            locked_until=None,
            last_error=error[:500],
            attempts=outbox.c.attempts + 1,
        )

    def _set(self, item_id: int, **values: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(outbox).where(outbox.c.id == item_id).values(**values))

    def counts(self) -> dict[str, int]:
        """How many messages are pending, sent and dead: the outbox depth and dead letters."""
        query = select(outbox.c.status, func.count()).group_by(outbox.c.status)
        with self.engine.connect() as connection:
            found = {str(status): int(count) for status, count in connection.execute(query)}
        return {status: found.get(status, 0) for status in ("pending", "sent", "dead")}
