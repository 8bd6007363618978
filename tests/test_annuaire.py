"""The public directory, as values and as HTML: only what the registry makes public, the
search on the server, everything escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.annuaire import Annuaire, annuaire
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import Registry, build_registry
from bot.site.page import render
from tests.conftest import TODAY
from tests.registries import edit


@pytest.fixture(scope="module")
def page(registry: Registry) -> Annuaire:
    return annuaire(registry, today=TODAY)


def small(catalog: Catalog, changes: dict[int, str | None]) -> Registry:
    return build_registry(edit(changes), catalog=catalog, today=TODAY, path=Path("t"))


def html(registry: Registry, query: str = "") -> str:
    found = annuaire(registry, today=TODAY).filtered(query)
    return render(found, contact=registry.data.contact, figures=None, static="s/", action="./")


def test_it_lists_what_people_look_for(page: Annuaire, registry: Registry) -> None:
    assert [t.id for t in page.topics] == [t.id for t in registry.data.topics]
    assert len(page.incubators) == len(registry.catalog.incubators)
    active = {s.id for s in registry.catalog.startups.values() if s.active}
    assert {t.id for t in page.teams} == active | set(registry.teams)  # and the registry's
    team = next(t for t in page.teams if t.id == "aides-territoires")
    assert team.url == "https://beta.gouv.fr/startups/aides-territoires.html"
    assert team.referents == ("dominique-exemple",)
    assert team.how == "par son incubateur, L'Incubateur des Territoires (ANCT)"
    own = next(t for t in page.teams if t.id == "demarches-simplifiees.fr")
    assert own.how.startswith("référent direct")


@pytest.mark.parametrize(
    ("query", "teams"),
    [
        ("domifa", ["domifa"]),
        ("DOMIFA", ["domifa"]),
        ("  Domifà ", ["domifa"]),
        ("monaidecyber", ["mon-aide-cyber"]),
        ("mon aide cyber", ["mon-aide-cyber"]),
        ("xyzzy", []),
    ],
)
def test_the_search_on_the_server(page: Annuaire, query: str, teams: list[str]) -> None:
    assert [t.id for t in page.filtered(query).teams] == teams


def test_a_person_finds_what_they_follow(page: Annuaire) -> None:
    found = page.filtered("sacha")
    assert {p.id for p in found.people} == {"sacha-exemple"}
    assert {i.id for i in found.incubators} == {
        "agriculture",
        "culture",
        "justice",
        "latelier.numerique.du.ministere.de.leurope.et.des.affaires.etrangeres",
        "sgmas",
    }
    assert {"recrutement"} == {t.id for t in found.topics}


def test_an_empty_query_keeps_everything(page: Annuaire) -> None:
    assert page.filtered("   ").entries == page.entries


def test_no_email_unless_public(catalog: Catalog) -> None:
    hidden = small(catalog, {13: "    mattermost: camille.exemple\n    email: c@example.org"})
    shown = small(
        catalog,
        {13: "    mattermost: camille.exemple\n    email: c@example.org\n    public_email: true"},
    )
    assert "c@example.org" not in html(hidden)
    assert annuaire(hidden, today=TODAY).person("camille").email is None
    assert 'href="mailto:c@example.org"' in html(shown)


def test_fictional_people_are_flagged(registry: Registry, catalog: Catalog) -> None:
    assert "fictive</span>" in html(registry)
    assert "Les personnes marquées" in html(registry)
    assert "fictive" not in html(small(catalog, {}))  # nobody fictional in the small one


def test_absences_say_until_when_and_who_stands_in(catalog: Catalog) -> None:
    away = small(catalog, {14: "    backup: dominique\n    absent_until: 2026-12-15"})
    camille = annuaire(away, today=TODAY).person("camille")
    assert (camille.away_until, camille.stand_in) == (
        away.animators["camille"].absent_until,
        "Dominique Exemple",
    )
    assert "jusqu'au 15 décembre 2026 inclus&nbsp;; relais&nbsp;: Dominique Exemple" in html(away)


@pytest.mark.parametrize(
    "query",
    [
        '<script>alert("x")</script>',
        '" onfocus="alert(1)',
        "\u202eevil",
        "é" * 500,
    ],
)
def test_what_is_typed_is_escaped(registry: Registry, query: str) -> None:
    text = html(registry, query)
    assert "<script>alert" not in text and 'onfocus="alert' not in text
    assert text.count("<script") == 1  # the page's own, only


def test_nothing_matches_says_what_to_do(registry: Registry) -> None:
    text = html(registry, "xyzzy")
    assert "Aucun résultat pour « xyzzy »." in text
    assert '<p id="aucun" class="fr-mt-3w">' in text  # shown, not hidden
