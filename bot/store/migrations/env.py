"""Alembic environment: runs on the connection handed over by `bot.store.requests.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.store.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///animation.db")
    with engine.begin() as opened:
        context.configure(connection=opened, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
