"""People and platforms: a requester is a chat account on a platform, a co-animator's copy of
a request records the account it went to, and every outbox message says its platform.

- `requests`: `requester_platform` added; `requester_id` and `requester_name` wide enough
  for Matrix ids (255); `handlers` renamed `assignees`; offline requests, once keyed
  `@name`, now have an empty id and their name.
- `request_posts`: `platform`, `recipient_id` (the account the copy went to: buttons are
  authorised by it) and `channel_id` added; `post_id` 255 wide.
- `outbox`: `platform` added; payloads rewritten from `{"to": "@name" | id, "post_of"}`
  and kinds `dm`/`post` to `{"to": {kind: id}}` and kind `send`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MATTERMOST = sa.text("'mattermost'")
outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("payload", sa.JSON),
)


def upgrade() -> None:
    op.add_column(
        "requests",
        sa.Column("requester_platform", sa.String(16), nullable=False, server_default=MATTERMOST),
    )
    op.execute("ALTER TABLE requests RENAME COLUMN handlers TO assignees")
    op.execute("UPDATE requests SET requester_id = '' WHERE requester_id LIKE '@%'")
    _widen("requests", "requester_id", "requester_name", to=255)

    op.add_column(
        "request_posts",
        sa.Column("platform", sa.String(16), nullable=False, server_default=MATTERMOST),
    )
    op.add_column("request_posts", sa.Column("recipient_id", sa.String(255)))
    op.add_column("request_posts", sa.Column("channel_id", sa.String(255)))
    _widen("request_posts", "post_id", to=255)

    op.add_column(
        "outbox", sa.Column("platform", sa.String(16), nullable=False, server_default=MATTERMOST)
    )
    _rewrite_outbox()


def downgrade() -> None:
    """Back to 0001, once the outbox is drained: the old payloads named co-animators by
    Mattermost username, which only the registry knows."""
    waiting = op.get_bind().execute(sa.text("SELECT count(*) FROM outbox WHERE status = 'pending'"))
    if waiting.scalar_one():
        raise RuntimeError("outbox messages are still waiting: deliver them before downgrading")
    op.drop_column("outbox", "platform")
    op.drop_column("request_posts", "channel_id")
    op.drop_column("request_posts", "recipient_id")
    op.drop_column("request_posts", "platform")
    op.execute("UPDATE requests SET requester_id = '@' || requester_name WHERE requester_id = ''")
    op.execute("ALTER TABLE requests RENAME COLUMN assignees TO handlers")
    op.drop_column("requests", "requester_platform")


def _widen(table: str, *columns: str, to: int) -> None:
    """SQLite does not enforce a VARCHAR's length: only other databases need the change."""
    if op.get_bind().dialect.name == "sqlite":
        return
    for column in columns:
        op.alter_column(table, column, type_=sa.String(to))


def _rewrite_outbox() -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(outbox.c.id, outbox.c.kind, outbox.c.payload)).all():
        kind, payload = _to_recipients(row.kind, dict(row.payload))
        bind.execute(
            sa.update(outbox).where(outbox.c.id == row.id).values(kind=kind, payload=payload)
        )


def _to_recipients(kind: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    to, post_of = str(payload.pop("to", "")), payload.pop("post_of", None)
    if kind == "update" or post_of:
        recipient = {"animator": post_of or ""}
    elif kind == "post":
        recipient = {"channel": to}
    elif to.startswith("@"):
        recipient = {"username": to[1:]}
    else:
        recipient = {"user_id": to}
    return ("update" if kind == "update" else "send"), {**payload, "to": recipient}
