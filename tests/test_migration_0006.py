"""Revision 0006 (retention) on SQLite and PostgreSQL: a database of revision 0005 keeps its
requests and waiting messages, learns which are anonymised, and can be purged; downgraded,
it loses the mark and the index only (what was erased stays erased)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, Table, insert, inspect, select

from bot.core.requests.retention import Periods, Tally, cutoffs
from bot.store.engine import _alembic, migrate, schema_revisions
from bot.store.requests import SqlStore
from bot.store.retention import SqlRetention
from tests.stores import BACKENDS, empty_engine

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REQUEST = {
    "nonce": "n-0005",
    "category_id": "convention",
    "confidential": False,
    "requester_platform": "mattermost",
    "requester_id": "u" * 26,
    "requester_name": "alice",
    "subject": "Convention",
    "details": "Bloquée",
    "contact_method": "",
    "routing_reason": "référente",
    "assignees": ",camille,",
    "status": "closed",
    "created_at": NOW,
    "claimed_by": "camille",
    "claimed_at": NOW,
    "closed_by": "camille",
    "closed_at": NOW,
}


@pytest.fixture(params=BACKENDS)
def at_0005(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database at revision 0005 with a closed request and a message about it."""
    engine = empty_engine(request.param, tmp_path)
    migrate(engine, to="0005")
    meta = MetaData()
    requests = Table("requests", meta, autoload_with=engine)
    outbox = Table("outbox", meta, autoload_with=engine)
    message = {"to": {"user_id": "u" * 26}, "text": "Ta demande n° 1 est close."}
    with engine.begin() as connection:
        connection.execute(insert(requests).values(REQUEST))
        connection.execute(
            insert(outbox).values(
                request_id=1,
                platform="mattermost",
                kind="send",
                payload=message,
                key="animbot-old",
                status="sent",
                attempts=1,
                next_attempt_at=NOW,
                created_at=NOW,
            )
        )
    yield engine
    engine.dispose()


def test_requests_of_0005_are_kept_then_purged(at_0005: Engine) -> None:
    migrate(at_0005)
    current, latest = schema_revisions(at_0005)
    assert current == latest == "0006"
    request = SqlStore(at_0005).get(1)
    assert request is not None and request.anonymised_at is None
    assert request.requester.handle == "alice" and request.subject == "Convention"
    due = cutoffs(NOW + timedelta(days=400), Periods())
    assert SqlRetention(at_0005).anonymise(due, limit=10) == Tally(anonymised=1, messages=1)
    erased = SqlStore(at_0005).get(1)
    assert erased is not None and erased.anonymised_at == due.now and erased.subject == ""


def test_downgrade_keeps_what_was_erased_erased(at_0005: Engine) -> None:
    migrate(at_0005)
    SqlRetention(at_0005).anonymise(cutoffs(NOW + timedelta(days=400), Periods()), limit=10)
    config = _alembic()
    with at_0005.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    found = inspect(at_0005)
    assert "anonymised_at" not in {c["name"] for c in found.get_columns("requests")}
    assert "outbox_request" not in {i["name"] for i in found.get_indexes("outbox")}
    requests = Table("requests", MetaData(), autoload_with=at_0005)
    with at_0005.connect() as connection:
        row = connection.execute(select(requests)).one()
    assert (row.requester_id, row.requester_name, row.subject, row.details) == ("", "", "", "")
    assert (row.category_id, row.status) == ("convention", "closed")
    migrate(at_0005)  # and up again
    again = SqlStore(at_0005).get(1)
    assert again is not None and again.anonymised_at is None and again.subject == ""
