"""The weekly digest: on the first working day of the week at 9:00 (Paris), once per
co-animator and week, only their open requests, none for whoever turned it off."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.clock import PARIS
from bot.core.registry.catalog import Catalog
from bot.core.requests.digest import digest_time, is_due, week_of
from tests.test_reminders import World, paris


@pytest.mark.parametrize(
    ("now", "goes"),
    [
        (paris(2026, 12, 30, 12), paris(2026, 12, 28, 9)),  # a Monday
        (paris(2027, 3, 31, 12), paris(2027, 3, 30, 9)),  # Easter Monday: on Tuesday
        (paris(2027, 5, 2, 12), paris(2027, 4, 26, 9)),  # a Sunday: that week's Monday
    ],
)
def test_digest_time(now: datetime, goes: datetime) -> None:
    assert digest_time(now) == goes


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (paris(2026, 12, 28, 8, 59), False),
        (paris(2026, 12, 28, 9, 0), True),
        (paris(2026, 12, 28, 17, 59), True),
        (paris(2026, 12, 28, 18, 0), False),  # later that week: none
        (paris(2026, 12, 29, 9, 0), False),
    ],
)
def test_the_digest_goes_during_its_day(now: datetime, due: bool) -> None:
    assert is_due(now) is due
    assert week_of(now) == "2026-W53"


def digests(world: World) -> list[tuple[object, datetime]]:
    return [(who, at.astimezone(PARIS)) for step, who, at in world.book.done if step == "digest"]


def test_each_co_animator_gets_their_open_requests_once_a_week(catalog: Catalog) -> None:
    world = World(catalog)
    first = world.ask(paris(2026, 12, 17, 10, 0))
    secret = world.ask(paris(2026, 12, 17, 11, 0), confidential=True)
    world.desk.act(world.directory, first, "claim", "camille")
    sent = world.walk(paris(2027, 1, 5, 12, 0), step=timedelta(minutes=30))
    assert digests(world) == [
        ("camille", paris(2026, 12, 21, 9)),
        ("camille", paris(2026, 12, 28, 9)),
        ("camille", paris(2027, 1, 4, 9)),
    ]
    text = next(m.text for m in sent if m.text.startswith("🗓️"))
    assert f"- n° {secret} · 🔒 demande confidentielle" in text.splitlines()
    assert (
        f"- n° {first} · Convention, devis, service fait · l'équipe **Aides-territoires** · "
        "prise en charge" in text
    )


def test_a_flag_turns_it_off(catalog: Catalog) -> None:
    world = World(catalog, {14: "    backup: dominique\n    digest: false"})
    world.ask(paris(2026, 12, 17, 10, 0))
    world.walk(paris(2026, 12, 22, 12, 0), step=timedelta(hours=1))
    assert digests(world) == []


def test_nothing_open_no_digest(catalog: Catalog) -> None:
    world = World(catalog)
    number = world.ask(paris(2026, 12, 17, 10, 0))
    world.desk.act(world.directory, number, "close", "camille")
    world.walk(paris(2026, 12, 22, 12, 0), step=timedelta(hours=1))
    assert digests(world) == []
