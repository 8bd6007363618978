"""Databases of an earlier version migrate forward with what they hold, on SQLite and
PostgreSQL: requests, the posts sent for them, and messages still waiting in the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, ColumnClause, Engine, column, insert, inspect, table, text

from bot.core.people import Account
from bot.core.ports import Post
from bot.core.requests.messages import Recipient
from bot.store.engine import _alembic, migrate, schema_revisions
from bot.store.outbox import SqlOutbox
from bot.store.requests import SqlStore
from bot.store.tables import UtcDateTime, metadata
from tests.stores import BACKENDS, empty_engine

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OLD_REQUEST = {
    "nonce": "n-old",
    "category_id": "convention",
    "confidential": False,
    "requester_id": "u" * 26,
    "requester_name": "alice",
    "team_kind": "startup",
    "team_id": "domifa",
    "team_name": "DomiFa",
    "subject": "Convention",
    "details": "",
    "contact_method": "",
    "routing_reason": "référente ou référent",
    "handlers": ",camille-exemple,dominique-exemple,",
    "status": "open",
    "created_at": NOW,
}
# What revision 0001 kept in the outbox, one row of each kind it knew.
OLD_MESSAGES = [
    ("dm", {"to": "@camille.exemple", "text": "📥 Demande n° 1", "post_of": "camille-exemple"}),
    ("dm", {"to": "u" * 26, "text": "Ta demande n° 1 est enregistrée.", "post_of": None}),
    ("post", {"to": "t" * 26, "text": "📥 Demande n° 1 · triage", "post_of": None}),
    ("update", {"to": "", "text": "✅ Prise en charge", "post_of": "dominique-exemple"}),
    ("dm", {"to": "@bob", "text": "Ta demande n° 2 (hors ligne)", "post_of": None}),
]


@pytest.fixture(params=BACKENDS)
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database at revision 0001 with an online request, an offline one, a post, and
    pending messages."""
    engine = empty_engine(request.param, tmp_path)
    migrate(engine, to="0001")
    meta = inspect(engine)
    assert "handlers" in {c["name"] for c in meta.get_columns("requests")}
    requests = table("requests", *[_column(c["name"]) for c in meta.get_columns("requests")])
    posts = table(
        "request_posts", _column("request_id"), _column("animator_id"), _column("post_id")
    )
    outbox = table(
        "outbox",
        *[_column(n) for n in ("request_id", "kind", "payload", "status", "attempts")],
        *[_column(n) for n in ("next_attempt_at", "created_at")],
    )
    with engine.begin() as connection:
        connection.execute(insert(requests).values(OLD_REQUEST))
        connection.execute(
            insert(requests).values(
                {
                    **OLD_REQUEST,
                    "nonce": "n-offline",
                    "requester_id": "@bob",
                    "requester_name": "bob",
                }
            )
        )
        connection.execute(
            insert(posts).values(request_id=1, animator_id="camille-exemple", post_id="p" * 26)
        )
        for kind, payload in OLD_MESSAGES:
            connection.execute(
                insert(outbox).values(
                    request_id=1,
                    kind=kind,
                    payload=payload,
                    status="pending",
                    attempts=0,
                    next_attempt_at=NOW,
                    created_at=NOW,
                )
            )
    yield engine
    engine.dispose()


def _column(name: str) -> ColumnClause[Any]:
    if name == "payload":
        return column(name, JSON())
    if name in ("created_at", "next_attempt_at"):
        return column(name, UtcDateTime())
    return column(name)


def test_requests_keep_their_people(old_database: Engine) -> None:
    migrate(old_database)
    assert schema_revisions(old_database)[0] == schema_revisions(old_database)[1]
    store = SqlStore(old_database)
    online = store.get(1)
    assert online is not None
    assert online.requester == Account("mattermost", "u" * 26, "alice")
    assert online.assignees == ("camille-exemple", "dominique-exemple")
    assert [r.id for r in store.of_animator("dominique-exemple")] == [2, 1]
    offline = store.get(2)
    assert offline is not None and offline.requester == Account("mattermost", "", "bob")
    assert [r.id for r in store.of_requester(Account("mattermost", "", "bob"))] == [2]


