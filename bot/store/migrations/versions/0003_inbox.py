"""The inbox of platforms that push events (Matrix): events handled, conversations in
progress, each person's direct room with the bot; copies found by their post id; the
leases that keep the Matrix session to one process.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_events",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("handled_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_inbound_events_handled_at", "inbound_events", ["handled_at"])
    op.create_table(
        "conversations",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(255), primary_key=True),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("request_posts_post", "request_posts", ["platform", "post_id"])
    op.create_table(
        "direct_rooms",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(255), primary_key=True),
        sa.Column("room_id", sa.String(255), nullable=False),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(255), nullable=False),
        sa.Column("until", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("leases")
    op.drop_table("direct_rooms")
    op.drop_index("request_posts_post", table_name="request_posts")
    op.drop_table("conversations")
    op.drop_index("ix_inbound_events_handled_at", table_name="inbound_events")
    op.drop_table("inbound_events")
