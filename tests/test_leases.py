"""Leases: one process at a time runs the Matrix session. The same cases on the shared fake,
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store.leases import SqlLeases
from tests.fakes_inbox import MemoryLeases
from tests.stores import BACKENDS, fresh_engine

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(seconds=90)
Leases = SqlLeases | MemoryLeases


@pytest.fixture(params=["memory", *BACKENDS])
def leases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Leases]:
    if request.param == "memory":
        yield MemoryLeases()
    else:
        for engine in fresh_engine(request.param, tmp_path):
            yield SqlLeases(engine)


def test_one_holder_at_a_time_until_it_lapses(leases: Leases) -> None:
    assert leases.hold("matrix", "a", now=NOW, until=LATER)
    assert not leases.hold("matrix", "b", now=NOW + timedelta(seconds=30), until=LATER)
    assert leases.hold("other", "b", now=NOW, until=LATER)  # each name on its own
    renewed = LATER + timedelta(seconds=60)
    assert leases.hold("matrix", "a", now=NOW + timedelta(seconds=60), until=renewed)
    assert not leases.hold("matrix", "b", now=LATER + timedelta(seconds=1), until=renewed)
    late = renewed + timedelta(seconds=1)  # `a` stopped renewing
    assert leases.hold("matrix", "b", now=late, until=late + timedelta(seconds=90))
    assert not leases.hold("matrix", "a", now=late, until=late + timedelta(seconds=90))


def test_a_released_lease_is_free_at_once_and_only_its_holder_releases_it(
    leases: Leases,
) -> None:
    assert leases.hold("matrix", "a", now=NOW, until=LATER)
    leases.release("matrix", "b")
    assert not leases.hold("matrix", "b", now=NOW, until=LATER)
    leases.release("matrix", "a")
    assert leases.hold("matrix", "b", now=NOW, until=LATER)


def race(store: SqlLeases, now: datetime, tag: str) -> list[bool]:
    """Eight replicas asking for the lease at once."""
    until = now + timedelta(seconds=90)
    with ThreadPoolExecutor(8) as pool:
        return list(
            pool.map(
                lambda who: store.hold("matrix", f"{tag}{who}", now=now, until=until), range(8)
            )
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_replicas_racing_for_a_lease_get_one_holder(backend: str, tmp_path: Path) -> None:
    for engine in fresh_engine(backend, tmp_path):
        store = SqlLeases(engine)
        assert race(store, NOW, "first-").count(True) == 1  # no row yet
        assert race(store, LATER + timedelta(seconds=1), "then-").count(True) == 1  # lapsed
