"""`referents.yaml` validation: each broken file gets a French message on the right line."""

from __future__ import annotations

import pytest

from bot.core.registry.catalog import Catalog
from bot.core.registry.validation import validate_text
from tests.registries import BASE, TODAY, edit

# (what is broken, the edit, the line the message must name, a part of the message)
BROKEN: list[tuple[str, dict[int, str | None], int, str]] = [
    (
        "unknown key",
        {12: "    nmae: Camille"},
        12,
        "clé inconnue « nmae » (tu voulais dire « name » ?)",
    ),
    (
        "no way to reach someone",
        {13: None},
        11,
        "animators › camille : indique au moins un moyen de joindre cette personne, "
        "« mattermost » ou « tchap »",
    ),
    ("missing field", {12: None}, 11, "champ obligatoire « name » manquant"),
    (
        "Tchap id without its server",
        {13: '    tchap: "@camille.exemple"'},
        13,
        "identifiant Tchap « @camille.exemple » invalide",
    ),
    (
        "Tchap id twice",
        {
            13: '    tchap: "@camille:agent.tchap.gouv.fr"',
            17: '    tchap: "@camille:agent.tchap.gouv.fr"',
        },
        17,
        "identifiant Tchap « @camille:agent.tchap.gouv.fr » en double (déjà ligne 13)",
    ),
    (
        "missing section",
        {n: None for n in range(29, 41)},
        1,
        "champ obligatoire « categories » manquant",
    ),
    ("duplicate id", {15: "  - id: camille"}, 15, "personne « camille » en double (déjà ligne 11)"),
    (
        "duplicate YAML key",
        {12: "    name: Camille\n    name: Autre"},
        13,
        "clé « name » en double",
    ),
    ("unknown animator", {20: "    referents: [camile]"}, 20, "personne « camile » inconnue"),
    (
        "unknown startup",
        {19: "  - startup: aides-teritoires"},
        19,
        "tu voulais dire « aides-territoires » ?",
    ),
    (
        "unknown incubator",
        {23: "  - incubator: ancte"},
        23,
        "incubateur « ancte » inconnu de beta.gouv.fr",
    ),
    (
        "former startup id",
        {19: "  - startup: tps"},
        19,
        "ancien identifiant : écris « demarches-simplifiees.fr »",
    ),
    (
        "own backup",
        {14: "    backup: camille"},
        14,
        "ne peut pas être sa propre personne de relais",
    ),
    ("unknown backup", {14: "    backup: dominik"}, 14, "personne de relais « dominik » inconnue"),
    (
        "backup away too",
        {
            13: "    mattermost: camille.exemple\n    absent_until: 2026-12-31",
            17: "    mattermost: dominique.exemple\n"
            "    absent_until: 2026-12-20\n    backup: camille",
        },
        15,
        "animators › camille › backup : « camille » est indisponible jusqu'au 31 décembre 2026, "
        "et ses relais aussi : « dominique » jusqu'au 20 décembre 2026, puis le relais revient "
        "à « camille » : personne ne peut recevoir ses demandes",
    ),
    ("YAML 1.1 boolean", {31: "    label: no"}, 31, "« no » est lu comme un booléen"),
    (
        "number for text",
        {12: "    name: 1.10"},
        12,
        '« 1.10 » est lu comme un nombre ou une date par YAML : écris-le entre guillemets, "1.10"',
    ),
    (
        "alias claimed twice",
        {24: "    referents: [dominique]\n    aliases: [at]"},
        25,
        "l'alias « at » est déjà pris par « aides-territoires »",
    ),
    (
        "alias is another team's name",
        {21: "    aliases: [Domifa]"},
        21,
        "est déjà le nom de « domifa »",
    ),
    ("bad date", {14: "    absent_until: 15/12/2026"}, 14, "date au format AAAA-MM-JJ"),
    ("YAML alias", {28: "    referents: *people"}, 28, "les alias YAML"),
    ("YAML anchor", {20: "    referents: &people [camille]"}, 20, "les ancres YAML"),
    (
        "topic routing without topic",
        {33: "    routing: topic"},
        33,
        "« routing: topic » demande aussi « topic",
    ),
    (
        "unknown topic",
        {33: "    routing: topic\n    topic: marches"},
        34,
        "sujet « marches » inconnu",
    ),
    (
        "confidential asks the story",
        {40: "    fields: [animator, contact_method, details]"},
        40,
        "ne demande pas le récit",
    ),
    ("confidential without choice", {38: "    routing: team"}, 38, "« routing: choice »"),
    (
        "unknown routing",
        {33: "    routing: equipe"},
        33,
        "valeur « equipe » non prévue pour « routing »",
    ),
    (
        "unknown field",
        {34: "    fields: [team, sujet]"},
        34,
        "valeur « sujet » non prévue pour « fields »",
    ),
    (
        "bad Mattermost name",
        {13: "    mattermost: '@camille'"},
        13,
        "identifiant Mattermost « @camille » invalide",
    ),
    ("list expected", {20: "    referents: camille"}, 20, "doit être une liste"),
    ("bad id", {11: "  - id: Camille Exemple"}, 11, "identifiant « Camille Exemple » invalide"),
    ("bad URL", {5: "  page: doc.incubateur.net"}, 5, "elle doit commencer par https://"),
    ("tab indentation", {12: "\tname: Camille"}, 12, "tabulation"),
    ("syntax error", {31: "    label: [Convention"}, 32, "erreur de syntaxe YAML"),
]


