"""Every name, id, former name and alias of every entity, in the forms the lookup tiers
compare: folded, without spaces, words in order, content words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.core.matching.candidates import CandidateIndex
from bot.core.matching.match import KeyKind
from bot.core.matching.names import Entity
from bot.core.matching.words import WordIndex

# Words that say what kind of place an incubator is, not which: « la fabrique numérique
# de la justice » is the Justice's incubator, whatever it is called. Weighed a fifth.
# Words that name nothing, left out of the words weighed (`WordIndex`).
STOPWORDS = frozenset("a au aux c d de des du en et l la le les pour sur un une s se the".split())
GENERIC = frozenset(
    """
    fabrique fabriques numerique numeriques atelier ateliers laboratoire lab labo
    ministere ministeres accelerateur departement direction plateforme incubateur
    incubateurs
    """.split()
)


@dataclass(frozen=True)
class Key:
    entity: int
    text: str
    kind: KeyKind
    folded: str
    content: str


class KeyTable:
    """The keys and entities, with the forms and indexes the fuzzy tiers read."""

    def __init__(self, keys: list[Key], entities: list[Entity], *, lexicon: frozenset[str]) -> None:
        """`lexicon`: the words of the teams' missions, real words that are not slips."""
        self.keys = keys
        self.lexicon = lexicon
        self.entities = entities
        self.folded = [k.folded for k in keys]
        self.compact = [k.folded.replace(" ", "") for k in keys]
        self.size_array = np.asarray([len(k) for k in self.compact], dtype=np.int32)
        self.sorted = [" ".join(sorted(k.content.split())) for k in keys]
        self.index = CandidateIndex(self.compact)
        self.words = WordIndex(
            [[w for w in k.folded.split() if w not in STOPWORDS] for k in keys],
            [k.entity for k in keys],
            generic=GENERIC,
        )
