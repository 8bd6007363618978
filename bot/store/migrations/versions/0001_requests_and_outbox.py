"""Requests, the posts sent for them, and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nonce", sa.String(64), nullable=False, unique=True),
        sa.Column("category_id", sa.String(64), nullable=False),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("requester_id", sa.String(64), nullable=False, index=True),
        sa.Column("requester_name", sa.String(64), nullable=False),
        sa.Column("team_kind", sa.String(16)),
        sa.Column("team_id", sa.String(200)),
        sa.Column("team_name", sa.String(300)),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("contact_method", sa.String(32), nullable=False),
        sa.Column("routing_reason", sa.String(300), nullable=False),
        sa.Column("handlers", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claimed_at", UtcDateTime),
        sa.Column("closed_by", sa.String(64)),
        sa.Column("closed_at", UtcDateTime),
    )
    op.create_table(
        "request_posts",
        sa.Column("request_id", sa.Integer, sa.ForeignKey("requests.id"), primary_key=True),
        sa.Column("animator_id", sa.String(64), primary_key=True),
        sa.Column("post_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("requests.id")),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UtcDateTime, nullable=False),
        sa.Column("locked_until", UtcDateTime),
        sa.Column("last_error", sa.String(500)),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("sent_at", UtcDateTime),
    )
    op.create_index("outbox_due", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("request_posts")
    op.drop_table("requests")
