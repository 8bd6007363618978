from __future__ import annotations

from datetime import date

import pytest
import yaml

from bot.core.registry import yamlsafe
from bot.core.registry.yamlsafe import MAX_YAML_BYTES, read_yaml
from tests.registries import BASE


def test_values_keep_their_lines() -> None:
    document = read_yaml("a: 1\nb:\n  - x\n  - y: 2\n")
    assert document.data == {"a": 1, "b": ["x", {"y": 2}]}
    assert document.lines[("a",)] == 1
    assert document.lines[("b", 1)] == 4
    assert document.lines[("b", 1, "y")] == 4
    assert document.line_of(("b", 1, "missing")) == 4


def test_dates_and_booleans_are_typed_and_booleans_remembered() -> None:
    document = read_yaml("d: 2026-12-15\nflag: no\n")
    assert document.data == {"d": date(2026, 12, 15), "flag": False}
    assert document.typed == {("d",): "2026-12-15", ("flag",): "no"}


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    document = read_yaml(bomb)
    assert document.data == {"a": ["x"] * 9, "b": [None] * 9}  # never expanded
    assert document.problems[0].line == 1
    assert "ancres" in document.problems[0].message
    assert {p.message[:24] for p in document.problems[1:]} == {
        "les ancres YAML (« &b »)",
        "les alias YAML (« *a ») ",
    }


def test_alias_alone_is_refused() -> None:
    document = read_yaml("a: 1\nb: *nothing\n")
    assert document.problems and document.problems[0].line == 2


def test_duplicate_keys_name_both_lines() -> None:
    document = read_yaml("a: 1\nb: 2\na: 3\n")
    assert [(p.line, p.message) for p in document.problems] == [
        (3, "clé « a » en double (déjà présente ligne 1)")
    ]


def test_python_tags_are_refused_and_nothing_runs() -> None:
    document = read_yaml("a: !!python/object/apply:os.system ['echo pwned']\n")
    assert document.problems
    assert document.problems[0].line == 1


def test_oversize_file_is_refused() -> None:
    document = read_yaml("a: " + "x" * (MAX_YAML_BYTES + 1))
    assert "trop gros" in document.problems[0].message


def test_syntax_error_names_its_line_in_french() -> None:
    document = read_yaml("a: 1\nb: [unclosed\nc: 2\n")
    assert document.problems
    assert document.problems[0].message.startswith("erreur de syntaxe YAML")


def test_tabs_get_a_precise_message() -> None:
    document = read_yaml("a:\n\t- b\n")
    assert "tabulation" in document.problems[0].message
    assert document.problems[0].line == 2


def test_deep_nesting_does_not_crash() -> None:
    document = read_yaml("[" * 5000 + "]" * 5000)
    assert document.problems


LOADERS = [yamlsafe._PythonLoader, *([yamlsafe._CLoader] if yaml.__with_libyaml__ else [])]
SYNTAX = [
    ("a:\n\t- b\n", 2, "tabulation en colonne 1 interdite, indente avec des espaces"),
    ("a: 1\n\tb: 2\n", 2, "tabulation en colonne 1 interdite, indente avec des espaces"),
    (
        "a: b: c\n",
        1,
        "« : » mal placé en colonne 5 (une valeur qui contient « : » se met entre guillemets)",
    ),
    ("a: @x\n", 1, "caractère « @ » inattendu en colonne 4, mets la valeur entre guillemets"),
    ("a: `x\n", 1, "caractère « ` » inattendu en colonne 4, mets la valeur entre guillemets"),
    (
        "a: 1\nb: [unclosed\nc: 2\n",
        3,
        "la liste ouverte par « [ » ligne 2 n'est pas fermée par « ] »",
    ),
    ("a: {b: 1\nc: 2\n", 2, "le bloc ouvert par « { » ligne 1 n'est pas fermé par « } »"),
    (
        "a:\n  b: 1\n c: 2\n",
        3,
        "en colonne 2 (« c ») : vérifie l'indentation, les « : » et les guillemets",
    ),
    ('a: "x\n', 2, "le guillemet ouvert ligne 1 n'est pas refermé"),
]


@pytest.fixture(params=LOADERS, ids=lambda loader: loader.__name__)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsafe, "_Loader", request.param)


@pytest.mark.usefixtures("loader")
@pytest.mark.parametrize(("text", "line", "message"), SYNTAX)
def test_libyaml_and_pyyaml_errors_read_the_same(text: str, line: int, message: str) -> None:
    shown = message if message.startswith("en colonne") else f": {message}"
    assert [(p.line, p.message) for p in read_yaml(text).problems] == [
        (line, f"erreur de syntaxe YAML {shown}")
    ]


@pytest.mark.usefixtures("loader")
def test_a_second_document_is_named() -> None:
    (problem,) = read_yaml("a: 1\n---\nb: 2\n").problems
    assert problem.message.startswith("un seul document YAML est attendu")


@pytest.mark.usefixtures("loader")
def test_both_parsers_give_the_same_values_and_lines() -> None:
    document = read_yaml(BASE)
    assert document.problems == []
    assert document.lines[("animators", 1, "mattermost")] == 17
    assert document.data["animators"][1]["mattermost"] == "dominique.exemple"
    assert document.typed[("version",)] == "1"
    assert read_yaml("\ufeffa: é\n").data == {"a": "é"}
