"""Connecting to the database (SQLite or PostgreSQL) and keeping its schema current."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event

MIGRATIONS = str(files("bot.store") / "migrations")


def make_engine(url: str) -> Engine:
    """`hide_parameters`: a database error never carries the values of a query (what someone
    asked, who asked it) into the logs."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, record: Any) -> None:
            connection.isolation_level = None  # transactions are begun below, not by pysqlite
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Anonymised text is overwritten on disk, not left in free pages (and backups);
            # on by default in Debian's SQLite, not everywhere.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            # Take the write lock up front: a read-then-update (claiming outbox rows, a
            # conditional claim) must not interleave with another writer's.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(
        url, hide_parameters=True, pool_pre_ping=True, pool_size=10, max_overflow=10
    )


def _alembic() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def schema_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's schema revision, the latest one this version of the bot knows)."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, ScriptDirectory.from_config(_alembic()).get_current_head()


def migrate(engine: Engine, *, to: str = "head") -> None:
    """Bring the schema to `to`, the latest revision by default (Alembic); safe on every start."""
    config = _alembic()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":  # one replica migrates at a time
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
        config.attributes["connection"] = connection
        command.upgrade(config, to)
