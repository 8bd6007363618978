"""`validate` in one pass (issue 12): schema and consistency problems together, stand-ins
followed along their chain, the words of the request types, and every message led by the key
at fault."""

from __future__ import annotations

import pytest

from bot.core.registry.catalog import Catalog
from bot.core.registry.validation import validate_text
from tests.registries import BASE, TODAY, edit

AWAY = "    mattermost: camille.exemple\n    absent_until: 2026-12-31"  # line 13: Camille away


def people(*lines: str) -> str:
    """Dominique's line (17) followed by more people."""
    return "\n".join(["    mattermost: dominique.exemple", *lines])


def found(catalog: Catalog, changes: dict[int, str | None]) -> list[tuple[int, str, str]]:
    _, problems = validate_text(edit(changes), catalog=catalog, today=TODAY)
    return [(p.line, p.severity, p.message) for p in problems]


def test_schema_and_consistency_problems_come_out_together(catalog: Catalog) -> None:
    problems = found(
        catalog,
        {
            12: "    nmae: Camille",  # schema: an unknown key (and so a missing name)
            20: "    referents: [camile]",  # consistency: nobody of that name
            34: "    fields: [team, sujet]",  # schema
            38: "    routing: team",  # consistency: confidential, but not chosen
        },
    )
    assert [(line, message.split(" : ")[0]) for line, _, message in problems] == [
        (12, "animators › camille"),
        (20, "teams › aides-territoires › referents"),
        (34, "categories › convention › fields"),
        (38, "categories › mal-etre › routing"),
        (40, "categories › mal-etre › fields"),  # « routing: team » asks for a team
    ]


def test_someone_cited_whose_own_entry_is_broken_is_not_unknown_too(catalog: Catalog) -> None:
    problems = found(catalog, {13: "    mattermost: '@camille'"})  # Camille's entry fails
    assert [(line, message) for line, _, message in problems] == [
        (
            13,
            "animators › camille › mattermost : identifiant Mattermost « @camille » invalide : "
            "en minuscules et sans « @ » (par exemple « camille.exemple »)",
        )
    ]  # no « personne « camille » inconnue » for the team and the topic that cite her


# (what the chain of stand-ins is, the changes, what is said: (line, severity, start) or none)
CHAINS: list[tuple[str, dict[int, str | None], list[tuple[int, str, str]]]] = [
    (
        "away, the stand-in away too, and hers present: fine",
        {
            13: AWAY,
            17: people(
                "    absent_until: 2026-12-20",
                "    backup: sacha",
                "  - id: sacha",
                "    name: Sacha",
                "    mattermost: sacha",
            ),
        },
        [],
    ),
    (
        "two stand-ins away before someone present: a warning",
        {
            13: AWAY,
            17: people(
                "    absent_until: 2026-12-20",
                "    backup: sacha",
                "  - id: sacha",
                "    name: Sacha",
                "    mattermost: sacha",
                "    absent_until: 2026-12-24",
                "    backup: alex",
                "  - id: alex",
                "    name: Alex",
                "    mattermost: alex",
            ),
        },
        [
            (
                15,
                "warning",
                "animators › camille › backup : les demandes de « camille » passent par 2 relais "
                "indisponibles (« dominique » jusqu'au 20 décembre 2026, « sacha » jusqu'au 24 "
                "décembre 2026) avant d'arriver à « alex »",
            )
        ],
    ),
    (
        "everyone in the chain away: an error",
        {13: AWAY, 17: people("    absent_until: 2026-12-20")},
        [
            (
                15,
                "error",
                "animators › camille › backup : « camille » est indisponible jusqu'au 31 décembre "
                "2026, et ses relais aussi : « dominique » jusqu'au 20 décembre 2026 : personne "
                "ne peut recevoir ses demandes",
            ),
            (19, "warning", "animators › dominique › absent_until : « dominique » est"),
        ],
    ),
    (
        "a referent away with nobody to stand in: a warning",
        {14: "    backup: dominique", 17: people("    absent_until: 2026-12-20")},
        [
            (
                18,
                "warning",
                "animators › dominique › absent_until : « dominique » est indisponible jusqu'au "
                "20 décembre 2026 et personne ne prend le relais",
            )
        ],
    ),
    ("away in the past: nothing", {13: AWAY.replace("2026-12-31", "2026-01-31")}, []),
]


@pytest.mark.parametrize(("what", "changes", "said"), CHAINS, ids=[c[0] for c in CHAINS])
def test_stand_ins_are_followed_along_their_chain(
    catalog: Catalog, what: str, changes: dict[int, str | None], said: list[tuple[int, str, str]]
) -> None:
    data, problems = validate_text(edit(changes), catalog=catalog, today=TODAY)
    got = [(p.line, p.severity, p.message) for p in problems]
    assert len(got) == len(said), got
    for (line, severity, message), (want_line, want_severity, start) in zip(got, said, strict=True):
        assert (line, severity) == (want_line, want_severity), got
        assert message.startswith(start), message
    assert (data is None) is any(severity == "error" for _, severity, _ in said), what


KEYWORDS = "    fields: [team, subject, details]\n    keywords: "  # line 34, the convention's

# (what is wrong with the words of a type, the change, the line, the message)
WORDS: list[tuple[str, dict[int, str | None], int, str]] = [
    (
        "a keyword of another type",
        {
            34: KEYWORDS + "[devis]",
            40: "    fields: [animator, contact_method]\n    keywords: [devis]",
        },
        42,
        "categories › mal-etre › keywords : « devis » désigne déjà la catégorie « convention »",
    ),
    (
        "the same word, written otherwise",
        {
            34: KEYWORDS + "[Bons de commande]",
            40: "    fields: [animator, contact_method]\n    keywords: [bon-de-commande]",
        },
        42,
        "« bon-de-commande » désigne déjà la catégorie « convention »",
    ),
    (
        "another type's id",
        {34: KEYWORDS + "[mal-être]"},
        35,
        "categories › convention › keywords : « mal-être » désigne déjà la catégorie « mal-etre »",
    ),
    (
        "only small words",
        {34: KEYWORDS + "[de la]"},
        35,
        "categories › convention › keywords : « de la » n'a que des petits mots",
    ),
    ("one letter", {34: KEYWORDS + "[x]"}, 35, "« keywords » ne doit pas être vide"),
]


@pytest.mark.parametrize(("what", "changes", "line", "message"), WORDS, ids=[w[0] for w in WORDS])
def test_a_word_leads_to_one_type_only(
    catalog: Catalog, what: str, changes: dict[int, str | None], line: int, message: str
) -> None:
    data, problems = validate_text(edit(changes), catalog=catalog, today=TODAY)
    assert data is None, what
    assert any(p.line == line and message in p.message for p in problems), problems


def test_a_team_asked_for_nothing_is_a_warning(catalog: Catalog) -> None:
    changes: dict[int, str | None] = {33: "    routing: topic\n    topic: marches-publics"}
    data, problems = validate_text(edit(changes), catalog=catalog, today=TODAY)
    assert data is not None  # usable: the team is only shown to whoever receives it
    assert [(p.line, p.severity, p.message.split(" : ")[0]) for p in problems] == [
        (35, "warning", "categories › convention › fields")
    ]


def test_shipped_words_validate(catalog: Catalog) -> None:
    assert validate_text(BASE, catalog=catalog, today=TODAY)[1] == []
