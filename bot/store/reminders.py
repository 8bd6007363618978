"""The `Reminders` port in SQL: each step and each digest is a row under a primary key,
inserted in the same transaction as the messages it sends.

`INSERT … ON CONFLICT DO NOTHING` decides who does a step: on PostgreSQL, a replica
inserting the same key waits for the first one's transaction, then inserts nothing and
rolls back; SQLite serialises writers anyway. So two replicas never send one twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.core.requests.messages import Message
from bot.core.requests.model import Request
from bot.store.requests import columns_of, enqueue, request_of, unchanged
from bot.store.tables import digests, reminders, requests

STEPS_BEFORE = {"escalation": ("reminder",)}  # done with it, so never sent after it


class Rollback(Exception):
    """Undo the transaction: the step was done already, or the request changed."""


class SqlReminders:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _insert(self, connection: Connection, table: Table, values: dict[str, Any]) -> bool:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(values).on_conflict_do_nothing()
        # RETURNING says whether a row went in (psycopg's rowcount does not, here).
        key = next(iter(table.primary_key.columns))
        return connection.execute(statement.returning(key)).first() is not None

    def unclaimed(self) -> list[tuple[Request, frozenset[str]]]:
        waiting = (requests.c.status == "open") & requests.c.claimed_by.is_(None)
        with self.engine.connect() as connection:
            rows = connection.execute(select(requests).where(waiting).order_by(requests.c.id))
            found = [request_of(row) for row in rows]
            ids = [request.id for request in found]
            done: dict[int, set[str]] = {}
            if ids:
                query = select(reminders.c.request_id, reminders.c.step).where(
                    reminders.c.request_id.in_(ids)
                )
                for request_id, step in connection.execute(query):
                    done.setdefault(int(request_id), set()).add(str(step))
        return [(request, frozenset(done.get(request.id, ()))) for request in found]

    def remind(
        self,
        before: Request,
        step: str,
        *,
        after: Request | None,
        messages: Sequence[Message],
        now: datetime,
    ) -> bool:
        try:
            with self.engine.begin() as connection:
                row = {"request_id": before.id, "step": step, "done_at": now}
                if not self._insert(connection, reminders, row):
                    raise Rollback
                for earlier in STEPS_BEFORE.get(step, ()):
                    self._insert(connection, reminders, row | {"step": earlier})
                changed = update(requests).where(unchanged(before))
                values = columns_of(after) if after is not None else {"status": before.status}
                if connection.execute(changed.values(values)).rowcount != 1:
                    raise Rollback  # claimed, closed or reassigned meanwhile: nothing to do
                enqueue(connection, messages, now=now)
        except Rollback:
            return False
        return True

    def open_requests(self) -> list[Request]:
        query = select(requests).where(requests.c.status != "closed").order_by(requests.c.id)
        with self.engine.connect() as connection:
            return [request_of(row) for row in connection.execute(query)]

    def digest(
        self, animator_id: str, week: str, *, messages: Sequence[Message], now: datetime
    ) -> bool:
        try:
            with self.engine.begin() as connection:
                row = {"animator_id": animator_id, "week": week, "done_at": now}
                if not self._insert(connection, digests, row):
                    raise Rollback
                enqueue(connection, messages, now=now)
        except Rollback:
            return False
        return True
