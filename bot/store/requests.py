"""Requests in SQL (SQLite or PostgreSQL): the only module, with `outbox.py`, that knows SQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Row, create_engine, event, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.messages import Message
from bot.core.requests.lifecycle import Request
from bot.store.tables import outbox, posts, requests

MessagesFor = Callable[[Request], Sequence[Message]]


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, record: Any) -> None:
            connection.isolation_level = None  # transactions are begun below, not by pysqlite
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            # Take the write lock up front: a read-then-update (claiming outbox rows, a
            # conditional claim) must not interleave with another writer's.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


MIGRATIONS = str(files("bot.store") / "migrations")


def _alembic() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def schema_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's schema revision, the latest one this version of the bot knows)."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, ScriptDirectory.from_config(_alembic()).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (Alembic); safe to run on every start."""
    config = _alembic()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":  # one replica migrates at a time
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _request(row: Row[Any]) -> Request:
    return Request(
        id=row.id,
        category_id=row.category_id,
        confidential=row.confidential,
        requester_id=row.requester_id,
        requester_name=row.requester_name,
        handlers=tuple(h for h in row.handlers.split(",") if h),
        status=row.status,
        created_at=row.created_at,
        team_kind=row.team_kind,
        team_id=row.team_id,
        team_name=row.team_name,
        subject=row.subject,
        details=row.details,
        contact_method=row.contact_method,
        routing_reason=row.routing_reason,
        claimed_by=row.claimed_by,
        claimed_at=row.claimed_at,
        closed_by=row.closed_by,
        closed_at=row.closed_at,
    )


def _columns(request: Request) -> dict[str, Any]:
    return {
        "category_id": request.category_id,
        "confidential": request.confidential,
        "requester_id": request.requester_id,
        "requester_name": request.requester_name,
        "handlers": "," + ",".join(request.handlers) + ",",
        "status": request.status,
        "created_at": request.created_at,
        "team_kind": request.team_kind,
        "team_id": request.team_id,
        "team_name": request.team_name,
        "subject": request.subject,
        "details": request.details,
        "contact_method": request.contact_method,
        "routing_reason": request.routing_reason,
        "claimed_by": request.claimed_by,
        "claimed_at": request.claimed_at,
        "closed_by": request.closed_by,
        "closed_at": request.closed_at,
    }


def enqueue(connection: Connection, messages: Sequence[Message], *, now: datetime) -> None:
    rows = [
        {
            "request_id": m.request_id,
            "kind": m.kind,
            "payload": m.payload(),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for m in messages
    ]
    if rows:
        connection.execute(insert(outbox), rows)


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self, draft: Request, *, nonce: str, messages_for: MessagesFor
    ) -> tuple[Request, bool]:
        """Store a request and its messages in one transaction. Same nonce twice: one request."""
        try:
            with self.engine.begin() as connection:
                values = _columns(draft) | {"nonce": nonce}
                inserted = connection.execute(insert(requests).values(values)).inserted_primary_key
                new_id = inserted[0] if inserted else 0
                stored = dataclasses.replace(draft, id=int(new_id))
                enqueue(connection, messages_for(stored), now=draft.created_at)
        except IntegrityError:
            again = self.by_nonce(nonce)
            if again is None:
                raise
            return again, False
        return stored, True

    def by_nonce(self, nonce: str) -> Request | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(requests).where(requests.c.nonce == nonce)).first()
        return _request(row) if row else None

    def get(self, request_id: int) -> Request | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(requests).where(requests.c.id == request_id)).first()
        return _request(row) if row else None

    def replace(
        self, before: Request, after: Request, *, messages: Sequence[Message], now: datetime
    ) -> bool:
        """Write `after` only if the row is still exactly `before` (no one clicked first)."""
        condition = (
            (requests.c.id == before.id)
            & (requests.c.status == before.status)
            & (requests.c.handlers == _columns(before)["handlers"])
        )
        condition &= (
            requests.c.claimed_by.is_(None)
            if before.claimed_by is None
            else requests.c.claimed_by == before.claimed_by
        )
        with self.engine.begin() as connection:
            changed = connection.execute(update(requests).where(condition).values(_columns(after)))
            if changed.rowcount != 1:
                return False
            enqueue(connection, messages, now=now)
        return True

    def of_requester(self, user_id: str, *, limit: int = 20) -> list[Request]:
        query = select(requests).where(requests.c.requester_id == user_id)
        return self._list(query.order_by(requests.c.id.desc()).limit(limit))

    def of_animator(self, animator_id: str, *, limit: int = 20) -> list[Request]:
        mine = requests.c.handlers.like(f"%,{animator_id},%") | (
            requests.c.claimed_by == animator_id
        )
        query = select(requests).where(mine & (requests.c.status != "closed"))
        return self._list(query.order_by(requests.c.id.desc()).limit(limit))

    def _list(self, query: Any) -> list[Request]:
        with self.engine.connect() as connection:
            return [_request(row) for row in connection.execute(query)]

    def record_post(self, request_id: int, animator_id: str, post_id: str) -> None:
        with self.engine.begin() as connection:
            known = connection.execute(
                select(posts.c.post_id).where(
                    (posts.c.request_id == request_id) & (posts.c.animator_id == animator_id)
                )
            ).first()
            if known is None:
                connection.execute(
                    insert(posts).values(
                        request_id=request_id, animator_id=animator_id, post_id=post_id
                    )
                )
            elif known.post_id != post_id:
                connection.execute(
                    update(posts)
                    .where(
                        (posts.c.request_id == request_id) & (posts.c.animator_id == animator_id)
                    )
                    .values(post_id=post_id)
                )

    def post_of(self, request_id: int, animator_id: str) -> str | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(posts.c.post_id).where(
                    (posts.c.request_id == request_id) & (posts.c.animator_id == animator_id)
                )
            ).first()
        return None if row is None else str(row.post_id)