def test_posts_keep_their_id_and_learn_their_platform(old_database: Engine) -> None:
    migrate(old_database)
    post = SqlStore(old_database).post_of(1, "camille-exemple")
    assert post == Post("mattermost", "p" * 26, None, None)


def test_waiting_messages_are_readable_and_addressed_the_same(old_database: Engine) -> None:
    migrate(old_database)
    items = SqlOutbox(old_database).claim(
        now=NOW + timedelta(seconds=1), lease=timedelta(seconds=30), platforms=("mattermost",)
    )
    found = [(i.message.kind, i.message.platform, i.message.to, i.message.text) for i in items]
    assert found == [
        ("send", "mattermost", Recipient("animator", "camille-exemple"), "📥 Demande n° 1"),
        ("send", "mattermost", Recipient("user_id", "u" * 26), "Ta demande n° 1 est enregistrée."),
        ("send", "mattermost", Recipient("channel", "t" * 26), "📥 Demande n° 1 · triage"),
        ("update", "mattermost", Recipient("animator", "dominique-exemple"), "✅ Prise en charge"),
        ("send", "mattermost", Recipient("username", "bob"), "Ta demande n° 2 (hors ligne)"),
    ]
    assert items[0].message.animator_copy == "camille-exemple"
    assert items[1].message.animator_copy is None
    # The key each was sent with so far, so that a resend is still recognised after 0004.
    assert [i.key for i in items] == [f"animbot{i.id}" for i in items]
    assert {i.tried_at for i in items} == {None}


def test_the_migrated_schema_is_the_one_the_code_declares(old_database: Engine) -> None:
    """What the revisions build is what `tables.py` declares (types are compared on
    PostgreSQL: SQLite keeps no VARCHAR length)."""
    migrate(old_database)
    options = {
        "compare_type": old_database.dialect.name != "sqlite",
        "compare_server_default": True,
    }
    with old_database.connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, metadata) == []


def test_long_matrix_ids_fit_after_the_migration(old_database: Engine) -> None:
    migrate(old_database)
    matrix_id = "@" + "x" * 200 + ":agent.dinum.tchap.gouv.fr"
    event_id = "$" + "e" * 250
    with old_database.begin() as connection:
        connection.execute(
            table("requests", column("id"), column("requester_id"), column("requester_name"))
            .update()
            .values(requester_id=matrix_id, requester_name=matrix_id)
        )
        connection.execute(
            table("request_posts", column("post_id"), column("recipient_id"), column("channel_id"))
            .update()
            .values(post_id=event_id, recipient_id=matrix_id, channel_id="!" + "r" * 250)
        )
    store = SqlStore(old_database)
    assert store.of_requester(Account("matrix", matrix_id, matrix_id)) == []  # still mattermost
    request = store.get(1)
    assert request is not None and request.requester.id == matrix_id
    post = store.post_of(1, "camille-exemple")
    assert post is not None and (post.id, post.recipient) == (event_id, matrix_id)


def test_downgrade_once_the_outbox_is_drained(old_database: Engine) -> None:
    migrate(old_database)
    with old_database.begin() as connection:
        connection.execute(text("UPDATE outbox SET status = 'sent'"))
        connection.execute(text("UPDATE outbox SET status = 'dead' WHERE id = 1"))
    migrate_down(old_database)
    columns = {c["name"] for c in inspect(old_database).get_columns("requests")}
    assert "handlers" in columns and "requester_platform" not in columns
    with old_database.connect() as connection:
        ids = connection.execute(text("SELECT requester_id FROM requests ORDER BY id")).all()
    assert [row[0] for row in ids] == ["u" * 26, "@bob"]
    migrate(old_database)  # and up again
    assert SqlStore(old_database).get(2) is not None


def migrate_down(engine: Engine) -> None:
    config = _alembic()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")


def test_downgrade_refuses_while_messages_wait(old_database: Engine) -> None:
    migrate(old_database)
    with pytest.raises(RuntimeError, match="still waiting"):
        migrate_down(old_database)
