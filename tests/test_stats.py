"""The transparency figures: small counts hidden, confidential requests only as a quarterly
total, medians and the share claimed within two working days; and `/animation stats`."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.clock import PARIS
from bot.core.commands import Invocation, respond
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.matching.names import Entity
from bot.core.people import Account
from bot.core.registry.model import Registry
from bot.core.requests.model import Draft
from bot.core.stats import FEW, Fact, count, duration, figures, share_in_time
from tests.fakes import FakeClock, MemoryRequestStore

NOW = datetime(2026, 12, 15, 12, 0, tzinfo=PARIS)
NOV = datetime(2026, 11, 10, 10, 0, tzinfo=PARIS)  # a Tuesday


def made(category: str, n: int, *, at: datetime = NOV, **times: timedelta) -> list[Fact]:
    confidential = category in ("mal-etre", "manquement")
    return [
        Fact(
            category,
            confidential,
            at,
            taken_at=at + times["taken"] if "taken" in times else None,
            closed_at=at + times["closed"] if "closed" in times else None,
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize(("number", "shown"), [(0, FEW), (1, FEW), (4, FEW), (5, "5"), (42, "42")])
def test_small_counts_are_hidden(number: int, shown: str) -> None:
    assert count(number) == shown


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=20), "1 min"),
        (timedelta(minutes=40), "40 min"),
        (timedelta(hours=5, minutes=10), "5 h"),
        (timedelta(hours=47), "47 h"),
        (timedelta(days=3, hours=12), "3,5 jours"),
    ],
)
def test_durations(delta: timedelta, shown: str) -> None:
    assert duration(delta) == shown


def test_the_figures_of_a_category(registry: Registry) -> None:
    facts = made("convention", 6, taken=timedelta(hours=1), closed=timedelta(days=1))
    shown = figures(facts, registry.data.categories, now=NOW, months=3)
    row = shown.rows[0]
    assert row.label == "Convention, devis, service fait"
    assert row.per_month == (FEW, "6", FEW)  # October, November, December
    assert (row.claim_median, row.close_median, row.claimed_in_time) == ("1 h", "24 h", "100 %")
    assert [r.total for r in shown.rows[1:]] == [FEW, FEW, FEW]


def test_a_median_of_fewer_than_five_is_hidden(registry: Registry) -> None:
    facts = made("convention", 4, taken=timedelta(hours=1)) + made("convention", 3)
    row = figures(facts, registry.data.categories, now=NOW, months=3).rows[0]
    assert row.total == "7"
    assert row.claim_median == FEW  # 4 claimed only
    assert row.claimed_in_time == "57 %"  # 4 of 7: the others waited past their two days


def test_the_share_waits_for_the_two_days_to_be_over() -> None:
    # Friday 11 December 2026 at 10:00: two working days end on Tuesday at 10:00.
    friday = datetime(2026, 12, 11, 10, 0, tzinfo=PARIS)
    late = made("convention", 5, at=friday, taken=timedelta(days=4, hours=1))
    in_time = made("convention", 5, at=friday, taken=timedelta(days=4))
    waiting = made("convention", 5, at=NOW - timedelta(hours=1))  # its two days go on
    assert share_in_time(late + in_time + waiting, NOW) == "50 %"


@pytest.mark.parametrize(("number", "shown"), [(4, FEW), (5, "5"), (9, "9")])
def test_confidential_requests_are_one_quarterly_total(
    registry: Registry, number: int, shown: str
) -> None:
    facts = made("mal-etre", number - 2, taken=timedelta(hours=1)) + made("manquement", 2)
    result = figures(facts, registry.data.categories, now=NOW, months=3)
    assert result.confidential == (("4e trimestre 2026", shown),)
    assert "Je me sens mal" not in str(result.rows)  # no row of their own
    assert result.overall.total == FEW  # and they count nowhere else
    assert result.overall.claim_median == FEW


def test_quarters_across_a_year(registry: Registry) -> None:
    january = datetime(2027, 1, 20, tzinfo=PARIS)
    facts = made("mal-etre", 5, at=datetime(2026, 12, 1, tzinfo=PARIS)) + made(
        "mal-etre", 2, at=january
    )
    result = figures(facts, registry.data.categories, now=january, months=3)
    assert result.confidential == (("4e trimestre 2026", "5"), ("1er trimestre 2027", FEW))
    assert result.period == "de novembre 2026 à janvier 2027"


@pytest.mark.parametrize(
    ("typed", "visibility"),
    [
        ("stats", "shareable"),
        ("statistiques", "shareable"),
        ("chiffres", "shareable"),
        ("stats --partager", "shared"),
    ],
)
def test_stats_anyone_may_share(
    directory: Directory, clock: FakeClock, typed: str, visibility: str
) -> None:
    store = MemoryRequestStore()
    desk = Desk(store, store, clock, ("mattermost",))
    who = Account("mattermost", "u1", "alice")
    reply = respond(directory, Invocation(typed, who, clock.today(), desk=desk))
    assert reply.visibility == visibility
    assert reply.text.startswith("📊 **Les demandes faites à l'équipe d'animation**")
    assert "🔒 **Demandes confidentielles**" in reply.text


def test_stats_never_name_anyone(directory: Directory, clock: FakeClock) -> None:
    store = MemoryRequestStore()
    desk = Desk(store, store, clock, ("mattermost",))
    registry = directory.registry
    for n in range(6):
        draft_for = registry.categories["convention"]
        team = Entity("startup", "demarches-simplifiees.fr", "Démarche Numérique")
        who = Account("mattermost", f"u{n}", f"personne{n}")
        request = desk.submit(directory, Draft(draft_for, who, f"n{n}", team=team)).request
        desk.act(directory, request.id, "claim", request.assignees[0])
    reply = respond(directory, Invocation("stats", who, clock.today(), desk=desk))
    assert "6" in reply.text
    for person in registry.animators.values():
        assert person.name not in reply.text and (person.mattermost or "@") not in reply.text
    assert "personne" not in reply.text and "Démarche" not in reply.text
