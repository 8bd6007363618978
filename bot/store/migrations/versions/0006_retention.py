"""Retention: when each request was anonymised, its period over, and an index to find a
request's messages. Only a column that may be empty and an index: the version before may
keep running during the upgrade (it ignores the column, and shows an anonymised request as
one with nobody and nothing in it).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("requests", sa.Column("anonymised_at", UtcDateTime, nullable=True))
    op.create_index("outbox_request", "outbox", ["request_id"])


def downgrade() -> None:
    """What was erased stays erased: only the mark and the index go."""
    op.drop_index("outbox_request", table_name="outbox")
    op.drop_column("requests", "anonymised_at")
