"""The database schema (SQLAlchemy Core). Alembic migrations in `bot/store/migrations` create it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC).replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


metadata = MetaData()

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nonce", String(64), nullable=False, unique=True),
    Column("category_id", String(64), nullable=False),
    Column("confidential", Boolean, nullable=False),
    # Who asked: a chat account. `requester_id` is the platform's user id ("" offline);
    # `requester_name` their username there (Mattermost) or their user id again (Matrix).
    Column("requester_platform", String(16), nullable=False, server_default="mattermost"),
    Column("requester_id", String(255), nullable=False, index=True),
    Column("requester_name", String(255), nullable=False),
    Column("team_kind", String(16)),
    Column("team_id", String(200)),
    Column("team_name", String(300)),
    Column("subject", String(300), nullable=False, default=""),
    Column("details", Text, nullable=False, default=""),
    Column("contact_method", String(32), nullable=False, default=""),
    Column("routing_reason", String(300), nullable=False, default=""),
    # ",id1,id2," so that "to whom it goes" is a portable LIKE on SQLite and PostgreSQL.
    Column("assignees", String(1000), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(64)),
    Column("claimed_at", UtcDateTime),
    Column("closed_by", String(64)),
    Column("closed_at", UtcDateTime),
    # When its people and words were erased, its retention period over (revision 0006).
    Column("anonymised_at", UtcDateTime),
)

# Each co-animator's copy of a request: where it is, and which account received it.
posts = Table(
    "request_posts",
    metadata,
    Column("request_id", Integer, ForeignKey("requests.id"), primary_key=True),
    Column("animator_id", String(64), primary_key=True),
    Column("platform", String(16), nullable=False, server_default="mattermost"),
    Column("post_id", String(255), nullable=False),
    Column("recipient_id", String(255)),
    Column("channel_id", String(255)),
    Index("request_posts_post", "platform", "post_id"),  # which copy a reaction is on
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Integer, ForeignKey("requests.id")),
    Column("platform", String(16), nullable=False, server_default="mattermost"),
    Column("kind", String(16), nullable=False),
    Column("payload", JSON, nullable=False),
    # The message's own id: the platforms' resend id, carried by the post (`new_key`).
    Column("key", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("locked_until", UtcDateTime),
    # The fencing token of the claim holding the message: its steps count only while it does.
    Column("lease_holder", String(32)),
    # When an attempt first began to send it: a later one looks for it before sending.
    Column("tried_at", UtcDateTime),
    Column("last_error", String(500)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Index("outbox_due", "status", "next_attempt_at"),
    Index("outbox_request", "request_id"),  # a request's messages, erased with it
    UniqueConstraint("key", name="outbox_key"),
)

# Events people wrote to the bot on a platform that pushes them (Matrix), once handled.
inbound_events = Table(
    "inbound_events",
    metadata,
    Column("platform", String(16), primary_key=True),
    Column("event_id", String(255), primary_key=True),
    Column("handled_at", UtcDateTime, nullable=False, index=True),
)

# A person's conversation with the bot in progress (a request asked question by question).
conversations = Table(
    "conversations",
    metadata,
    Column("platform", String(16), primary_key=True),
    Column("user_id", String(255), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Each person's direct conversation with the bot, where it is a room (Matrix).
direct_rooms = Table(
    "direct_rooms",
    metadata,
    Column("platform", String(16), primary_key=True),
    Column("user_id", String(255), primary_key=True),
    Column("room_id", String(255), nullable=False),
)

# What one process at a time may run (the Matrix session), and until when it holds it.
leases = Table(
    "leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(255), nullable=False),
    Column("until", UtcDateTime, nullable=False),
)

# The reminders done for each request (`core/requests/reminders.py`): one row per (request,
# step), written with the messages it sends, so a step happens once whatever the replicas.
reminders = Table(
    "reminders",
    metadata,
    Column("request_id", Integer, ForeignKey("requests.id"), primary_key=True),
    Column("step", String(16), primary_key=True),
    Column("done_at", UtcDateTime, nullable=False),
)

# The weekly digests sent: one row per (co-animator, ISO week), with its message.
digests = Table(
    "digests",
    metadata,
    Column("animator_id", String(64), primary_key=True),
    Column("week", String(10), primary_key=True),
    Column("done_at", UtcDateTime, nullable=False),
)
