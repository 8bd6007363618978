"""Real databases for the store tests: SQLite always, PostgreSQL when configured."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.store.requests import make_engine, migrate
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


def fresh_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    else:
        assert PG_URL is not None
        engine = make_engine(PG_URL)
        with engine.begin() as connection:
            metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate(engine)
    yield engine
    engine.dispose()
