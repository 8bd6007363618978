from __future__ import annotations

from datetime import date

from bot.core.registry.yamlsafe import MAX_YAML_BYTES, read_yaml


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
    assert document.data is None
    assert document.problems[0].line == 1
    assert "ancres" in document.problems[0].message


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
