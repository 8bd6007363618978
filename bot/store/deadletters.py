"""Dead letters: outbox messages a platform refused for good, listed, sent again, or dropped.

A dead letter is held by no claim (`SqlOutbox.dead` frees it), so every step here is an
update conditional on the status `dead` alone. Sending one again keeps its key and when
an attempt first began (`tried_at`): the notifier then looks for what an earlier attempt
may have posted before posting, and the message is never delivered twice. A dropped one
keeps its row, with the status `dropped`, so that the counts stay whole.

Nothing a message says is read here: its payload carries what people wrote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select, update

from bot.store.outbox import FREED
from bot.store.tables import outbox

MASKED = "(masqué)"
# The fixed sentences the bot writes as an error (`DeliveryError`'s messages; a test checks
# that every one in `bot/` is here). Any sentence of letters would let a server's words
# through, a person's name in them (« Unable to find user alice martin »).
SENTENCES = (
    "Matrix not connected yet",
    "no Mattermost account for this person",
    "no Tchap account for this person",
    "the new room is not synced yet",
    "the post to update is not sent yet",
    "the post to update is on another platform",
)
# What the bot writes as an error: a status, an error's class (one word), a fixed sentence.
# Anything else (a server's words, kept by earlier versions) is not shown.
ERROR_SHAPE = re.compile(
    r"(?:\d{1,3}: )?(?:(?:HTTP|unexpected|error|M_[A-Z_]+) \w+|[A-Za-z_]\w{0,79}|"
    + "|".join(re.escape(sentence) for sentence in SENTENCES)
    + ")",
    re.ASCII,
)


@dataclass(frozen=True)
class DeadLetter:
    """What an operator may see of a dead letter: where and what it was, never its text.
    `last_due`: when its last attempt was due (it was made then, or soon after)."""

    id: int
    platform: str
    kind: str
    request_id: int | None
    attempts: int
    created_at: datetime
    last_due: datetime
    error: str


def shown(error: str | None) -> str:
    """The error as it may be shown: known shapes only."""
    if not error:
        return ""
    return error if ERROR_SHAPE.fullmatch(error) else MASKED


class SqlDeadLetters:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def listing(self) -> list[DeadLetter]:
        columns = (
            outbox.c.id,
            outbox.c.platform,
            outbox.c.kind,
            outbox.c.request_id,
            outbox.c.attempts,
            outbox.c.created_at,
            outbox.c.next_attempt_at,
            outbox.c.last_error,
        )
        query = select(*columns).where(outbox.c.status == "dead").order_by(outbox.c.id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            DeadLetter(
                id=row.id,
                platform=row.platform,
                kind=row.kind,
                request_id=row.request_id,
                attempts=row.attempts,
                created_at=row.created_at,
                last_due=row.next_attempt_at,
                error=shown(row.last_error),
            )
            for row in rows
        ]

    def status_of(self, message_id: int) -> str | None:
        """A message's status (`pending`, `sent`, `dead`, `dropped`); None if unknown."""
        query = select(outbox.c.status).where(outbox.c.id == message_id)
        with self.engine.connect() as connection:
            status = connection.execute(query).scalar_one_or_none()
        return None if status is None else str(status)

    def retry(self, ids: Sequence[int], *, now: datetime) -> list[int]:
        """Put these dead letters back in the queue, due `now`, their attempts counted
        afresh; the ids it did (the others were not dead letters)."""
        return self._from_dead(ids, status="pending", attempts=0, next_attempt_at=now, **FREED)

    def retry_all(self, *, now: datetime) -> list[int]:
        return self.retry(self._dead_ids(), now=now)

    def drop(self, ids: Sequence[int]) -> list[int]:
        """Give these dead letters up for good; the ids it did."""
        return self._from_dead(ids, status="dropped", **FREED)

    def _dead_ids(self) -> list[int]:
        query = select(outbox.c.id).where(outbox.c.status == "dead").order_by(outbox.c.id)
        with self.engine.connect() as connection:
            return [int(found) for found in connection.execute(query).scalars()]

    def _from_dead(self, ids: Sequence[int], **values: object) -> list[int]:
        """Apply `values` to each of `ids` still dead, each under that condition."""
        done = []
        with self.engine.begin() as connection:
            for message_id in ids:
                where = (outbox.c.id == message_id) & (outbox.c.status == "dead")
                if connection.execute(update(outbox).where(where).values(**values)).rowcount:
                    done.append(message_id)
        return done
