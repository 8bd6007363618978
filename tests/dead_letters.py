"""A database holding dead letters, for the tests of `animation-bot outbox`."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.core.people import Account
from bot.store.engine import make_engine, migrate
from bot.store.outbox import SqlOutbox
from bot.store.requests import SqlStore
from tests.stores import ALL, DRAFT, NOW, messages

SECRET = "h2-S3CRET-convention-7c41"  # what the requests say: never shown


def dead_letters(workdir: Path) -> None:
    """`animation.db` in `workdir` with two requests whose four messages a platform refused
    for good; the last one's error written by an earlier version, in the server's words."""
    engine = make_engine(f"sqlite:///{workdir / 'animation.db'}")
    migrate(engine)
    store, outbox = SqlStore(engine), SqlOutbox(engine)
    for number in range(2):
        who = Account("mattermost", f"u{number}", "alice")
        draft = replace(DRAFT, requester=who, subject=SECRET, details=SECRET)
        store.create(draft, nonce=f"n{number}", messages_for=messages)
    items = outbox.claim(now=NOW, lease=timedelta(seconds=20), platforms=ALL)
    for item in items[:-1]:
        assert outbox.dead(item, error="403: NotEnoughPermissions")
    assert outbox.dead(items[-1], error=f"400: Invalid post « {SECRET} »")
    engine.dispose()
