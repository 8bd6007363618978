"""Short phrases people type for one of a few choices (a request's type, a way to be reached),
read the way they type them: case, accents, punctuation, plurals, small words and slips of the
keyboard do not matter.

A phrase's key is its words, folded, without the small words, each without a plural `s`/`x`,
run together: « un bon de commande », « Bons de commande » and « bon-de-commande » share
`boncommande`. A slip is one edit (a letter dropped, added, swapped or mistyped) in a key of
6 letters or more, two from 10: that is an answer. One more is only a guess, to be offered as
a choice. The registry's checks use the same keys, so that two choices never share one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.text import fold

# Words that name nothing: articles, prepositions, pronouns, politeness, « j'ai besoin de ».
SMALL_WORDS = frozenset(
    """
    a ai au aux avec c ce d dans de des du en et j je l la le les m ma me mes moi mon par pour
    s se sur t ta te tes toi ton un une via svp stp merci bonjour besoin veux voudrais
    """.split()
)
OPENING_WORDS = 8  # a phrase that opens a text is looked for in its first words only
WITHIN_WORDS = 60  # a phrase inside a text, in its first words only


def words_of(text: str) -> list[str]:
    """The words that carry meaning, folded, each without its plural mark."""
    return [_singular(w) for w in fold(text).split() if w not in SMALL_WORDS]


def key_of(text: str) -> str:
    """The key a phrase is known by; empty when it has only small words."""
    return "".join(words_of(text))


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def tolerance(size: int) -> tuple[int, int]:
    """Edits allowed in a key of `size` letters: for an answer, for a guess."""
    sure = 0 if size < 6 else 1 if size < 10 else 2
    guess = 0 if size < 4 else 1 if size < 6 else 2 if size < 12 else 3
    return sure, max(sure, guess)


@dataclass(frozen=True)
class Hit:
    """What a text names: `values` (one: an answer; several: a choice to offer), how many of
    its words (split on spaces) the phrase covers from the start, and whether it is sure
    (the phrase as written, or with a slip) or only a guess."""

    values: tuple[str, ...]
    words: int
    sure: bool


class Vocabulary:
    """Phrases, each leading to a value (a category's id, a contact method). Built once per
    registry, then read-only."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        self.values: dict[str, tuple[str, ...]] = {}
        self.sizes: dict[str, int] = {}  # key -> how many words it has
        for phrase, value in phrases:
            key = key_of(phrase)
            if key and value not in self.values.get(key, ()):
                self.values[key] = (*self.values.get(key, ()), value)
                self.sizes[key] = len(words_of(phrase))
        self.keys = list(self.values)
        self.single = [key for key in self.keys if self.sizes[key] == 1]
        self.longest = max(self.sizes.values(), default=0)

    def lookup(self, text: str) -> Hit | None:
        """The value the whole text names."""
        key = key_of(text)
        return self._hit(key, len(text.split())) if key else None

    def opening(self, text: str) -> Hit | None:
        """The longest phrase the text opens with, ending at a space: `question sur un marché
        public` opens with `question`, `bon de commande pour domifa` with `bon de commande`.
        A sure phrase beats a guess, a longer phrase a shorter one; a colon ends the search."""
        sure: Hit | None = None
        guess: Hit | None = None
        content: list[str] = []
        for count, word in enumerate(text.split()[:OPENING_WORDS], start=1):
            added = words_of(word)
            content += added
            hit = self._hit("".join(content), count) if added else None
            if hit is not None and hit.sure:
                sure = hit
            elif hit is not None:
                guess = hit
            if ":" in word:
                break
        return sure or guess

    def within(self, text: str) -> tuple[str, ...]:
        """The values of every phrase written anywhere in the text (a slip allowed in long
        single words), in the order the phrases come."""
        content = words_of(" ".join(text.split()[:WITHIN_WORDS]))
        found: list[str] = []
        for start in range(len(content)):
            for size in range(1, self.longest + 1):
                key = "".join(content[start : start + size])
                values = self.values.get(key, ())
                if not values and size == 1:
                    values = self._slip(key)
                found += [v for v in values if v not in found]
        return tuple(found)

    def _slip(self, word: str) -> tuple[str, ...]:
        """The values of the one-word phrases a word is a sure slip of."""
        sure = tolerance(len(word))[0]
        return self._closest(word, self.single, sure)[0] if sure else ()

    def _hit(self, key: str, words: int) -> Hit | None:
        exact = self.values.get(key)
        if exact:
            return Hit(exact, words, True)
        sure, guess = tolerance(len(key))
        values, distance = self._closest(key, self.keys, guess) if guess else ((), 0)
        return Hit(values, words, distance <= sure) if values else None

    def _closest(self, key: str, keys: list[str], cutoff: int) -> tuple[tuple[str, ...], int]:
        """The values of the keys nearest to `key`, within `cutoff` edits, and how far."""
        close = process.extract(key, keys, scorer=OSA.distance, score_cutoff=cutoff, limit=None)
        if not close:
            return (), 0
        best = close[0][1]
        values: list[str] = []
        for found, distance, _ in close:
            if distance == best:
                values += [v for v in self.values[found] if v not in values]
        return tuple(values), int(best)
