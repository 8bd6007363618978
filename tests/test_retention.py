"""The retention rules, pure: months as people count them in Paris, the exact boundaries of
each period, what an anonymised request keeps, and what closing a confidential request open
too long says, to whom (its number and « demande confidentielle », nothing else)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import markup
from bot.core.clock import PARIS
from bot.core.people import Account, Platform
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import Registry, build_registry
from bot.core.requests.lifecycle import AUTOMATIC
from bot.core.requests.messages import Recipient
from bot.core.requests.model import Request
from bot.core.requests.retention import (
    Periods,
    anonymise_due,
    anonymised,
    close_due,
    closing,
    cutoffs,
    months_before,
)
from bot.core.stats import Fact
from tests.registries import BASE, TODAY

MATTERMOST: tuple[Platform, ...] = ("mattermost",)
DAY = timedelta(days=1)
MADE = datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)
CLOSED_AT = datetime(2026, 3, 16, 15, 30, tzinfo=PARIS)
ALICE = Account("mattermost", "u-alice", "alice")
CLOSED = Request(
    id=12,
    category_id="convention",
    confidential=False,
    requester=ALICE,
    assignees=("camille", "dominique"),
    status="closed",
    created_at=MADE,
    team_kind="startup",
    team_id="aides-territoires",
    team_name="Aides-territoires",
    subject="Convention DGCL",
    details="Bloquée depuis mars",
    routing_reason="référente de l'équipe",
    claimed_by="camille",
    claimed_at=MADE + DAY,
    closed_by="camille",
    closed_at=CLOSED_AT,
)
SECRET = dataclasses.replace(
    CLOSED,
    category_id="mal-etre",
    confidential=True,
    assignees=("camille",),
    team_kind=None,
    team_id=None,
    team_name=None,
    subject="",
    details="",
    contact_method="tchap",
)
OPEN_SECRET = dataclasses.replace(
    SECRET, status="open", claimed_by=None, claimed_at=None, closed_by=None, closed_at=None
)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (paris(2027, 3, 16, 15, 30), 12, paris(2026, 3, 16, 15, 30)),
        (paris(2027, 3, 31, 8), 1, paris(2027, 2, 28, 8)),  # no 31 February
        (paris(2028, 2, 29, 8), 12, paris(2027, 2, 28, 8)),
        (paris(2027, 1, 15, 10), 3, paris(2026, 10, 15, 10)),  # across the change of hour
        (paris(2027, 1, 1, 0, 30), 1, paris(2026, 12, 1, 0, 30)),  # 31 December 23:30 UTC
    ],
)
def test_months_are_counted_in_paris_time(
    moment: datetime, months: int, expected: datetime
) -> None:
    assert months_before(moment, months) == expected
    assert months_before(moment, months).tzinfo == UTC


@pytest.mark.parametrize(
    ("request_", "months", "what"),
    [(CLOSED, 12, "closed"), (SECRET, 3, "confidential closed")],
    ids=["12 months", "confidential, 3 months"],
)
def test_a_closed_request_is_kept_to_the_day(request_: Request, months: int, what: str) -> None:
    over = CLOSED_AT.replace(year=2027) if months == 12 else CLOSED_AT.replace(month=6)
    assert not anonymise_due(request_, cutoffs(over - DAY, Periods()))
    assert not anonymise_due(request_, cutoffs(over - timedelta(seconds=1), Periods()))
    assert anonymise_due(request_, cutoffs(over, Periods()))
    assert anonymise_due(request_, cutoffs(over + DAY, Periods()))


def test_the_periods_are_the_settings_ones() -> None:
    periods = Periods(closed=2, confidential_closed=1, confidential_open=1)
    assert anonymise_due(CLOSED, cutoffs(CLOSED_AT.replace(month=5), periods))
    assert not anonymise_due(CLOSED, cutoffs(CLOSED_AT.replace(month=5) - DAY, periods))
    assert close_due(OPEN_SECRET, cutoffs(MADE.replace(month=4), periods))


def test_only_a_closed_request_not_anonymised_yet_is_due() -> None:
    later = cutoffs(CLOSED_AT + 800 * DAY, Periods())
    assert not anonymise_due(OPEN_SECRET, later)
    claimed = dataclasses.replace(CLOSED, status="claimed", closed_by=None, closed_at=None)
    assert not anonymise_due(claimed, later)
    assert not anonymise_due(anonymised(CLOSED, CLOSED_AT + 400 * DAY), later)


def test_a_confidential_request_is_not_kept_open_beyond_six_months() -> None:
    six = paris(2026, 9, 10, 9)
    assert not close_due(OPEN_SECRET, cutoffs(six - DAY, Periods()))
    assert close_due(OPEN_SECRET, cutoffs(six, Periods()))
    claimed = dataclasses.replace(OPEN_SECRET, status="claimed", claimed_by="camille")
    assert close_due(claimed, cutoffs(six + DAY, Periods()))
    assert not close_due(
        dataclasses.replace(OPEN_SECRET, confidential=False), cutoffs(six + 900 * DAY, Periods())
    )
    assert not close_due(SECRET, cutoffs(six + DAY, Periods()))  # closed already


def _fact(request: Request) -> Fact:
    return Fact(
        request.category_id,
        request.confidential,
        request.created_at,
        taken_at=request.claimed_at or request.closed_at,
        closed_at=request.closed_at,
    )


def test_anonymised_keeps_what_the_figures_read_and_nobody() -> None:
    at = CLOSED_AT + 400 * DAY
    erased = anonymised(CLOSED, at)
    assert _fact(erased) == _fact(CLOSED)
    assert (erased.id, erased.status, erased.anonymised_at) == (12, "closed", at)
    assert erased.requester == Account("mattermost", "", "")
    kept = {"id", "category_id", "confidential", "status", "created_at", "claimed_at"}
    kept |= {"closed_at", "anonymised_at", "requester"}
    for field in dataclasses.fields(Request):
        if field.name not in kept:
            assert getattr(erased, field.name) in ("", (), None), field.name


@pytest.fixture
def registry(catalog: Catalog) -> Registry:
    return build_registry(BASE, catalog=catalog, today=TODAY, path=Path("t"))


def test_closing_says_the_number_and_nothing_else(registry: Registry) -> None:
    now = paris(2026, 9, 11, 10)
    plan = closing(registry, OPEN_SECRET, now=now, periods=Periods(), platforms=MATTERMOST)
    assert plan.after == dataclasses.replace(
        OPEN_SECRET, status="closed", closed_by=AUTOMATIC, closed_at=now
    )
    to = [(m.kind, m.to, m.request_id) for m in plan.messages]
    assert to == [
        ("send", Recipient("user_id", "u-alice"), 12),
        ("update", Recipient("animator", "camille"), 12),  # the copy, without its buttons
        ("send", Recipient("animator", "camille"), None),  # a notice, not a new copy
    ]
    assert all(m.buttons == () for m in plan.messages)
    for message in plan.messages:
        assert "n° 12 · demande confidentielle" in message.text
        for secret in ("mal", "Tchap", "tchap", "alice", "Camille", "mention", "account"):
            assert secret not in message.text  # no type, way, person or placeholder of one
    assert "6 mois" in plan.messages[0].text
    assert markup.command("demande") in plan.messages[0].text


def test_closing_a_claimed_one_tells_who_has_it(registry: Registry) -> None:
    claimed = dataclasses.replace(
        OPEN_SECRET, assignees=("camille", "dominique"), status="claimed", claimed_by="dominique"
    )
    plan = closing(
        registry, claimed, now=paris(2026, 9, 11), periods=Periods(), platforms=MATTERMOST
    )
    assert [m.to.id for m in plan.messages] == ["u-alice", "dominique", "dominique"]
    assert plan.after.claimed_by == "dominique"
