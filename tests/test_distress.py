"""Words of someone who is not well, and words that only look like them."""

from __future__ import annotations

import pytest

from bot.core.matching.distress import distress
from bot.core.text import fold

HEARD = [
    "je me sens mal",
    "je me sens mal dans mon équipe",
    "mal-être",
    "mal",
    "harcèlement",
    "je suis harcelée",
    "burn out",
    "burn-out",
    "je craque",
    "ça va pas du tout dans l'équipe",
    "conflit avec mon intra",
    "souffrance au travail",
    "je suis épuisé",
    "discrimination",
    "propos sexistes",
    "j'ai peur de parler à mon PO",
    "malaise dans mon équipe domifa",
]
NOT_DISTRESS = [
    "domifa",
    "Signal Logement",  # « mal logement » is in its mission, not in a query about a name
    "mal logement",
    "pas mal",
    "Protège-Toit (violences conjugales)",
    "isolation thermique",
    "gestion des conflits d'usage de l'eau",
    "Potager Malin",
    "",
]


@pytest.mark.parametrize("typed", HEARD)
def test_heard(typed: str) -> None:
    assert distress(fold(typed))


@pytest.mark.parametrize("typed", NOT_DISTRESS)
def test_not_taken_for_distress(typed: str) -> None:
    assert not distress(fold(typed))
