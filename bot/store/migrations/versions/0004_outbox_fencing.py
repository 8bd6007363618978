"""Outbox messages that go out once, whatever fails: each has its own key (the platforms'
resend id, carried by the post so that it can be found again), the fencing token of the
claim that holds it, and when an attempt first began to send it.

Messages already waiting keep the key they were sent with so far (`animbot<id>`), so a
resend of one that went out just before the upgrade is still recognised.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("key", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("lease_holder", sa.String(32)))
        batch.add_column(sa.Column("tried_at", UtcDateTime))
    op.execute(sa.text("UPDATE outbox SET key = 'animbot' || CAST(id AS VARCHAR(20))"))
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("key", server_default=None)
        batch.create_unique_constraint("outbox_key", ["key"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("outbox_key", type_="unique")
        batch.drop_column("tried_at")
        batch.drop_column("lease_holder")
        batch.drop_column("key")
