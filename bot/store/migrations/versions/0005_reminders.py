"""Reminders and digests: what was done for each request and each co-animator's week, so
that each happens once whatever the replicas. Only new tables: the version before may keep
running during the upgrade.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("request_id", sa.Integer, sa.ForeignKey("requests.id"), primary_key=True),
        sa.Column("step", sa.String(16), primary_key=True),
        sa.Column("done_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "digests",
        sa.Column("animator_id", sa.String(64), primary_key=True),
        sa.Column("week", sa.String(10), primary_key=True),
        sa.Column("done_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("digests")
    op.drop_table("reminders")
