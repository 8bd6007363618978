"""The words of every name, weighted by how rare they are: « justice » says more than
« fabrique » or « numérique », which a dozen names share.

A word's weight is its inverse document frequency over entities (a word in one
name weighs most). A typed word meets a word of a name exactly, as its beginning
(4 letters at least), or with one slip (a letter dropped, added, changed or two
swapped, for words of 5 letters or more), found through an index of the words
with one letter deleted.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA

PREFIX = 4  # a typed word this long may be the beginning of a word of a name
SLIP = 5  # a typed word this long may hold one slip
GENERIC_SHARE = 0.1  # what a generic word (`keys.GENERIC`) weighs of its rarity


@dataclass(frozen=True)
class Met:
    """A typed word meeting a word of the names: which, and how well (1, or less)."""

    word: str
    closeness: float


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class WordIndex:
    """Over the content words of each key (`words[key]`), keys grouped by entity."""

    def __init__(
        self,
        words: Sequence[Sequence[str]],
        entity_of: Sequence[int],
        *,
        generic: frozenset[str] = frozenset(),
    ) -> None:
        entities: dict[str, set[int]] = defaultdict(set)
        postings: dict[str, set[int]] = defaultdict(set)
        for key, key_words in enumerate(words):
            for word in key_words:
                entities[word].add(entity_of[key])
                postings[word].add(key)
        count = max(len(set(entity_of)), 1)
        self.weight = {
            w: math.log(1 + count / len(found)) * (GENERIC_SHARE if w in generic else 1.0)
            for w, found in entities.items()
        }
        self.rarest = math.log(1 + count)
        self.spread = {w: len(found) for w, found in entities.items()}  # entities with it
        self.postings = {w: frozenset(keys) for w, keys in postings.items()}
        self.arrays = {w: np.fromiter(keys, dtype=np.int32) for w, keys in postings.items()}
        self.words = [tuple(w) for w in words]
        self.keys = len(self.words)
        self.key_weight = [sum(self.weigh(w) for w in set(k)) or 1.0 for k in self.words]
        prefixes: dict[str, set[str]] = defaultdict(set)
        slips: dict[str, set[str]] = defaultdict(set)
        for word in self.weight:
            for size in range(PREFIX, len(word)):
                prefixes[word[:size]].add(word)
            if len(word) >= SLIP - 1:
                for form in _deletions(word) | {word}:
                    slips[form].add(word)
        self.prefixes = {p: tuple(ws) for p, ws in prefixes.items()}
        self.slips = {f: tuple(ws) for f, ws in slips.items()}

    def meet(self, typed: str) -> list[Met]:
        """The words of names a typed word may be: itself, words it begins, or one slip
        away."""
        found = {typed: 1.0} if typed in self.weight else {}
        if len(typed) >= PREFIX:
            for word in self.prefixes.get(typed, ()):
                found.setdefault(word, 0.9)
        if len(typed) >= SLIP:
            for form in _deletions(typed) | {typed}:
                for word in self.slips.get(form, ()):
                    if word not in found and OSA.distance(typed, word, score_cutoff=1) <= 1:
                        found[word] = 0.85
        return [Met(word, closeness) for word, closeness in found.items()]

    def weigh(self, word: str) -> float:
        """How much a word says: an unknown word, as much as the rarest."""
        return self.weight.get(word, self.rarest)

    def holding(self, words: Iterable[str]) -> np.ndarray:
        """The keys holding any of these words, each once."""
        found = [self.arrays[w] for w in words if w in self.arrays]
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int32)

    def keys_meeting(self, words: Iterable[str]) -> set[int]:
        """The keys holding any of these words."""
        keys: set[int] = set()
        for word in words:
            keys |= self.postings.get(word, frozenset())
        return keys
