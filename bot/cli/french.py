"""The command line in French: argparse's own words (usage, help, errors) translated.

argparse asks `gettext` for each of its phrases, through two names of its module, `_` and
`ngettext`, looked up when a phrase is needed. `FrenchParser` points them at the catalog
below while one of its methods runs (and puts argparse's back after), so that nothing else
in the process is changed; the subcommands' parsers are `FrenchParser`s too, since
`add_subparsers` makes them of the parser's class. Not for use from several threads at once:
the command line parses its arguments once, before anything starts.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

NBSP = "\u00a0"  # before the colon argparse puts after a section's title, the French way

# Every phrase of argparse (Python 3.11, and those 3.12 to 3.14 add), msgid -> French.
PHRASES: dict[str, str] = {
    "usage: ": "utilisation : ",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s : attention : %(message)s\n",
    "positional arguments": "arguments",
    "options": "options",
    "subcommands": "sous-commandes",
    "show this help message and exit": "affiche cette aide, puis s'arrête",
    "show program's version number and exit": "affiche la version, puis s'arrête",
    "the following arguments are required: %s": "il manque : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix inconnu : %(value)r (au choix : %(choices)s)"
    ),
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (
        "choix inconnu : %(value)r, peut-être %(closest)r ? (au choix : %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "%(argument_name)s : %(message)s",
    "expected one argument": "il faut lui donner une valeur",
    "expected at most one argument": "il lui faut au plus une valeur",
    "expected at least one argument": "il lui faut au moins une valeur",
    "invalid %(type)s value: %(value)r": "%(value)r n'est pas une valeur valable (%(type)s)",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "not allowed with argument %s": "impossible avec %s",
    "one of the arguments %s is required": "il faut l'une de ces options : %s",
    "ignored explicit argument %r": "valeur %r en trop : cette option n'en prend pas",
    "unexpected option string: %s": "option inattendue : %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue : %(parser_name)r (au choix : %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "option '%(option)s' is deprecated": "l'option « %(option)s » est dépréciée",
    "argument '%(argument_name)s' is deprecated": "« %(argument_name)s » est déprécié",
    "command '%(parser_name)s' is deprecated": "la commande « %(parser_name)s » est dépréciée",
    # Mistakes in the program itself, not in what was typed: for its developers.
    "%r is not callable": "%r ne peut pas être appelé",
    "'required' is an invalid argument for positionals": (
        "« required » ne convient pas à un argument positionnel"
    ),
    ".__call__() not defined": ".__call__() n'est pas défini",
    'argument "-" with mode %r': "argument « - » en mode %r",
    "cannot have multiple subparser arguments": "un seul groupe de sous-commandes possible",
    "cannot merge actions - two groups are named %r": (
        "actions impossibles à fusionner : deux groupes s'appellent %r"
    ),
    "conflicting subparser alias: %s": "alias de sous-commande en double : %s",
    "conflicting subparser: %s": "sous-commande en double : %s",
    "dest= is required for options like %r": "dest= est obligatoire pour une option comme %r",
    "invalid conflict_resolution value: %r": "valeur de conflict_resolution invalide : %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "option %(option)r invalide : elle doit commencer par un caractère de %(prefix_chars)r"
    ),
    "mutually exclusive arguments must be optional": (
        "des arguments exclusifs l'un de l'autre doivent être des options"
    ),
}
# (singular, plural) msgids -> French (singular, plural); French takes the singular for 0 and 1.
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("expected %s argument", "expected %s arguments"): (
        "il lui faut %s valeur",
        "il lui faut %s valeurs",
    ),
    ("conflicting option string: %s", "conflicting option strings: %s"): (
        "option en double : %s",
        "options en double : %s",
    ),
}


def gettext(message: str) -> str:
    return PHRASES.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    french = PLURALS.get((singular, plural))
    if french is None:
        return singular if count == 1 else plural
    return french[0] if count <= 1 else french[1]


@contextmanager
def in_french() -> Iterator[None]:
    """argparse's phrases in French while in the block; its own again after."""
    names = vars(argparse)
    saved = names["_"], names["ngettext"]
    names["_"], names["ngettext"] = gettext, ngettext
    try:
        yield
    finally:
        names["_"], names["ngettext"] = saved


def whole_number(text: str) -> int:
    """`type=int`, with its refusal in French."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None


def decimal_number(text: str) -> float:
    """`type=float`, with its refusal in French."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre") from None


FRENCH_TYPES: dict[object, Callable[[str], Any]] = {int: whole_number, float: decimal_number}


class FrenchParser(argparse.ArgumentParser):
    """An `ArgumentParser` that speaks French, and makes its subcommands' parsers so too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with in_french():
            super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        if kwargs.get("action") == "version":  # its help is English, not asked of gettext
            kwargs.setdefault("help", PHRASES["show program's version number and exit"])
        if kwargs.get("type") in FRENCH_TYPES:
            kwargs["type"] = FRENCH_TYPES[kwargs["type"]]
        with in_french():
            return super().add_argument(*args, **kwargs)

    def add_argument_group(self, *args: Any, **kwargs: Any) -> Any:
        """Its title followed by the space French puts before argparse's colon."""
        title = kwargs.pop("title", args[0] if args else None)
        if title and not title.endswith(NBSP):
            title += NBSP
        return super().add_argument_group(title, *args[1:], **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with in_french():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with in_french():
            return super().parse_known_args(*args, **kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        with in_french():
            return super().parse_args(*args, **kwargs)

    def format_usage(self) -> str:
        with in_french():
            return super().format_usage()

    def format_help(self) -> str:
        with in_french():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with in_french():
            super().error(message)
