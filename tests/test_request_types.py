"""Which type of request people mean, from the words they use (issue 12): each word the help
lists, the synonyms, the typos, and the texts where two types fit, which must be asked."""

from __future__ import annotations

import re

import pytest

from bot.core.answers.requests import menu
from bot.core.answers.team import help_text
from bot.core.matching.directory import Directory
from bot.core.requests.categories import offered, read_type
from bot.core.vocabulary import Vocabulary, key_of

CONVENTION, PARTNERSHIP, QUESTION = "convention", "partenariat", "question-administrative"
SUPPORT, UNWELL, BREACH = "soutien-dinum", "mal-etre", "manquement"

# (what follows `demande`, the types it names, whether they open it, what follows them)
OPENING: list[tuple[str, tuple[str, ...], str]] = [
    ("question", (QUESTION,), ""),
    ("question quel délai pour le marché ?", (QUESTION,), "quel délai pour le marché ?"),
    ("Questions", (QUESTION,), ""),
    ("question-administrative", (QUESTION,), ""),
    ("question administrative", (QUESTION,), ""),
    ("marché", (QUESTION,), ""),
    ("marchés publics", (QUESTION,), ""),
    ("marché public : quel délai ?", (QUESTION,), ": quel délai ?"),
    ("achat", (QUESTION,), ""),
    ("commande publique", (QUESTION,), ""),
    ("juridique", (QUESTION,), ""),
    ("soutien", (SUPPORT,), ""),
    ("soutien domifa : un frein", (SUPPORT,), "domifa : un frein"),
    ("soutient", (SUPPORT,), ""),
    ("soutien-dinum", (SUPPORT,), ""),
    ("aide", (SUPPORT,), ""),
    ("d'aide pour domifa", (SUPPORT,), "pour domifa"),
    ("financement", (SUPPORT,), ""),
    ("refinancement", (SUPPORT,), ""),
    ("soutien financement domifa : x", (SUPPORT,), "domifa : x"),
    ("devis domifa : devis bloqué", (CONVENTION,), "domifa : devis bloqué"),
    ("Devis", (CONVENTION,), ""),
    ("bon de commande anct", (CONVENTION,), "anct"),
    ("Bons de commande anct", (CONVENTION,), "anct"),
    ("service fait", (CONVENTION,), ""),
    ("conventon domifa : bloquée", (CONVENTION,), "domifa : bloquée"),
    ("CONVENTION", (CONVENTION,), ""),
    ("une convention pour domifa", (CONVENTION,), "pour domifa"),
    (
        "convention aides territoires convention bloquée",
        (CONVENTION,),
        "aides territoires convention bloquée",
    ),
    ("partenariat", (PARTNERSHIP,), ""),
    ("partenariats", (PARTNERSHIP,), ""),
    ("parteneriat anct : DGCL", (PARTNERSHIP,), "anct : DGCL"),
    ("partenaire", (PARTNERSHIP,), ""),
    ("mal", (UNWELL,), ""),
    ("mal camille tchap", (UNWELL,), "camille tchap"),
    ("mal-être", (UNWELL,), ""),
    ("MAL ÊTRE", (UNWELL,), ""),
    ("mal-etre camille téléphone", (UNWELL,), "camille téléphone"),
    ("malaise", (UNWELL,), ""),
    ("je me sens mal", (UNWELL,), ""),
    ("je me sens mal dans mon équipe", (UNWELL,), ""),
    ("je me sens mal dans l'équipe", (UNWELL,), ""),
    ("harcèlement", (UNWELL,), ""),
    ("harcelement au travail", (UNWELL,), "au travail"),
    ("conflit", (UNWELL,), ""),
    ("souffrance", (UNWELL,), ""),
    ("burn out", (UNWELL,), ""),
    ("manquement", (BREACH,), ""),
    ("signalement", (BREACH,), ""),
    ("signaler un manquement", (BREACH,), ""),
]


@pytest.mark.parametrize(("typed", "types", "rest"), OPENING, ids=[o[0] for o in OPENING])
def test_the_type_opens_the_text(
    directory: Directory, typed: str, types: tuple[str, ...], rest: str
) -> None:
    reading = read_type(directory, typed)
    assert (tuple(c.id for c in reading.categories), reading.opens, reading.sure) == (
        types,
        True,
        True,
    )
    assert reading.rest == rest


