"""The retention chore on the fakes, with a clock moved month by month: a confidential request
open six months closed and its people told once, anonymised three months later with its
notices; a closed one anonymised after twelve; what people then see (« mes demandes »,
a click, the figures); and the logs and metrics, counts only."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.core.answers.stats import stats_reply
from bot.core.clock import PARIS
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.matching.names import Entity
from bot.core.people import Account, Platform
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import build_registry
from bot.core.requests.model import Draft
from bot.core.requests.retention import Periods
from bot.service.metrics import Metrics
from bot.service.retention import Purge
from tests.fakes import FakeClock, MemoryRequestStore
from tests.fakes_retention import MemoryRetention
from tests.registries import BASE, TODAY

ALICE = Account("mattermost", "u-alice", "alice")
MATTERMOST: tuple[Platform, ...] = ("mattermost",)
DAY = timedelta(days=1)


def paris(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=PARIS)


class World:
    def __init__(self, catalog: Catalog, periods: Periods | None = None) -> None:
        registry = build_registry(BASE, catalog=catalog, today=TODAY, path=Path("t"))
        self.directory = Directory.of(registry)
        self.store = MemoryRequestStore()
        self.book = MemoryRetention(self.store)
        self.clock = FakeClock()
        self.desk = Desk(self.store, self.store, self.clock, ("mattermost",))
        self.metrics = Metrics()
        self.purge = Purge(
            self.book,
            lambda: registry,
            self.clock,
            periods=periods or Periods(),
            platforms=MATTERMOST,
            batch=2,
            observer=self.metrics.purged,
        )

    def ask(self, at: datetime, *, confidential: bool = False) -> int:
        self.clock.moment = at
        registry = self.directory.registry
        if confidential:
            category = registry.categories["mal-etre"]
            draft = Draft(category, ALICE, f"n{at}", chosen="camille", contact_method="tchap")
        else:
            team = Entity("startup", "aides-territoires", "Aides-territoires")
            category = registry.categories["convention"]
            draft = Draft(category, ALICE, f"n{at}", team=team, subject="Convention DGCL")
        return self.desk.submit(self.directory, draft).request.id

    def at(self, moment: datetime) -> int:
        self.clock.moment = moment
        return self.purge.run_once()

    def messages_of(self, number: int) -> list[str]:
        return [m.text for m in self.store.outbox.messages() if m.request_id == number]


def test_a_confidential_request_open_six_months(catalog: Catalog) -> None:
    world = World(catalog)
    number = world.ask(paris(2027, 1, 12), confidential=True)
    first = len(world.store.outbox.messages())
    assert world.at(paris(2027, 7, 11)) == 0
    assert world.book.done == []
    assert world.at(paris(2027, 7, 12)) == 1
    assert world.at(paris(2027, 7, 13)) == 0  # once
    request = world.store.requests[number]
    assert (request.status, request.closed_at) == ("closed", paris(2027, 7, 12))
    told = world.store.outbox.messages()[first:]
    assert [m.to.id for m in told] == ["u-alice", "camille", "camille"]
    mine = world.desk.listing(world.directory, ALICE)
    assert f"n° {number} · 🔒 Je me sens mal dans mon équipe · close" in mine
    clicked = world.desk.act(world.directory, number, "close", "camille")
    assert clicked.text == "Cette demande est déjà close, automatiquement."
    assert world.at(paris(2027, 10, 11)) == 0
    assert world.at(paris(2027, 10, 12)) == 1 + first + 3  # the request, and every message
    assert world.store.outbox.messages() == []
    assert world.store.requests[number].anonymised_at == paris(2027, 10, 12)


def test_what_people_see_of_an_anonymised_request(catalog: Catalog) -> None:
    world = World(catalog)
    number = world.ask(paris(2027, 1, 12))
    world.desk.act(world.directory, number, "claim", "camille")
    world.desk.act(world.directory, number, "close", "camille")
    assert world.at(paris(2028, 1, 11)) == 0
    assert world.at(paris(2028, 1, 12)) > 0
    assert world.desk.listing(world.directory, ALICE).startswith("Tu n'as pas encore fait")
    clicked = world.desk.act(world.directory, number, "claim", "camille")
    assert clicked.text.startswith(f"La demande n° {number} est anonymisée : sa durée")
    assert clicked.request is None
    assert world.messages_of(number) == []


def test_the_figures_do_not_change(catalog: Catalog) -> None:
    world = World(catalog, Periods(closed=1, confidential_closed=1, confidential_open=1))
    for day in range(1, 13):
        number = world.ask(paris(2027, 3, day), confidential=day % 4 == 0)
        if day % 3:
            world.desk.act(world.directory, number, "claim", "camille")
            world.desk.act(world.directory, number, "close", "camille")
    world.clock.moment = paris(2027, 5, 20)
    before = stats_reply(world.directory, desk=world.desk).text
    assert world.purge.run_once() > 0
    assert sum(r.anonymised_at is not None for r in world.store.requests.values()) == 8
    assert stats_reply(world.directory, desk=world.desk).text == before


def test_a_backlog_goes_in_batches_and_rounds(catalog: Catalog) -> None:
    world = World(catalog)
    for day in range(1, 8):
        number = world.ask(paris(2027, 1, day))
        world.desk.act(world.directory, number, "close", "camille")
    world.purge.rounds = 2  # two batches of two at a time
    world.clock.moment = paris(2028, 2, 1)
    assert world.purge.backlog().anonymised == 7
    assert world.purge.purge().anonymised == 4
    assert world.purge.purge().anonymised == 3
    assert world.purge.backlog().anonymised == 0


def test_logs_and_metrics_say_how_many_and_nothing_else(
    catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    world = World(catalog)
    world.ask(paris(2027, 1, 12), confidential=True)
    number = world.ask(paris(2027, 1, 13))
    world.desk.act(world.directory, number, "close", "camille")
    with caplog.at_level(logging.INFO, logger="bot.service.retention"):
        world.at(paris(2028, 2, 1))
    said = [(r.getMessage(), r.__dict__["event"], r.__dict__["count"]) for r in caplog.records]
    assert said == [
        ("retention applied", "closed", 1),
        ("retention applied", "anonymised", 1),
        ("retention applied", "messages", 3),  # made, closed; the closing's wait three months
    ]
    metrics = world.metrics.render().decode()
    assert 'animation_retention_total{event="closed"} 1.0' in metrics
    assert 'animation_retention_total{event="anonymised"} 1.0' in metrics
    assert 'animation_retention_total{event="messages"} 3.0' in metrics
    assert 'animation_retention_total{event="drafts"}' not in metrics  # none: no line
    for text in ("alice", "DGCL", "tchap", "Aides", "camille", f"n° {number}"):
        assert text not in caplog.text and text not in metrics
