"""The command line speaks French: argparse's own words in every help and every error,
whatever subcommands are registered, and a help text for every option."""

from __future__ import annotations

import argparse
import ast
import gettext
import inspect
import re

import pytest

from bot.cli import main
from bot.cli.french import PHRASES, PLURALS, FrenchParser


def _strings(nodes: list[ast.expr]) -> list[str]:
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _argparse_phrases() -> tuple[set[str], set[tuple[str, str]]]:
    """Every phrase the running Python's argparse asks gettext for, read from its source."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id == "_" and _strings(node.args):
            singles.add(_strings(node.args)[0])
        elif node.func.id == "_":  # `_(kwargs.pop('title', 'subcommands'))`: the default
            inner = [n for n in ast.walk(node) if isinstance(n, ast.Call) and n is not node]
            singles |= {texts[1] for c in inner if len(texts := _strings(c.args)) == 2}
        if node.func.id == "ngettext":
            singular, plural = _strings(node.args)[:2]
            plurals.add((singular, plural))
    return singles, plurals


SINGLES, PLURAL_PAIRS = _argparse_phrases()
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[rsd]")
BOTH_LANGUAGES = {"argument", "arguments"}  # words of argparse's phrases that are French too
VERSION_HELP = "show program's version number and exit"


def _english_fragments() -> set[str]:
    """The words of argparse's phrases that its French ones do not share: « usage: »,
    « error: », « show this help message and exit », « (choose from »…"""
    french_of = dict(PHRASES)
    for (singular, plural), (one, several) in PLURALS.items():
        french_of |= {singular: one, plural: several}
    # In 3.11 the version's help is English, never asked of gettext.
    english = SINGLES | {p for pair in PLURAL_PAIRS for p in pair} | {VERSION_HELP}
    found = set()
    for msgid in english:
        french = french_of.get(msgid, "")
        for piece in PLACEHOLDER.split(msgid):
            piece = piece.strip().lstrip(": ")
            letters = sum(c.isalpha() for c in piece)
            if letters >= 4 and piece not in french and piece not in BOTH_LANGUAGES:
                found.add(piece)
    return found


ENGLISH = _english_fragments()


def assert_french(text: str) -> None:
    """No English phrase of argparse in `text`, as whole words (« invalide » is French)."""
    left = sorted(f for f in ENGLISH if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text))
    assert not left, f"English left: {left}\n{text}"


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (choices,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(choices.choices)


def test_every_phrase_of_this_pythons_argparse_has_its_french() -> None:
    assert {"usage: ", "%(prog)s: error: %(message)s\n", "options"} <= SINGLES
    assert SINGLES - set(PHRASES) == set()
    assert PLURAL_PAIRS - set(PLURALS) == set()
    assert {"usage:", "error:", "show this help message and exit", "(choose from"} <= ENGLISH


def test_the_help_of_the_program_and_of_every_subcommand_is_french() -> None:
    parser = main._parser()
    helps = {"": parser.format_help()}
    helps |= {name: sub.format_help() for name, sub in subcommands(parser).items()}
    assert len(helps) >= 10
    for name, text in helps.items():
        assert text.startswith(f"utilisation : animation-bot {name}".rstrip()), text
        assert "options\u00a0:\n  -h, --help" in text and "affiche cette aide" in text
        assert_french(text)


def test_every_option_of_every_subcommand_says_what_it_is_for() -> None:
    for name, sub in subcommands(main._parser()).items():
        for action in sub._actions:
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        ([], "animation-bot : erreur : il manque : COMMANDE"),
        (["servir"], "animation-bot : erreur : COMMANDE : choix inconnu : 'servir' (au choix"),
        (
            ["serve", "--port", "abc"],
            "serve : erreur : --port : « abc » n'est pas un nombre entier",
        ),
        (["install"], "animation-bot install : erreur : il manque : --team"),
        (["ask", "--user"], "animation-bot ask : erreur : --user : il faut lui donner une valeur"),
        (["validate", "--format", "x"], "--format : choix inconnu : 'x' (au choix : 'text', "),
        (["doctor", "--bla"], "animation-bot : erreur : arguments inconnus : --bla"),
        (["serve", "--h"], "option ambiguë : --h peut désigner --help, --host"),
        (["serve", "--dev=oui"], "--dev : valeur 'oui' en trop : cette option n'en prend pas"),
    ],
)
def test_mistakes_are_told_in_french(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main._parser().parse_args(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("utilisation : animation-bot") and said in err, err
    assert_french(err)


def test_a_subcommand_registered_later_speaks_french_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = FrenchParser(prog="animation-bot")
    sub = parser.add_subparsers(dest="command", title="commandes")
    later = sub.add_parser("purge", help="efface ce qui est trop vieux")  # as `register(sub)`
    later.add_argument("--avant", nargs=2, type=float, help="deux dates")
    parser.add_argument("--version", action="version", version="1.0")
    assert isinstance(later, FrenchParser)
    assert "--version   affiche la version, puis s'arrête" in parser.format_help()
    assert "\ncommandes\u00a0:\n" in parser.format_help()
    with pytest.raises(SystemExit):
        parser.parse_args(["purge", "--avant", "1,5"])
    err = capsys.readouterr().err
    assert err.endswith("animation-bot purge : erreur : --avant : il lui faut 2 valeurs\n"), err
    assert parser.parse_args(["purge", "--avant", "1,5", "2"]).avant == [1.5, 2.0]
    assert_french(parser.format_help() + later.format_help() + err)


def test_argparse_is_left_as_it_was_for_everyone_else() -> None:
    main._parser().format_help()
    assert vars(argparse)["_"] is gettext.gettext
    assert vars(argparse)["ngettext"] is gettext.ngettext
    english = argparse.ArgumentParser(prog="x").format_help()
    assert english.startswith("usage: x [-h]")
    with pytest.raises(AssertionError, match="show this help message and exit"):
        assert_french(english)  # what the check looks for is there, in English