# (text, the types to offer, whether they open it): never a confident guess.
ASKED: list[tuple[str, tuple[str, ...], bool]] = [
    ("une question sur la convention", (QUESTION, CONVENTION), True),
    ("question sur un bon de commande", (QUESTION, CONVENTION), True),
    ("aide pour ma convention", (SUPPORT, CONVENTION), True),
    ("domifa j'ai une question sur ma convention", (QUESTION, CONVENTION), False),
    ("devsi domifa", (CONVENTION,), True),  # a slip in a short word: a guess, asked
    ("cosmonaute", (), False),
    ("engagements", (), False),
]


@pytest.mark.parametrize(("typed", "types", "opens"), ASKED, ids=[a[0] for a in ASKED])
def test_two_types_or_a_guess_are_asked(
    directory: Directory, typed: str, types: tuple[str, ...], opens: bool
) -> None:
    reading = read_type(directory, typed)
    assert tuple(c.id for c in reading.categories) == types
    assert reading.opens is opens
    assert reading.category is None  # nothing is sent, nothing opened without asking


# (text that does not open with a type, the one type it names): its form opens.
WITHIN = [
    ("aides territoires : convention bloquée", CONVENTION),  # `aides` begins the team's name
    ("aides territoires convention", CONVENTION),
    ("l'équipe domifa a un problème de devis", CONVENTION),
    ("rien ne va, je vis du harcèlement", UNWELL),
]


@pytest.mark.parametrize(("typed", "category"), WITHIN)
def test_a_type_named_inside_the_text(directory: Directory, typed: str, category: str) -> None:
    reading = read_type(directory, typed)
    assert reading.category is not None and reading.category.id == category
    assert not reading.opens


def listed_words(text: str) -> list[str]:
    """The types a text offers: `/animation demande X…` examples and `X` in a type list."""
    examples = re.findall(r"`/animation demande ([^`<…]+?)(?: <[^`]*)?`", text)
    line = next(line for line in text.splitlines() if "Types : " in line or "Les types" in line)
    listed = re.findall(r"`([^`/]+)`", line.split("Types : ")[-1].split(" ; ")[0])
    return [e.strip() for e in examples] + listed


def test_every_word_the_help_lists_is_understood(directory: Directory) -> None:
    words = listed_words(help_text(directory))
    assert {"convention", "question", "soutien", "mal-être", "manquement"} <= set(words)
    for word in words:
        reading = read_type(directory, word)
        assert reading.category is not None and reading.opens, word


def test_every_word_demande_alone_lists_is_understood(directory: Directory) -> None:
    text = menu(directory).text
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(lines) == len(directory.registry.categories)
    for line, category in zip(lines, offered(directory.registry), strict=True):
        words = re.findall(r"`([^`]+)`", line.split(" : ")[0])
        assert words and words[0] == category.word
        for word in words:
            reading = read_type(directory, word)
            assert reading.category == category, (word, reading)


# (phrases, text, how it is read) for the reading itself, apart from any registry.
PHRASES = [("bon de commande", "b"), ("convention", "c"), ("mal", "m"), ("aide", "a")]
KEYS = [
    ("Bons de commande", "boncommande"),
    ("un bon-de-commande", "boncommande"),
    ("l'aide", "aide"),
    ("d'aides", "aide"),
    ("de la", ""),
]


@pytest.mark.parametrize(("text", "key"), KEYS)
def test_keys_ignore_case_accents_plurals_and_small_words(text: str, key: str) -> None:
    assert key_of(text) == key


SLIPS = [
    ("conventon", ("c",), True),  # one slip in 9 letters: an answer
    ("cnovention", ("c",), True),  # two letters swapped
    ("convetnoin", ("c",), True),  # twice: an answer from 10 letters
    ("cnvntion", ("c",), False),  # two slips in 8 letters: a guess
    ("bon de comande", ("b",), True),
    ("comvemtiom", None, None),  # three slips: nothing
    ("mall", ("m",), False),  # a slip in 4 letters: a guess
    ("aied", ("a",), False),
    ("mla", None, None),  # 3 letters: exact only
]


@pytest.mark.parametrize(("text", "values", "sure"), SLIPS)
def test_slips_are_answers_only_when_small(
    text: str, values: tuple[str, ...] | None, sure: bool | None
) -> None:
    hit = Vocabulary(PHRASES).lookup(text)
    found = (hit.values, hit.sure) if hit else (None, None)
    assert found == (values, sure)
