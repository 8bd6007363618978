"""Routing and the claim/close/reassign rules, without storage."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.matching.names import Entity
from bot.core.people import Account, Platform
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import Registry, build_registry
from bot.core.requests.lifecycle import (
    RoutingError,
    allowed,
    claimed,
    closed,
    reassigned,
    route,
)
from bot.core.requests.model import Draft, Request
from tests.registries import BASE, edit

TODAY = date(2026, 11, 29)
NOW = datetime(2026, 11, 29, 10, tzinfo=UTC)
ALICE = Account("mattermost", "u", "alice")
MATTERMOST: tuple[Platform, ...] = ("mattermost",)
AWAY = {13: "    mattermost: camille.exemple\n    absent_until: 2026-12-15"}


def registry(catalog: Catalog, changes: Mapping[int, str | None] | None = None) -> Registry:
    text = edit(changes) if changes else BASE
    return build_registry(text, catalog=catalog, today=TODAY, path=Path("t.yaml"))


def draft(registry: Registry, category: str, **fields: Any) -> Draft:
    return Draft(
        category=registry.categories[category],
        requester=ALICE,
        nonce="n",
        **fields,
    )


def test_team_category_goes_to_the_team_referent(catalog: Catalog) -> None:
    reg = registry(catalog)
    team = Entity("startup", "aides-territoires", "Aides-territoires")
    routing = route(reg, draft(reg, "convention", team=team), today=TODAY, platforms=MATTERMOST)
    assert [a.id for a in routing.assignees] == ["camille"]
    assert routing.reason == "référente ou référent de l'équipe"


def test_team_through_incubator(catalog: Catalog) -> None:
    reg = registry(catalog)
    startup = next(
        s
        for s in catalog.startups.values()
        if s.incubator == "anct" and s.id != "aides-territoires"
    )
    routing = route(
        reg,
        draft(reg, "convention", team=Entity("startup", startup.id, startup.name)),
        today=TODAY,
        platforms=MATTERMOST,
    )
    assert [a.id for a in routing.assignees] == ["dominique"]
    assert routing.reason.startswith(
        "référente ou référent de l'incubateur L'Incubateur des Territoires"
    )


def test_absent_referent_is_replaced_and_it_is_said(catalog: Catalog) -> None:
    reg = registry(catalog, AWAY)
    routing = route(
        reg,
        draft(reg, "convention", team=Entity("startup", "aides-territoires", "A")),
        today=TODAY,
        platforms=MATTERMOST,
    )
    assert [a.id for a in routing.assignees] == ["dominique"]
    assert [(a.id, b.id) for a, b in routing.replaced] == [("camille", "dominique")]


def test_confidential_goes_to_the_chosen_person_even_when_away(catalog: Catalog) -> None:
    reg = registry(catalog, AWAY)
    routing = route(
        reg,
        draft(reg, "mal-etre", chosen="camille", contact_method="tchap"),
        today=TODAY,
        platforms=MATTERMOST,
    )
    assert [a.id for a in routing.assignees] == ["camille"]
    assert routing.replaced == ()


def test_only_people_the_bot_can_reach_are_routed_to(catalog: Catalog) -> None:
    reg = registry(
        catalog,
        {
            17: '    tchap: "@dominique:agent.tchap.gouv.fr"',
            20: "    referents: [camille, dominique]",
        },
    )
    team = Entity("startup", "aides-territoires", "Aides-territoires")
    routing = route(reg, draft(reg, "convention", team=team), today=TODAY, platforms=MATTERMOST)
    assert [a.id for a in routing.assignees] == ["camille"]
    both: tuple[Platform, ...] = ("mattermost", "matrix")
    routing = route(reg, draft(reg, "convention", team=team), today=TODAY, platforms=both)
    assert [a.id for a in routing.assignees] == ["camille", "dominique"]
    assert routing.platforms == {"camille": "mattermost", "dominique": "matrix"}


def test_no_team_or_no_choice_is_a_routing_error(catalog: Catalog) -> None:
    reg = registry(catalog)
    with pytest.raises(RoutingError):
        route(reg, draft(reg, "convention"), today=TODAY, platforms=MATTERMOST)
    with pytest.raises(RoutingError):
        route(reg, draft(reg, "mal-etre", chosen="nobody"), today=TODAY, platforms=MATTERMOST)
    with pytest.raises(RoutingError, match="Personne n'est encore désigné"):
        route(
            reg,
            draft(reg, "convention", team=Entity("startup", "domifa", "DomiFa")),
            today=TODAY,
            platforms=MATTERMOST,
        )


OPEN = Request(
    id=1,
    category_id="convention",
    confidential=False,
    requester=ALICE,
    assignees=("camille", "dominique"),
    status="open",
    created_at=NOW,
)


@pytest.mark.parametrize(
    ("request_", "action", "who", "expected"),
    [
        (OPEN, "claim", "camille", None),
        (OPEN, "claim", "sacha", "not_addressed"),
        (OPEN, "close", "dominique", None),
        (claimed(OPEN, "camille", NOW), "claim", "dominique", "taken"),
        (claimed(OPEN, "camille", NOW), "close", "dominique", "not_yours"),
        (claimed(OPEN, "camille", NOW), "close", "camille", None),
        (closed(OPEN, "camille", NOW), "close", "camille", "closed"),
        (closed(OPEN, "camille", NOW), "claim", "dominique", "closed"),
        (
            OPEN.__class__(**{**OPEN.__dict__, "confidential": True}),
            "reassign",
            "camille",
            "confidential",
        ),
        (OPEN, "reassign", "camille", None),
    ],
)
def test_who_may_do_what(request_: Request, action: str, who: str, expected: str | None) -> None:
    assert allowed(request_, action, who) == expected  # type: ignore[arg-type]


def test_transitions() -> None:
    taken = claimed(OPEN, "camille", NOW)
    assert (taken.status, taken.claimed_by, taken.owner) == ("claimed", "camille", "camille")
    done = closed(OPEN, "dominique", NOW)
    assert (done.status, done.claimed_by, done.closed_by) == ("closed", "dominique", "dominique")
    moved = reassigned(taken, "sacha")
    assert (moved.status, moved.assignees, moved.claimed_by) == ("open", ("sacha",), None)
