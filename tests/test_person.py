"""`qui <co-animator>`: what they follow, who stands in while they are away, and whose
backup they are; a team's exact name wins over a person's."""

from __future__ import annotations

from bot.core.matching.directory import Directory
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import build_registry
from tests.registries import BASE, TODAY, edit
from tests.test_commands import ask


def directory_of(text: str, catalog: Catalog) -> Directory:
    return Directory.of(build_registry(text, catalog=catalog, today=TODAY, path=None))  # type: ignore[arg-type]


def test_what_a_co_animator_follows(catalog: Catalog) -> None:
    text = ask(directory_of(BASE, catalog), "qui camille").text
    assert text.splitlines()[:4] == [
        "@camille.exemple (Camille Exemple) suit :",
        "- équipes : Aides-territoires",
        "- sujets : Marchés publics",
        "En son absence : @dominique.exemple.",
    ]


def test_who_stands_in_and_whose_backup_one_is(catalog: Catalog) -> None:
    away = edit({14: "    backup: dominique\n    absent_until: 2026-12-24"})
    text = ask(directory_of(away, catalog), "qui suit @camille.exemple").text
    assert "Absence jusqu'au 24 décembre 2026 inclus ; en attendant, @dominique.exemple" in text
    backing = ask(directory_of(BASE, catalog), "qui dominique").text
    assert "- incubateurs : L'Incubateur des Territoires (ANCT)" in backing
    assert "Remplace @camille.exemple pendant son absence." in backing


def test_any_name_of_the_person(catalog: Catalog) -> None:
    directory = directory_of(BASE, catalog)
    for typed in ("camille", "Camille Exemple", "@camille.exemple", "que suit camille ?"):
        assert directory.read(typed).person == "camille", typed
    assert directory.read("camil").person is None  # close is not a person: it may be a team
