"""Two replicas purging at once, on SQLite and PostgreSQL (two engines, two threads, both
having read the same confidential requests open too long before either writes): each
request closed once, its notices sent once, each anonymised once, and neither fails."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.core.people import Platform
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import Registry, build_registry
from bot.core.requests.lifecycle import closed
from bot.core.requests.model import Request
from bot.core.requests.retention import Cutoffs, Periods, Tally
from bot.service.retention import Purge
from bot.store.engine import make_engine
from bot.store.requests import SqlStore
from bot.store.retention import SqlRetention
from bot.store.tables import outbox, requests
from tests.fakes import FakeClock
from tests.registries import BASE, TODAY
from tests.stores import BACKENDS, DRAFT, NOW, fresh_engine

MATTERMOST: tuple[Platform, ...] = ("mattermost",)
CONFIDENTIAL = dataclasses.replace(
    DRAFT, category_id="mal-etre", confidential=True, assignees=("camille",), contact_method="tchap"
)


class Gated(SqlRetention):
    """A replica that, once it has read what is open too long, waits for the other one to
    have read it too: both then race to close the same requests."""

    def __init__(self, engine: Engine, barrier: threading.Barrier) -> None:
        super().__init__(engine)
        self.barrier = barrier

    def open_too_long(self, due: Cutoffs, *, limit: int) -> list[Request]:
        found = super().open_too_long(due, limit=limit)
        self.barrier.wait(timeout=30)
        return found


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine(request.param, tmp_path)


@pytest.fixture
def registry_small(catalog: Catalog) -> Registry:
    return build_registry(BASE, catalog=catalog, today=TODAY, path=Path("t"))


def test_two_replicas_purging_at_once(engine: Engine, registry_small: Registry) -> None:
    store = SqlStore(engine)
    for number in range(20):
        store.create(CONFIDENTIAL, nonce=f"c{number}", messages_for=lambda r: [])
        request, _ = store.create(DRAFT, nonce=f"d{number}", messages_for=lambda r: [])
        assert store.replace(request, closed(request, "camille", NOW), messages=[], now=NOW)
    url = engine.url.render_as_string(hide_password=False)
    clock = FakeClock(NOW + timedelta(days=400))
    barrier = threading.Barrier(2)
    books = [Gated(make_engine(url), barrier) for _ in range(2)]
    done: list[Tally] = []

    def replica(book: Gated) -> None:
        purge = Purge(
            book,
            lambda: registry_small,
            clock,
            periods=Periods(),
            platforms=MATTERMOST,
            batch=20,
            rounds=1,  # one look at what is open too long: both read the same 20
        )
        done.append(purge.purge())

    threads = [threading.Thread(target=replica, args=(book,)) for book in books]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for book in books:
        book.engine.dispose()
    assert len(done) == 2  # neither failed
    assert sum(t.closed for t in done) == 20
    assert sum(t.anonymised for t in done) == 20
    with engine.connect() as connection:
        sent = connection.execute(select(func.count()).select_from(outbox)).scalar_one()
        closed_now = connection.execute(
            select(func.count())
            .select_from(requests)
            .where(requests.c.closed_by == "(automatique)")
        ).scalar_one()
        erased = connection.execute(
            select(func.count()).select_from(requests).where(requests.c.anonymised_at.is_not(None))
        ).scalar_one()
    assert (closed_now, erased) == (20, 20)
    assert sent == 20 * 3  # to the requester, and to camille: the copy updated, a notice
