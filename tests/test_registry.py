"""Who answers for a team: its own referent, else its incubator's; backups when away."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.registry.catalog import Catalog
from bot.core.registry.model import Registry, RegistryError, build_registry, is_absent
from tests.registries import BASE, edit

TODAY = date(2026, 11, 29)


def build(text: str, catalog: Catalog) -> Registry:
    return build_registry(
        text, catalog=catalog, today=TODAY, path=__import__("pathlib").Path("t.yaml")
    )


def test_team_with_its_own_referent(catalog: Catalog) -> None:
    registry = build(BASE, catalog)
    assignment = registry.for_startup(catalog.startups["aides-territoires"])
    assert assignment.reason == "team"
    assert [a.id for a in assignment.animators] == ["camille"]


def test_team_through_its_incubator(catalog: Catalog) -> None:
    registry = build(BASE, catalog)
    startup = next(
        s
        for s in catalog.startups.values()
        if s.incubator == "anct" and s.id != "aides-territoires"
    )
    assignment = registry.for_startup(startup)
    assert assignment.reason == "incubator"
    assert assignment.incubator is not None and assignment.incubator.id == "anct"
    assert [a.id for a in assignment.animators] == ["dominique"]


def test_team_whose_incubator_has_no_referent(catalog: Catalog) -> None:
    registry = build(BASE, catalog)
    assignment = registry.for_startup(catalog.startups["domifa"])
    assert assignment.reason == "none"
    assert assignment.animators == ()
    assert (
        assignment.incubator is not None
        and assignment.incubator.id == catalog.startups["domifa"].incubator
    )


def test_second_incubator_is_used_when_the_first_has_nobody(catalog: Catalog) -> None:
    text = edit({23: "  - incubator: ademe"})
    registry = build(text, catalog)
    startup = catalog.startups["ecobalyse"]
    assert startup.incubator != "ademe" and "ademe" in startup.other_incubators
    assignment = registry.for_startup(startup)
    assert assignment.reason == "incubator"
    assert assignment.incubator is not None and assignment.incubator.id == "ademe"


def test_absent_referent_is_replaced_by_the_backup(catalog: Catalog) -> None:
    registry = build(
        edit({13: "    mattermost: camille.exemple\n    absent_until: 2026-12-15"}), catalog
    )
    camille = registry.animators["camille"]
    assert is_absent(camille, TODAY)
    duty = registry.on_duty(camille, TODAY)
    assert duty.replaced and duty.person.id == "dominique"
    assert not registry.on_duty(camille, date(2026, 12, 16)).replaced


def test_invalid_text_raises_with_every_line(catalog: Catalog) -> None:
    with pytest.raises(RegistryError) as raised:
        build(edit({12: "    nmae: x", 31: "    label: no"}), catalog)
    assert [line.split(":")[1] for line in raised.value.lines()] == ["12", "31"]


def test_version_changes_with_the_content(catalog: Catalog) -> None:
    assert (
        build(BASE, catalog).version != build(edit({9: "    - Autre engagement."}), catalog).version
    )
    assert build(BASE, catalog).version == build(BASE, catalog).version


def test_shipped_registry_resolves_every_real_team(registry: Registry) -> None:
    unresolved = [
        s.id for s in registry.catalog.startups.values() if not registry.for_startup(s).animators
    ]
    assert unresolved == []
