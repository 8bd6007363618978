"""Reminders and escalation on the fakes, with a clock moved across a weekend and Christmas:
the exact moment of each step, who is told what, and nothing about a confidential request
but its number."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.core.clock import PARIS
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.matching.names import Entity
from bot.core.people import Account, Platform
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import build_registry
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Draft
from bot.service.nudges import Nudges
from tests.fakes import FakeClock, MemoryRequestStore
from tests.fakes_nudges import MemoryReminders
from tests.registries import TODAY, edit

ALICE = Account("mattermost", "u-alice", "alice")
AT_TEAM = Entity("startup", "aides-territoires", "Aides-territoires")

MATTERMOST: tuple[Platform, ...] = ("mattermost",)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


class World:
    def __init__(self, catalog: Catalog, changes: dict[int, str | None] | None = None) -> None:
        registry = build_registry(edit(changes or {}), catalog=catalog, today=TODAY, path=Path("t"))
        self.directory = Directory.of(registry)
        self.store = MemoryRequestStore()
        self.book = MemoryReminders(self.store)
        self.clock = FakeClock()
        self.desk = Desk(self.store, self.store, self.clock, ("mattermost",))
        self.nudges = Nudges(self.book, lambda: registry, self.clock, platforms=MATTERMOST)

    def ask(self, at: datetime, *, confidential: bool = False) -> int:
        self.clock.moment = at
        registry = self.directory.registry
        if confidential:
            category = registry.categories["mal-etre"]
            draft = Draft(category, ALICE, f"n{at}", chosen="camille", contact_method="tchap")
        else:
            category = registry.categories["convention"]
            draft = Draft(category, ALICE, f"n{at}", team=AT_TEAM, subject="Convention DGCL")
        return self.desk.submit(self.directory, draft).request.id

    def walk(self, until: datetime, step: timedelta = timedelta(minutes=30)) -> list[Message]:
        """Move the clock to `until`, running the reminders at each `step`; what they sent."""
        before = len(self.store.outbox.messages())
        while self.clock.moment < until:
            self.clock.moment = min(self.clock.moment + step, until)
            self.nudges.run_once()
        return self.store.outbox.messages()[before:]

    def when(self, kind: str) -> list[datetime]:
        return [at.astimezone(PARIS) for step, _, at in self.book.done if step == kind]


@pytest.mark.parametrize(
    ("made", "reminder", "escalation"),
    [
        # Wednesday before Christmas: Thursday 24 counts, Christmas and the weekend do not.
        (paris(2026, 12, 23, 10, 0), paris(2026, 12, 28, 10, 0), paris(2026, 12, 30, 10, 0)),
        # Friday evening: the count starts on Monday at 9:00.
        (paris(2026, 12, 18, 20, 0), paris(2026, 12, 23, 9, 0), paris(2026, 12, 28, 9, 0)),
        # Christmas Eve at 17:30; then New Year's Day.
        (paris(2026, 12, 24, 17, 30), paris(2026, 12, 29, 17, 30), paris(2026, 12, 31, 17, 30)),
        (paris(2026, 12, 30, 11, 0), paris(2027, 1, 4, 11, 0), paris(2027, 1, 6, 11, 0)),
    ],
)
def test_each_step_on_its_exact_day(
    catalog: Catalog, made: datetime, reminder: datetime, escalation: datetime
) -> None:
    world = World(catalog)
    world.ask(made)
    world.walk(paris(2027, 1, 15, 12, 0))
    assert world.when("reminder") == [reminder]
    assert world.when("escalation") == [escalation]


def test_a_category_sets_its_own_delay(catalog: Catalog) -> None:
    world = World(catalog, {34: "    fields: [team, subject, details]\n    reminder_days: 1"})
    world.ask(paris(2026, 12, 23, 10, 0))
    world.walk(paris(2027, 1, 8, 12, 0))
    assert world.when("reminder") == [paris(2026, 12, 24, 10, 0)]
    assert world.when("escalation") == [paris(2026, 12, 28, 10, 0)]


def test_the_reminder_goes_to_the_people_it_was_sent_to(catalog: Catalog) -> None:
    world = World(catalog)
    number = world.ask(paris(2026, 12, 23, 10, 0))
    sent = world.walk(paris(2026, 12, 28, 10, 0))
    reminders = [m for m in sent if "Rappel" in m.text]
    assert [(m.to, m.request_id, m.buttons) for m in reminders] == [
        (Recipient("animator", "camille"), None, ())  # not their copy: that one keeps its post
    ]
    assert f"demande n° {number}" in reminders[0].text
    assert "Aides-territoires" in reminders[0].text


def test_the_escalation_adds_the_backups_who_may_then_claim(catalog: Catalog) -> None:
    world = World(catalog)
    number = world.ask(paris(2026, 12, 23, 10, 0))
    sent = world.walk(paris(2026, 12, 30, 10, 0))[-3:]
    assert [m.to for m in sent] == [
        Recipient("animator", "dominique"),
        Recipient("animator", "camille"),
        Recipient("user_id", "u-alice"),
    ]
    copy, told, requester = sent
    assert copy.request_id == number and copy.buttons == ("claim", "reassign", "close")
    assert "en relais" in copy.text and "Convention DGCL" in copy.text
    assert "Je l'envoie aussi à" in told.text
    assert "pas encore prise en charge" in requester.text
    request = world.store.requests[number]
    assert request.assignees == ("camille", "dominique")
    done = world.desk.act(world.directory, number, "claim", "dominique")
    assert done.request is not None and done.request.claimed_by == "dominique"


def test_a_claimed_request_is_never_reminded(catalog: Catalog) -> None:
    world = World(catalog)
    number = world.ask(paris(2026, 12, 23, 10, 0))
    world.walk(paris(2026, 12, 24, 12, 0))
    world.desk.act(world.directory, number, "claim", "camille")
    world.walk(paris(2027, 1, 15, 12, 0))
    assert world.when("reminder") == world.when("escalation") == []


def test_a_confidential_request_carries_only_its_number(catalog: Catalog) -> None:
    world = World(catalog)
    number = world.ask(paris(2026, 12, 23, 10, 0), confidential=True)
    sent = world.walk(paris(2027, 1, 15, 12, 0))
    to_people = [m for m in sent if m.to.kind == "animator" and "Rappel" in m.text]
    assert [(m.to.id, m.text) for m in to_people] == [
        ("camille", f"🔒 Rappel : demande n° {number} · demande confidentielle."),
        ("camille", f"🔒 Rappel : demande n° {number} · demande confidentielle."),
    ]
    assert not any(m.to == Recipient("animator", "dominique") for m in sent)  # never the backup
    assert world.store.requests[number].assignees == ("camille",)
    (requester,) = [m for m in sent if m.to.kind == "user_id"]
    assert "choisir une autre personne" in requester.text
    assert world.when("escalation") == [paris(2026, 12, 30, 10, 0)]


def test_a_bot_down_through_both_steps_sends_the_escalation_only(catalog: Catalog) -> None:
    world = World(catalog)
    world.ask(paris(2026, 12, 23, 10, 0))
    world.walk(paris(2027, 1, 4, 10, 0), step=timedelta(days=12))
    assert world.when("escalation") == [paris(2027, 1, 4, 10, 0)]
    assert world.when("reminder") == []
    assert len(world.book.steps) == 2  # the reminder is recorded as done: never sent after


def test_two_replicas_remind_once(catalog: Catalog) -> None:
    world = World(catalog)
    for hour in range(9, 17):
        world.ask(paris(2026, 12, 23, hour, 0))
    other = Nudges(world.book, lambda: world.directory.registry, world.clock, platforms=MATTERMOST)
    world.clock.moment = paris(2026, 12, 30, 18, 0)
    assert world.nudges.remind() == 8
    assert other.remind() == 0
    assert len(world.when("escalation")) == 8
