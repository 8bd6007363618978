"""The grammar around a name (`phrases.peel`), as a table: what is typed, folded, and the
name that is left."""

from __future__ import annotations

import pytest

from bot.core.matching.phrases import peel
from bot.core.text import fold

PEELED = [
    ("domifa s'il te plaît", "domifa"),
    ("domifa s'il vous plaît", "domifa"),
    ("bonjour, aides territoires svp merci", "aides territoires"),
    ("peux-tu me dire qui suit domifa ?", "domifa"),
    (
        "c'est qui le référent de la fabrique numérique des ministères sociaux",
        ("fabrique numerique des ministeres sociaux"),
    ),
    ("le ou la référent(e) de domifa", "domifa"),
    ("est en charge de domifa", "domifa"),
    ("gère domifa", "domifa"),
    ("ma startup c'est domifa", "domifa"),
    ("je travaille sur rdv service public, qui est notre référent ?", "rdv service public"),
    ("notre équipe envergo, qui nous suit ?", "envergo"),
    ("qui suit envergo chez vous ?", "envergo"),
    ("le contact animation de nos gestes climat", "nos gestes climat"),
    ("qui siut carbure", "carbure"),  # one slip in a word of the grammar
    ("l'incubatuer de la justice", "justice"),
    ("Mon Aide Cyber", "mon aide cyber"),  # « mon » alone is no phrase
    ("la bonne boite", "bonne boite"),
    ("bonjour", "bonjour"),  # a word is always left
    ("stp merci", "stp"),
]


@pytest.mark.parametrize(("typed", "name"), PEELED, ids=[p[0] for p in PEELED])
def test_the_name_is_left(typed: str, name: str) -> None:
    assert peel(fold(typed)) == name


def test_a_word_of_a_name_is_no_slip_of_the_grammar() -> None:
    """« suite » is one slip from « suit », but it is a word of « La Suite numérique »."""
    assert peel(fold("la suite numérique")) == "numerique"
    assert peel(fold("la suite numérique"), names={"suite", "numerique"}) == "suite numerique"
