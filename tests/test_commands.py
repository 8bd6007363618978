"""What the bot answers, as a transcript: (what the person types, what the reply must say)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.commands import NOT_SHARED, Invocation, canonical, respond
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import build_registry
from bot.core.reply import Reply
from bot.mattermost.render import MattermostRenderer
from tests.fakes import FakeClock, MemoryRequestStore
from tests.registries import BASE, edit

TODAY = date(2026, 11, 29)
ALICE = Account("mattermost", "id-alice", "alice")


def ask(
    directory: Directory, typed: str, *, today: date = TODAY, desk: Desk | None = None
) -> Reply:
    """The reply, as a Mattermost user reads it (a desk of its own unless given one)."""
    if desk is None:
        store = MemoryRequestStore()
        desk = Desk(store, store, FakeClock(), ("mattermost",))
    reply = respond(directory, Invocation(typed, ALICE, today, desk))
    shown = MattermostRenderer(lambda: directory.registry).text(reply.text)
    assert "\ue000" not in shown  # every placeholder rendered
    return Reply(shown, reply.visibility, reply.data, reply.choices, reply.form, reply.submitted)


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
        ["**L'Incubateur des Territoires (ANCT)** est suivi par @dominique.exemple"],
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
    ("contact", ["dinum@beta.gouv.fr", "~incubateur-animation", "préfère un message direct"]),
    ("engagements", ["**Les engagements de l'équipe d'animation**", "au service de la communauté"]),
    ("quii domifa", ["L'équipe **DomiFa** est suivie par"]),  # what was meant is clear
    ("quii xyzzy", ["Je ne connais pas la commande « `quii` » : tu voulais dire `qui` ?"]),
    ("domifa", ["L'équipe **DomiFa** est suivie par"]),  # a `qui` without the word
    ("xyz", ["Je ne connais pas la commande « `xyz` » : voici ce que je sais faire."]),
    (
        "demande",
        ["Quel est le sujet de ta demande ?", "- `convention` (ou ", "- 🔒 `mal-être` (ou "],
    ),
    ("demande cosmonaute", ["Je ne connais pas ce type de demande", "`convention`"]),
    ("demande convention", ["`/animation demande convention <ton équipe> : <ta demande>`"]),
    ("demande je me sens mal", ["`/animation demande mal-être <personne>", "🔒 Seule la personne"]),
    (
        "mes-demandes",
        ["Tu n'as pas encore fait de demande. Pour en faire une : `/animation demande`"],
    ),
    ("qui @all", ["Dis-moi quelle équipe"]),  # a ping is no name: nothing is echoed
]


@pytest.mark.parametrize(
    ("typed", "expected"), TRANSCRIPT, ids=[t[0] or "(vide)" for t in TRANSCRIPT]
)
def test_transcript(directory: Directory, typed: str, expected: list[str]) -> None:
    reply = ask(directory, typed)
    for fragment in expected:
        assert fragment in reply.text
    assert reply.visibility != "shared"


def test_placeholder_people_are_flagged(directory: Directory) -> None:
    assert "Personne fictive" in ask(directory, "qui anct").text


def test_share_flag_makes_the_answer_public(directory: Directory) -> None:
    reply = ask(directory, "qui anct --partager")
    assert reply.visibility == "shared"
    assert "--partager" not in reply.text and "@dominique.exemple" in reply.text
    assert NOT_SHARED not in reply.text


@pytest.mark.parametrize(
    "typed",
    [
        "mes-demandes --partager",
        "demande --partager",
        "demande mal-etre --partager",
        "--partager demande je me sens mal",
        "demande manquement claude exemple appel --partager",
        "demande convention domifa : la convention bloque --partager",
        "demande convention plancton : x --partager",
        "demande cosmonaute --partager",
    ],
)
def test_what_concerns_a_request_is_never_shared(
    directory: Directory, clock: FakeClock, typed: str
) -> None:
    store = MemoryRequestStore()
    desk = Desk(store, store, clock, ("mattermost",))
    ask(directory, "demande mal-etre sacha tchap", desk=desk)  # a confidential request of hers
    reply = ask(directory, typed, desk=desk)
    assert reply.visibility == "private"
    assert reply.text.startswith(NOT_SHARED)
    assert "--partager" not in reply.text.removeprefix(NOT_SHARED)


@pytest.mark.parametrize(
    ("typed", "named"),
    [("--partager mes-demandes", "mesdemandes"), ("qui --partager x", "qui"), ("--partager", "")],
)
def test_the_share_flag_hides_no_subcommand(typed: str, named: str) -> None:
    """Logs, metrics and the choice to run off the event loop read the subcommand."""
    assert canonical(typed) == named


def test_long_text_is_refused_politely(directory: Directory) -> None:
    reply = ask(directory, "qui " + "x" * 10_000)
    assert "trop longue" in reply.text


def test_data_gives_candidates_for_programs(directory: Directory) -> None:
    reply = ask(directory, "qui friches")
    assert reply.data["status"] == "ambiguous"
    ids = [c["id"] for c in reply.data["candidates"]]  # type: ignore[attr-defined]
    assert "urbanvitaliz" in ids


def test_absent_referent_and_backup_are_shown(catalog: Catalog) -> None:
    text = edit({13: "    mattermost: camille.exemple\n    absent_until: 2026-12-15"})
    registry = build_registry(
        text, catalog=catalog, today=TODAY, path=__import__("pathlib").Path("t.yaml")
    )
    reply = ask(Directory.of(registry), "qui aides territoires")
    assert "@camille.exemple n'est pas disponible jusqu'au 15 décembre 2026 inclus" in reply.text
    assert "@dominique.exemple (Dominique Exemple) prend le relais" in reply.text
    later = ask(Directory.of(registry), "qui aides territoires", today=date(2026, 12, 16))
    assert "pas disponible" not in later.text


def test_team_without_anyone_gets_the_contact(catalog: Catalog) -> None:
    registry = build_registry(
        BASE, catalog=catalog, today=TODAY, path=__import__("pathlib").Path("t.yaml")
    )
    reply = ask(Directory.of(registry), "qui domifa")
    assert "Personne n'est encore désigné pour l'équipe **DomiFa**" in reply.text
    assert "dinum@beta.gouv.fr" in reply.text
