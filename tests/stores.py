"""Real databases for the store tests: SQLite always, PostgreSQL when configured."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.store.engine import make_engine, migrate
from bot.store.tables import metadata

PG_URL = os.environ.get("ANIMATION_TEST_DATABASE_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not PG_URL, reason="ANIMATION_TEST_DATABASE_URL is not set (PostgreSQL tests skipped)"
        ),
    ),
]


def empty_engine(backend: str, tmp_path: Path) -> Engine:
    """A database with no table at all."""
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    assert PG_URL is not None
    engine = make_engine(PG_URL)
    with engine.begin() as connection:
        metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return engine


def fresh_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    engine = empty_engine(backend, tmp_path)
    migrate(engine)
    yield engine
    engine.dispose()
