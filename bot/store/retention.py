"""The `Retention` port in SQL (`core.requests.retention` says what is due).

Each batch is one short transaction. On PostgreSQL the rows it takes are locked with
`FOR UPDATE SKIP LOCKED`, so replicas purging at once take different rows and never wait
on each other in a way that could deadlock; SQLite serialises writers anyway. A closing is
a conditional update, like an animator's click: one replica wins it and enqueues its
notices, the other changes nothing. A message being sent right now (its lease running) is
left for a later sweep, so that the worker holding it never finds it gone mid-way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    String,
    cast,
    delete,
    func,
    select,
    update,
)

from bot.core.requests.messages import Message
from bot.core.requests.model import Request
from bot.core.requests.retention import Cutoffs, Tally
from bot.store.requests import columns_of, enqueue, request_of, unchanged
from bot.store.tables import conversations, digests, outbox, posts, reminders, requests

# What an anonymised request keeps of its people and words: nothing (`retention.anonymised`).
ERASED: dict[str, Any] = {
    "requester_id": "",
    "requester_name": "",
    "assignees": ",,",
    "team_kind": None,
    "team_id": None,
    "team_name": None,
    "subject": "",
    "details": "",
    "contact_method": "",
    "routing_reason": "",
    "claimed_by": None,
    "closed_by": None,
}


def _expired(due: Cutoffs) -> ColumnElement[bool]:
    """Closed, not anonymised yet, and closed at or before its cutoff."""
    confidential = requests.c.confidential.is_(True) & (
        requests.c.closed_at <= due.confidential_closed
    )
    other = requests.c.confidential.is_(False) & (requests.c.closed_at <= due.closed)
    return (
        (requests.c.status == "closed")
        & requests.c.anonymised_at.is_(None)
        & (confidential | other)
    )


def _open_too_long(due: Cutoffs) -> ColumnElement[bool]:
    return (
        requests.c.confidential.is_(True)
        & (requests.c.status != "closed")
        & (requests.c.created_at <= due.confidential_opened)
    )


def _idle(due: Cutoffs) -> ColumnElement[bool]:
    """Not being sent right now: no lease, or one that lapsed."""
    return outbox.c.locked_until.is_(None) | (outbox.c.locked_until < due.now)


def _anonymised_ids() -> Select[Any]:
    return select(requests.c.id).where(requests.c.anonymised_at.is_not(None))


def _left(due: Cutoffs) -> ColumnElement[bool]:
    """Messages of anonymised requests, and those tied to none written long enough ago."""
    loose = outbox.c.request_id.is_(None) & (outbox.c.created_at <= due.loose)
    return (outbox.c.request_id.in_(_anonymised_ids()) | loose) & _idle(due)


class SqlRetention:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _taken(self, connection: Connection, query: Select[Any]) -> list[int]:
        """The ids `query` selects, locked for this transaction (others skip them)."""
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return [int(row[0]) for row in connection.execute(query)]

    def open_too_long(self, due: Cutoffs, *, limit: int) -> list[Request]:
        query = select(requests).where(_open_too_long(due)).order_by(requests.c.id).limit(limit)
        with self.engine.connect() as connection:
            return [request_of(row) for row in connection.execute(query)]

    def close(self, before: Request, after: Request, *, messages: Sequence[Message]) -> bool:
        with self.engine.begin() as connection:
            changed = update(requests).where(unchanged(before)).values(columns_of(after))
            if connection.execute(changed).rowcount != 1:
                return False  # claimed, closed or reassigned meanwhile, or by another replica
            enqueue(connection, messages, now=after.closed_at or before.created_at)
        return True

    def anonymise(self, due: Cutoffs, *, limit: int) -> Tally:
        query = select(requests.c.id).where(_expired(due)).order_by(requests.c.id).limit(limit)
        with self.engine.begin() as connection:
            ids = self._taken(connection, query)
            if not ids:
                return Tally()
            for table in (posts, reminders):
                connection.execute(delete(table).where(table.c.request_id.in_(ids)))
            theirs = delete(outbox).where(outbox.c.request_id.in_(ids) & _idle(due))
            messages = connection.execute(theirs).rowcount
            nonce = "anonymised-" + cast(requests.c.id, String)  # still unique, and no one's
            erase = update(requests).where(requests.c.id.in_(ids) & _expired(due))
            values = ERASED | {"nonce": nonce, "anonymised_at": due.now}
            anonymised = connection.execute(erase.values(values)).rowcount
        return Tally(anonymised=int(anonymised), messages=int(messages))

    def sweep(self, due: Cutoffs, *, limit: int) -> Tally:
        query = select(outbox.c.id).where(_left(due)).order_by(outbox.c.id).limit(limit)
        with self.engine.begin() as connection:
            ids = self._taken(connection, query)
            if ids:
                connection.execute(delete(outbox).where(outbox.c.id.in_(ids)))
            # A copy recorded by a delivery that was under way while its request was erased.
            connection.execute(delete(posts).where(posts.c.request_id.in_(_anonymised_ids())))
            connection.execute(delete(digests).where(digests.c.done_at <= due.loose))
            old = delete(conversations).where(conversations.c.updated_at <= due.loose)
            drafts = connection.execute(old).rowcount
        return Tally(messages=len(ids), drafts=int(drafts))

    def backlog(self, due: Cutoffs) -> Tally:
        expired = select(requests.c.id).where(_expired(due))
        to_erase = _left(due) | (outbox.c.request_id.in_(expired) & _idle(due))
        counts = [
            select(func.count()).select_from(requests).where(_open_too_long(due)),
            select(func.count()).select_from(requests).where(_expired(due)),
            select(func.count()).select_from(outbox).where(to_erase),
            select(func.count())
            .select_from(conversations)
            .where(conversations.c.updated_at <= due.loose),
        ]
        with self.engine.connect() as connection:
            closed, anonymised, messages, drafts = (
                int(connection.execute(query).scalar_one()) for query in counts
            )
        return Tally(closed, anonymised, messages, drafts)
