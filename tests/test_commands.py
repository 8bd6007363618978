"""What the bot answers, as a transcript: (what the person types, what the reply must say)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.commands import Invocation, respond
from bot.core.matching.directory import Directory
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import build_registry
from tests.test_validation import BASE, edit

TODAY = date(2026, 11, 29)

TRANSCRIPT = [
    (
        "",
        [
            "**/animation**",
            "`/animation qui <équipe, incubateur ou sujet>`",
            "`/animation contact`",
        ],
    ),
    ("aide", ["`/animation engagements`", "--partager"]),
    ("AIDE", ["`/animation engagements`"]),
    (
        "qui aides territoires",
        [
            "L'équipe **Aides-territoires** est suivie par @dominique.exemple (Dominique Exemple).",
            "https://beta.gouv.fr/startups/aides-territoires.html",
            "Phase : accélération",
        ],
    ),
    (
        "qui domifa",
        [
            "est suivie par @sacha.exemple",
            "Pas de référent direct pour cette équipe : "
            "c'est la personne référente de l'incubateur",
            "Fabrique numérique des ministères sociaux",
        ],
    ),
    ("qui tps", ["**Démarche Numérique** (anciennement « tps »)", "@camille.exemple"]),
    (
        "qui anct",
        ["L'incubateur **L'Incubateur des Territoires (ANCT)** est suivi par @dominique.exemple"],
    ),
    ("qui achats", ["Le sujet **Marchés publics de la DINUM** est suivi par @alex.exemple"]),
    ("qui friches", ["Plusieurs noms correspondent à « `friches` »", "1. ", "2. ", "Précise"]),
    (
        "qui plancton",
        [
            "Je ne trouve ni équipe, ni incubateur, ni sujet qui corresponde à « `plancton` ».",
            "dinum@beta.gouv.fr ou ~incubateur-animation",
        ],
    ),
    ("qui", ["Dis-moi quelle équipe"]),
    ("contact", ["dinum@beta.gouv.fr", "~incubateur-animation", "Tchap"]),
    ("engagements", ["**Les engagements de l'équipe d'animation**", "au service de la communauté"]),
    ("quii domifa", ["Je ne connais pas la commande « `quii` » : tu voulais dire `qui` ?"]),
    ("domifa", ["tu voulais dire `/animation qui domifa` ?"]),
    ("xyz", ["Je ne connais pas la commande « `xyz` » : voici ce que je sais faire."]),
    ("demande", ["Quel est le sujet de ta demande ?", "- `convention` : ", "- 🔒 `mal-etre` : "]),
    ("demande cosmonaute", ["Je ne connais pas ce type de demande", "`convention`"]),
    ("demande convention", ["`/animation demande convention <ton équipe> : <ta demande>`"]),
    ("demande je me sens mal", ["`/animation demande mal-etre <personne>", "🔒 Seule la personne"]),
    ("mes-demandes", ["Le suivi des demandes n'est pas disponible ici"]),
    ("qui @all", ["« `@\u200ball` »"]),
]


@pytest.mark.parametrize(
    ("typed", "expected"), TRANSCRIPT, ids=[t[0] or "(vide)" for t in TRANSCRIPT]
)
def test_transcript(directory: Directory, typed: str, expected: list[str]) -> None:
    reply = respond(directory, Invocation(typed, "alice", TODAY))
    for fragment in expected:
        assert fragment in reply.text
    assert not reply.public


def test_placeholder_people_are_flagged(directory: Directory) -> None:
    reply = respond(directory, Invocation("qui anct", "alice", TODAY))
    assert "Personne fictive" in reply.text


def test_share_flag_makes_the_answer_public(directory: Directory) -> None:
    reply = respond(directory, Invocation("qui anct --partager", "alice", TODAY))
    assert reply.public
    assert "--partager" not in reply.text and "@dominique.exemple" in reply.text


def test_long_text_is_refused_politely(directory: Directory) -> None:
    reply = respond(directory, Invocation("qui " + "x" * 10_000, "alice", TODAY))
    assert "trop longue" in reply.text


def test_data_gives_candidates_for_programs(directory: Directory) -> None:
    reply = respond(directory, Invocation("qui friches", "alice", TODAY))
    assert reply.data["status"] == "ambiguous"
    ids = [c["id"] for c in reply.data["candidates"]]  # type: ignore[attr-defined]
    assert "urbanvitaliz" in ids


def test_absent_referent_and_backup_are_shown(catalog: Catalog) -> None:
    text = edit({13: "    mattermost: camille.exemple\n    absent_until: 2026-12-15"})
    registry = build_registry(
        text, catalog=catalog, today=TODAY, path=__import__("pathlib").Path("t.yaml")
    )
    reply = respond(Directory.of(registry), Invocation("qui aides territoires", "alice", TODAY))
    assert "@camille.exemple n'est pas disponible jusqu'au 15 décembre 2026 inclus" in reply.text
    assert "@dominique.exemple (Dominique Exemple) prend le relais" in reply.text
    later = respond(
        Directory.of(registry), Invocation("qui aides territoires", "alice", date(2026, 12, 16))
    )
    assert "pas disponible" not in later.text


def test_team_without_anyone_gets_the_contact(catalog: Catalog) -> None:
    registry = build_registry(
        BASE, catalog=catalog, today=TODAY, path=__import__("pathlib").Path("t.yaml")
    )
    reply = respond(Directory.of(registry), Invocation("qui domifa", "alice", TODAY))
    assert "Personne n'est encore désigné pour l'équipe **DomiFa**" in reply.text
    assert "dinum@beta.gouv.fr" in reply.text
