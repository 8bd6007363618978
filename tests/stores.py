"""Real databases for the store tests: SQLite always, PostgreSQL when configured; and the
store and outbox on each, beside the memory fakes held to the same cases (`stores`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.core.people import Account, Platform
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Request
from bot.store.engine import make_engine, migrate
from bot.store.outbox import SqlOutbox
from bot.store.requests import SqlStore
from bot.store.tables import metadata
from tests.fakes import MemoryOutbox, MemoryRequestStore

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


NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
DRAFT = Request(
    id=0,
    category_id="convention",
    confidential=False,
    requester=Account("mattermost", "u1", "alice"),
    assignees=("camille", "dominique"),
    status="open",
    created_at=NOW,
    team_kind="startup",
    team_id="aides-territoires",
    team_name="Aides-territoires",
    subject="Objet",
    details="Détails",
    routing_reason="référente",
)


Store = SqlStore | MemoryRequestStore
Outbox = SqlOutbox | MemoryOutbox


@pytest.fixture(params=["memory", *BACKENDS])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Outbox]]:
    if request.param == "memory":
        memory = MemoryRequestStore()
        yield memory, memory.outbox
    else:
        for engine in fresh_engine(request.param, tmp_path):
            yield SqlStore(engine), SqlOutbox(engine)


def messages(request: Request) -> list[Message]:
    return [
        Message(
            "send",
            "mattermost",
            Recipient("animator", "camille"),
            f"pour camille {request.id}",
            request_id=request.id,
        ),
        Message(
            "send",
            "mattermost",
            Recipient("user_id", "u1"),
            f"pour alice {request.id}",
            request_id=request.id,
        ),
    ]


ALL: tuple[Platform, ...] = ("mattermost", "matrix")
