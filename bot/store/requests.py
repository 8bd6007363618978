"""Requests and the posts sent for them, in SQL (SQLite or PostgreSQL)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Row, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot.core.people import Account, Platform
from bot.core.ports import Post
from bot.core.requests.messages import Message
from bot.core.requests.model import Request
from bot.core.stats import Fact
from bot.store.outbox import new_key
from bot.store.tables import outbox, posts, requests

MessagesFor = Callable[[Request], Sequence[Message]]


def request_of(row: Row[Any]) -> Request:
    return Request(
        id=row.id,
        category_id=row.category_id,
        confidential=row.confidential,
        requester=Account(row.requester_platform, row.requester_id, row.requester_name),
        assignees=tuple(a for a in row.assignees.split(",") if a),
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
        anonymised_at=row.anonymised_at,
    )


def _assignees(request: Request) -> str:
    return "," + ",".join(request.assignees) + ","


def columns_of(request: Request) -> dict[str, Any]:
    return {
        "category_id": request.category_id,
        "confidential": request.confidential,
        "requester_platform": request.requester.platform,
        "requester_id": request.requester.id,
        "requester_name": request.requester.handle,
        "assignees": _assignees(request),
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
        "anonymised_at": request.anonymised_at,
    }


def unchanged(before: Request) -> ColumnElement[bool]:
    """The request's row is still as `before` (no one claimed, closed or reassigned it)."""
    condition = (
        (requests.c.id == before.id)
        & (requests.c.status == before.status)
        & (requests.c.assignees == _assignees(before))
    )
    return condition & (
        requests.c.claimed_by.is_(None)
        if before.claimed_by is None
        else requests.c.claimed_by == before.claimed_by
    )


def enqueue(connection: Connection, messages: Sequence[Message], *, now: datetime) -> None:
    rows = [
        {
            "request_id": m.request_id,
            "platform": m.platform,
            "kind": m.kind,
            "payload": m.payload(),
            "key": new_key(),
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
    """The `RequestStore` and the `PostBook`, on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self, draft: Request, *, nonce: str, messages_for: MessagesFor
    ) -> tuple[Request, bool]:
        """Store a request and its messages in one transaction. Same nonce twice: one request."""
        try:
            with self.engine.begin() as connection:
                values = columns_of(draft) | {"nonce": nonce}
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
        return request_of(row) if row else None

    def get(self, request_id: int) -> Request | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(requests).where(requests.c.id == request_id)).first()
        return request_of(row) if row else None

    def replace(
        self, before: Request, after: Request, *, messages: Sequence[Message], now: datetime
    ) -> bool:
        """Write `after` only if the row is still exactly `before` (no one acted first)."""
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(requests).where(unchanged(before)).values(columns_of(after))
            )
            if changed.rowcount != 1:
                return False
            enqueue(connection, messages, now=now)
        return True

    def of_requester(self, requester: Account, *, limit: int = 20) -> list[Request]:
        """Their requests: by platform id, or, offline (no id), by name among offline ones;
        never an anonymised one (it has nobody left)."""
        query = select(requests).where(
            (requests.c.requester_platform == requester.platform)
            & (requests.c.requester_id == requester.id)
            & requests.c.anonymised_at.is_(None)
        )
        if not requester.id:
            query = query.where(requests.c.requester_name == requester.handle)
        return self._list(query.order_by(requests.c.id.desc()).limit(limit))

    def of_animator(self, animator_id: str, *, limit: int = 20) -> list[Request]:
        mine = requests.c.assignees.like(f"%,{animator_id},%") | (
            requests.c.claimed_by == animator_id
        )
        query = select(requests).where(mine & (requests.c.status != "closed"))
        return self._list(query.order_by(requests.c.id.desc()).limit(limit))

    def facts(self, *, since: datetime) -> list[Fact]:
        """Only the columns the figures need: no person, no text, ever leaves this query."""
        query = select(
            requests.c.category_id,
            requests.c.confidential,
            requests.c.created_at,
            requests.c.claimed_at,
            requests.c.closed_at,
        ).where(requests.c.created_at >= since)
        with self.engine.connect() as connection:
            return [
                Fact(
                    row.category_id,
                    row.confidential,
                    row.created_at,
                    taken_at=row.claimed_at or row.closed_at,
                    closed_at=row.closed_at,
                )
                for row in connection.execute(query)
            ]

    def _list(self, query: Any) -> list[Request]:
        with self.engine.connect() as connection:
            return [request_of(row) for row in connection.execute(query)]

    def record_post(self, request_id: int, animator_id: str, post: Post) -> None:
        """Keep the post a co-animator received for a request (a resend replaces it)."""
        values = {
            "request_id": request_id,
            "animator_id": animator_id,
            "platform": post.platform,
            "post_id": post.id,
            "recipient_id": post.recipient,
            "channel_id": post.channel,
        }
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(posts).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=[posts.c.request_id, posts.c.animator_id],
            set_={
                k: statement.excluded[k]
                for k in ("platform", "post_id", "recipient_id", "channel_id")
            },
        )
        with self.engine.begin() as connection:
            connection.execute(statement)

    def copy_at(self, platform: Platform, post_id: str) -> tuple[int, str] | None:
        query = select(posts.c.request_id, posts.c.animator_id).where(
            (posts.c.platform == platform) & (posts.c.post_id == post_id)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else (int(row.request_id), str(row.animator_id))

    def post_of(self, request_id: int, animator_id: str) -> Post | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(posts).where(
                    (posts.c.request_id == request_id) & (posts.c.animator_id == animator_id)
                )
            ).first()
        if row is None:
            return None
        return Post(row.platform, row.post_id, row.recipient_id, row.channel_id)