@pytest.mark.parametrize(("what", "changes", "line", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_registry_names_the_line(
    catalog: Catalog, what: str, changes: dict[int, str | None], line: int, message: str
) -> None:
    data, problems = validate_text(edit(changes), catalog=catalog, today=TODAY)
    assert data is None, what
    found = [(p.line, p.message) for p in problems]
    assert any(p.line == line and message in p.message for p in problems), found


def test_base_is_valid(catalog: Catalog) -> None:
    data, problems = validate_text(BASE, catalog=catalog, today=TODAY)
    assert problems == []
    assert data is not None and [a.id for a in data.animators] == ["camille", "dominique"]


def test_empty_file(catalog: Catalog) -> None:
    data, problems = validate_text("", catalog=catalog, today=TODAY)
    assert data is None
    assert [(p.line, p.message) for p in problems] == [(1, "le fichier est vide")]


def test_mutual_backups_are_fine_when_someone_is_there(catalog: Catalog) -> None:
    text = edit({17: "    mattermost: dominique.exemple\n    backup: camille"})
    assert validate_text(text, catalog=catalog, today=TODAY)[1] == []


def test_past_absence_is_not_a_problem(catalog: Catalog) -> None:
    text = edit(
        {
            13: "    mattermost: camille.exemple\n    absent_until: 2026-01-31",
            17: "    mattermost: dominique.exemple\n    absent_until: 2026-01-20",
        }
    )
    assert validate_text(text, catalog=catalog, today=TODAY)[1] == []


def test_every_problem_of_a_file_is_reported_at_once(catalog: Catalog) -> None:
    text = edit({12: "    nmae: Camille", 31: "    label: off", 33: "    routing: equipe"})
    _, problems = validate_text(text, catalog=catalog, today=TODAY)
    assert [p.line for p in problems] == [12, 31, 33]


def test_a_misspelt_key_is_not_also_reported_missing(catalog: Catalog) -> None:
    _, problems = validate_text(edit({12: "    nmae: Camille"}), catalog=catalog, today=TODAY)
    assert [(p.line, p.message) for p in problems] == [
        (12, "animators › camille : clé inconnue « nmae » (tu voulais dire « name » ?)")
    ]


def test_messages_are_french_not_pydantic(catalog: Catalog) -> None:
    for _, changes, _, _ in BROKEN:
        for problem in validate_text(edit(changes), catalog=catalog, today=TODAY)[1]:
            assert "Input should" not in problem.message
            assert "Field required" not in problem.message


# (a broken file of BROKEN, how its message names the key or the character at fault)
NAMED = [
    ("unknown key", "animators › camille : clé inconnue « nmae »"),
    ("missing field", "animators › camille : champ obligatoire « name » manquant"),
    ("Tchap id without its server", "animators › camille › tchap : "),
    ("unknown startup", "teams › aides-teritoires › startup : "),
    ("unknown animator", "teams › aides-territoires › referents : personne « camile »"),
    ("bad URL", "contact › page : "),
    ("bad date", "animators › camille › absent_until : "),
    ("unknown routing", "categories › convention › routing : "),
    ("unknown field", "categories › convention › fields : valeur « sujet »"),
    ("alias claimed twice", "incubators › anct › aliases : l'alias « at »"),
    ("YAML 1.1 boolean", "categories › convention › label : « no »"),
    ("duplicate YAML key", "clé « name » en double"),
    ("YAML alias", "les alias YAML (« *people »)"),
    ("tab indentation", "tabulation en colonne 1 interdite"),
    ("syntax error", "la liste ouverte par « [ » ligne 31 n'est pas fermée par « ] »"),
]


@pytest.mark.parametrize(("what", "named"), NAMED, ids=[n[0] for n in NAMED])
def test_messages_name_the_key_or_the_character_at_fault(
    catalog: Catalog, what: str, named: str
) -> None:
    _, changes, line, _ = next(b for b in BROKEN if b[0] == what)
    _, problems = validate_text(edit(changes), catalog=catalog, today=TODAY)
    at_line = [p.message for p in problems if p.line == line]
    assert any(named in message for message in at_line), at_line


def test_an_alias_is_named_once_not_again_as_a_missing_value(catalog: Catalog) -> None:
    _, problems = validate_text(edit({28: "    referents: *people"}), catalog=catalog, today=TODAY)
    assert [p.message[:31] for p in problems] == ["les alias YAML (« *people ») ne"]
