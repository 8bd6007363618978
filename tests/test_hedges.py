"""What a lookup may answer with a hedge (« je pense que tu parles de … »), and what only
ever as a close name or in a choice, on small indexes."""

from __future__ import annotations

import pytest

from bot.core.matching.directory import Directory
from bot.core.matching.matcher import Matcher
from bot.core.matching.names import Entity, Names


def _hedges() -> Matcher:
    return Matcher(
        [
            Names(Entity("startup", "domifa", "DomiFa"), ids=("domifa",)),
            Names(Entity("startup", "nomad", "Nomad"), ids=("nomad",)),
            Names(Entity("startup", "coral", "Coral"), ids=("coral",), mentions=("Le corail",)),
            Names(Entity("startup", "jardin", "Jardin des Plantes"), ids=("jardin",)),
            Names(Entity("incubator", "ocean", "La Fabrique de l'Océanographie"), ids=("ocean",)),
        ]
    )


# (typed, status, the one answered when there is one)
HEDGED = [
    ("domfa", "likely", "domifa"),  # one slip in 5 letters
    ("domifaa", "likely", "domifa"),  # its last letter doubled
    ("nomade", "unknown", None),  # lengthened into a word
    ("corail", "unknown", None),  # one slip, but a word of the missions
    ("océanographie", "likely", "ocean"),  # one word, an incubator's own
    ("plantes", "unknown", None),  # one word of a team's name
    ("jardin plantes", "found", "jardin"),  # the words of one name
]


@pytest.mark.parametrize(("typed", "status", "answer"), HEDGED)
def test_what_may_be_answered_with_a_hedge(typed: str, status: str, answer: str | None) -> None:
    match = _hedges().lookup(typed)
    assert match.status == status, match
    assert (match.answer.entity.id if match.answer else None) == answer


def test_a_live_team_comes_before_a_stopped_one_it_ties_with() -> None:
    matcher = Matcher(
        [
            Names(Entity("startup", "old", "Jumeaux", stopped=True), ids=("old",)),
            Names(Entity("startup", "new", "Jumeaux"), ids=("new",)),
        ]
    )
    match = matcher.lookup("jumeaux")
    assert match.status == "ambiguous"
    assert [c.entity.id for c in match.candidates] == ["new", "old"]


def test_a_two_letter_acronym_counts_only_in_capitals(directory: Directory) -> None:
    """« MA » is the Armées' incubator; « ma » is a word (« ma startup »)."""
    found = directory.matcher.lookup("MA")
    assert found.status == "found" and found.best and found.best.entity.id == "kube"
    word = directory.matcher.lookup("ma")
    assert not (word.best and word.best.entity.id == "kube" and word.status == "found")
