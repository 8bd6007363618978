"""Every bad byte or character of a registry gets its line, its name and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.registry import characters
from bot.core.registry.catalog import Catalog
from bot.core.registry.characters import MAX_LINES, decode, forbidden
from bot.core.registry.model import RegistryError, build_registry, read_registry_text
from bot.core.registry.yamlsafe import read_yaml
from tests.registries import BASE, TODAY

FIX = "supprime-le ou remplace-le"

# (character, how it is named): every kind PyYAML refuses, and the invisible ones it takes.
BAD = [
    ("\x00", "U+0000 (NUL)"),
    ("\x01", "U+0001 (SOH)"),
    ("\x0b", "U+000B (VT)"),
    ("\x0c", "U+000C (FF)"),
    ("\x1b", "U+001B (ESC)"),
    ("\x1f", "U+001F (US)"),
    ("\x7f", "U+007F (DEL)"),
    ("\x80", "U+0080 (PAD)"),
    ("\x85", "U+0085 (NEL)"),
    ("\x9b", "U+009B (CSI)"),
    ("\x9f", "U+009F (APC)"),
    ("\ufffe", "U+FFFE (non-caractère)"),
    ("\uffff", "U+FFFF (non-caractère)"),
    ("\ud800", "U+D800 (demi-codet isolé)"),
    ("\udfff", "U+DFFF (demi-codet isolé)"),
    (
        "\ufeff",
        "U+FEFF (BOM, marque d'ordre des octets, permise seulement au tout début du fichier)",
    ),
    ("\u2028", "U+2028 (séparateur de ligne Unicode)"),
    ("\u2029", "U+2029 (séparateur de paragraphe Unicode)"),
    ("\u202e", "U+202E (contrôle de sens d'écriture, invisible)"),
    ("\u2066", "U+2066 (contrôle de sens d'écriture, invisible)"),
]
# Where it is written: (text with X for the character, line, column, what is read without it).
PLACES = [
    ("a: 1\nb: vX\n", 2, 5, {"a": 1, "b": "v"}),  # a value
    ("a: 1\nbX: v\n", 2, 2, {"a": 1, "b": "v"}),  # a key
    ("a: 1 # un commentaire X\n", 1, 23, {"a": 1}),  # a comment
    ("# en-tête\n\na:\n  - 'X'\n", 4, 6, {"a": [""]}),  # a quoted item
]


@pytest.mark.parametrize(("char", "name"), BAD)
@pytest.mark.parametrize(("template", "line", "column", "rest"), PLACES)
def test_a_forbidden_character_is_named_with_its_line(
    char: str, name: str, template: str, line: int, column: int, rest: object
) -> None:
    document = read_yaml(template.replace("X", char))
    assert [(p.line, p.message) for p in document.problems] == [
        (line, f"caractère interdit {name} en colonne {column} : {FIX}")
    ]
    assert document.data == rest  # the rest of the file is read, to report all its problems


def test_every_line_at_fault_is_reported_in_one_pass() -> None:
    text = "# \x00 en tête\na: 1\nb: \x1b[1m\x1b[0m et \x00\nc: ok\n# \x7f\n"
    assert [(p.line, p.message) for p in read_yaml(text).problems] == [
        (1, f"caractère interdit U+0000 (NUL) en colonne 3 : {FIX}"),
        (
            3,
            "caractères interdits U+001B (ESC) en colonne 4, U+0000 (NUL) en colonne 16 : "
            "supprime-les ou remplace-les",
        ),
        (5, f"caractère interdit U+007F (DEL) en colonne 3 : {FIX}"),
        # Then the file is read without them: what would still be wrong comes out too.
        (
            3,
            "erreur de syntaxe YAML : la liste ouverte par « [ » ligne 3 n'est pas fermée par "
            "« ] »",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\r\nb: 2\r\nc: \x00\r\n", 3),  # Windows line ends
        ("a: 1\rb: 2\rc: \x00\r", 3),  # old Mac line ends, as YAML counts them
        ("a: |\n  x\n\n\n  y\x00\n", 5),
    ],
)
def test_lines_are_counted_as_yaml_counts_them(text: str, line: int) -> None:
    assert [p.line for p in read_yaml(text).problems] == [line]


@pytest.mark.parametrize(
    "text", ["\ufeffa: 1\n", 'a: "une\ttabulation"\n', "a: « é ü 中 🙂 » \u00a0\n"]
)
def test_what_yaml_and_people_write_is_accepted(text: str) -> None:
    assert read_yaml(text).problems == []


def test_a_binary_file_is_summed_up_after_a_few_lines() -> None:
    problems = forbidden("".join(f"\x00\x01{i}\n" for i in range(300)))
    assert len(problems) == MAX_LINES + 1
    assert problems[-1].line == MAX_LINES + 1
    assert problems[-1].message.startswith("et 280 autres lignes avec des caractères interdits")


def test_what_pyyaml_refuses_is_never_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.core.registry.yamlsafe.forbidden", lambda text: [])
    (problem,) = read_yaml("a: 1\nb: x\x1by\n").problems
    assert (problem.line, problem.message) == (
        2,
        f"caractère interdit U+001B (ESC) en colonne 5 : {FIX}",
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"x: caf\xe9\n", "octet 0xE9 invalide en UTF-8, en colonne 7"),  # Latin-1
        (b"x: \xff\xfe\n", "octets 0xFF 0xFE invalides en UTF-8, en colonne 4"),
        (b"x: \xc0\x80\n", "octets 0xC0 0x80 invalides en UTF-8, en colonne 4"),  # overlong NUL
        (b"x: \xed\xa0\x80\n", "octets 0xED 0xA0 0x80 invalides en UTF-8, en colonne 4"),
        (b"x: ok \xe2\x82", "octets 0xE2 0x82 invalides en UTF-8, en colonne 7"),  # cut short
    ],
)
def test_bytes_that_are_not_utf8_are_named(raw: bytes, message: str) -> None:
    _, problems = decode(b"a: 1\n" + raw)
    assert [(p.line, p.message.split(" : ")[0]) for p in problems] == [(2, message)]
    assert problems[0].message.endswith(
        " : enregistre le fichier en UTF-8 (souvent, un accent saisi dans un autre encodage)"
    )


def test_bad_bytes_and_characters_of_a_file_all_come_out(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(b"# \xe9t\xe9\n" + BASE.encode() + b"# \x00 \xe9\n")
    end = BASE.count("\n") + 2
    with pytest.raises(RegistryError) as raised:
        read_registry_text(path)
    assert [line.split(" : ")[0] for line in raised.value.lines()] == [
        f"{path}:1: octets 0xE9 0xE9 invalides en UTF-8, en colonne 3",
        f"{path}:{end}: caractère interdit U+0000 (NUL) en colonne 3",
        f"{path}:{end}: octet 0xE9 invalide en UTF-8, en colonne 5",
    ]


def test_a_utf8_file_with_a_control_character_is_refused_by_build(
    tmp_path: Path, catalog: Catalog
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(BASE.replace("Camille Exemple", "Camille\x1b[31m Exemple"), encoding="utf-8")
    with pytest.raises(RegistryError) as raised:
        build_registry(read_registry_text(path), catalog=catalog, today=TODAY, path=path)
    assert raised.value.lines() == [
        f"{path}:12: caractère interdit U+001B (ESC) en colonne 18 : {FIX}"
    ]


def test_every_c0_and_c1_control_has_a_name() -> None:
    names = [characters.describe(code) for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
    assert all("(caractère de contrôle)" not in name for name in names)
    assert len(set(names)) == len(names)
