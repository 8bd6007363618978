"""Issue 12's `demande` examples, through `respond` with a desk on the memory store: what is
stored (type, team, subject, contact method), and what the person reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.core.commands import Invocation, respond
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import build_registry
from bot.core.reply import Reply
from bot.mattermost.render import MattermostRenderer
from tests.fakes import FakeClock, MemoryRequestStore
from tests.registries import edit

TODAY = date(2026, 11, 29)
RECEIVED = "est enregistrée et envoyée à "

# (what is typed, what is stored: (type, team, subject, contact method), what the answer says)
SENT: list[tuple[str, tuple[str, str | None, str, str], list[str]]] = [
    (
        "demande question quel délai pour un marché ?",
        ("question-administrative", None, "quel délai pour un marché ?", ""),
        [f"Ta demande n° 1 {RECEIVED}@alex.exemple (référente ou référent du sujet"],
    ),
    (
        "demande question : quel délai ?",
        ("question-administrative", None, "quel délai ?", ""),
        ["Objet : quel délai ?"],
    ),
    (
        "demande soutien domifa : un frein à lever",
        ("soutien-dinum", "domifa", "un frein à lever", ""),
        [RECEIVED + "@sacha.exemple", "Pour l'équipe **DomiFa** · objet : un frein à lever"],
    ),
    (
        "demande devis domifa : devis bloqué",
        ("convention", "domifa", "devis bloqué", ""),
        [RECEIVED + "@sacha.exemple"],
    ),
    (
        "demande conventon domifa : convention bloquée",
        ("convention", "domifa", "convention bloquée", ""),
        [RECEIVED],
    ),
    (
        "demande convention aides territoires convention bloquée",
        ("convention", "aides-territoires", "convention bloquée", ""),
        ["Pour l'équipe **Aides-territoires** · objet : convention bloquée"],
    ),
    (
        "demande convention anct le devis de la DGCL",
        ("convention", "anct", "le devis de la DGCL", ""),
        ["Pour l'incubateur **L'Incubateur des Territoires (ANCT)** · objet : le devis"],
    ),
    (
        "demande convention l'équipe domifa convention : signée ?",
        ("convention", "domifa", "convention : signée ?", ""),
        [RECEIVED],
    ),
    (  # « work in » alone is close to nothing: the name goes on
        "demande convention work in france le devis",
        ("convention", "workinfrance", "le devis", ""),
        ["Pour l'équipe **Work in France** · objet : le devis"],
    ),
    (
        "demande convention Ma démarche BOSCO (Bourses Scolaires) le devis",
        ("convention", "bourses.scolaires", "le devis", ""),
        [RECEIVED],
    ),
    (
        "demande bon de commande domifa en retard",
        ("convention", "domifa", "en retard", ""),
        [RECEIVED],
    ),
    (
        "demande partenariat anct : une nouvelle administration",
        ("partenariat", "anct", "une nouvelle administration", ""),
        [RECEIVED + "@dominique.exemple"],
    ),
    (
        "demande mal-etre camille téléphone",
        ("mal-etre", None, "", "appel"),
        ["🔒 C'est noté (n° 1) : ta demande est envoyée à @camille.exemple seulement, en toute"],
    ),
    ("demande mal-etre camille tél", ("mal-etre", None, "", "appel"), ["(un appel)"]),
    ("demande mal camille par mail", ("mal-etre", None, "", "email"), ["(e-mail)"]),
    ("demande je me sens mal camille tchap", ("mal-etre", None, "", "tchap"), ["(Tchap)"]),
    (
        "demande manquement message privé Claude Exemple",
        ("manquement", None, "", "mattermost"),
        ["@claude.exemple"],
    ),
    ("demande harcèlement sacha visio", ("mal-etre", None, "", "appel"), ["@sacha.exemple"]),
]


@pytest.fixture
def store() -> MemoryRequestStore:
    return MemoryRequestStore()


@pytest.fixture
def desk(store: MemoryRequestStore, clock: FakeClock) -> Desk:
    return Desk(store, store, clock, ("mattermost",), triage={"mattermost": "triage"})


def run(directory: Directory, desk: Desk, text: str) -> tuple[Reply, str]:
    who = Account("mattermost", "id-alice", "alice")
    reply = respond(directory, Invocation(text, who, TODAY, desk))
    assert reply.visibility == "private"
    return reply, MattermostRenderer(lambda: directory.registry).text(reply.text)


@pytest.mark.parametrize(("typed", "stored", "said"), SENT, ids=[s[0] for s in SENT])
def test_a_request_on_one_line_is_sent(
    directory: Directory,
    desk: Desk,
    store: MemoryRequestStore,
    typed: str,
    stored: tuple[str, str | None, str, str],
    said: list[str],
) -> None:
    _, text = run(directory, desk, typed)
    request = store.get(1)
    assert request is not None, text
    assert (request.category_id, request.team_id, request.subject, request.contact_method) == (
        stored
    )
    for fragment in said:
        assert fragment in text
    assert "s'en occupe" not in text  # nobody has taken it yet: it is sent, not handled


# (what is typed, what the answer says): nothing is stored, and the answer says what to do.
NOT_SENT: list[tuple[str, list[str], str]] = [
    (
        "demande convention friches la convention",
        [
            "je ne sais pas où s'arrête le nom de ton équipe",
            "Le début peut correspondre à : Recommandations-collaboratives, UrbanVitaliz",
            "par « : », par exemple : `/animation demande convention "
            "recommandations-collaboratives : ta demande`",
            "Ce que tu as écrit, pour le reprendre : « `friches la convention` »",
        ],
        "",
    ),
    (
        "demande convention mes trucs bloqués",
        [
            "Je ne trouve ni équipe ni incubateur au début de ta demande.",
            "`/animation demande convention <ton équipe> : <ta demande>`",
        ],
        "",
    ),
    (
        "demande convention plancton : x",
        ["Je ne trouve pas cette équipe sur beta.gouv.fr", "Format : "],
        "",
    ),
    (
        "demande domifa j'ai une question sur ma convention",
        ["Ta demande peut être de plusieurs types :", "- `question` : ", "- `convention` : "],
        "choices",
    ),
    ("demande devsi domifa", ["Tu veux dire :", "- `convention` : "], "choices"),
    (
        "demande cosmonaute",
        ["Je ne connais pas ce type de demande", "`convention`, `partenariat`, `question`"],
        "choices",
    ),
    (
        "demande aides territoires : convention bloquée",
        ["J'ouvre une demande **Convention, devis, service fait** : rien n'est encore envoyé."],
        "form",
    ),
    ("demande question marché", ["`/animation demande question <ta demande>`"], "form"),
    (
        "demande je me sens mal à cause de mon chef",
        [
            "je n'ai pas reconnu la personne à qui parler ni le moyen de te joindre",
            "Camille Exemple, Dominique Exemple",
            "Ne raconte rien ici",
        ],
        "form",
    ),
    ("demande mal camille pigeon", ["je n'ai pas reconnu le moyen de te joindre"], "form"),
]


@pytest.mark.parametrize(("typed", "said", "offers"), NOT_SENT, ids=[n[0] for n in NOT_SENT])
def test_what_cannot_be_sent_says_why_and_how(
    directory: Directory,
    desk: Desk,
    store: MemoryRequestStore,
    typed: str,
    said: list[str],
    offers: str,
) -> None:
    reply, text = run(directory, desk, typed)
    assert store.requests == {}
    for fragment in said:
        assert fragment in text
    assert bool(reply.choices) is (offers == "choices")
    assert (reply.form is not None) is (offers == "form")


def test_a_confidential_story_is_never_echoed(directory: Directory, desk: Desk) -> None:
    for typed in (
        "demande je me sens mal à cause de mon chef Bérénice",
        "demande harcèlement de Bérénice depuis mars",
        "demande domifa Bérénice me harcèle, conflit",
    ):
        _, text = run(directory, desk, typed)
        assert "Bérénice" not in text and "chef" not in text and "mars" not in text


# (who is away in a small registry, what the confirmation of a request to Camille's team says)
AWAY = [
    (
        {13: "    mattermost: camille.exemple\n    absent_until: 2026-12-31"},
        [
            f"Ta demande n° 1 {RECEIVED}@dominique.exemple (",
            "@camille.exemple est indisponible jusqu'au 31 décembre 2026 inclus : "
            "c'est @dominique.exemple qui la reçoit en attendant.",
        ],
    ),
    (  # nobody stands in: the request waits for her, and the requester knows it
        {13: "    mattermost: camille.exemple\n    absent_until: 2026-12-31", 14: None},
        [
            f"Ta demande n° 1 {RECEIVED}@camille.exemple (",
            "@camille.exemple est indisponible jusqu'au 31 décembre 2026 inclus : "
            "sa réponse peut attendre son retour.",
        ],
    ),
]


@pytest.mark.parametrize(("changes", "said"), AWAY)
def test_the_confirmation_says_who_receives_it_when_someone_is_away(
    catalog: Catalog, desk: Desk, changes: dict[int, str | None], said: list[str]
) -> None:
    registry = build_registry(edit(changes), catalog=catalog, today=TODAY, path=Path("r.yaml"))
    _, text = run(Directory.of(registry), desk, "demande convention aides territoires : x")
    for fragment in said:
        assert fragment in text
