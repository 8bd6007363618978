"""The tiers of a lookup that tolerate mistakes: slips of the keyboard, words that are
only part of a name, and overall likeness. Each hit says how sure it may make the bot:

- a score (up to 100), which ranks the candidates;
- whether it may be answered with a hedge (« je pense que tu parles de … ») when it is
  the only good one: a slip in a long enough name, words that cover the distinctive
  part of a name. Likeness alone, a name cut short or lengthened into another word,
  a single word of a team's name: only ever named as a close name, or in a choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.matching.keys import GENERIC, STOPWORDS, KeyTable
from bot.core.matching.match import CONFIDENT, LIKELY, SUGGESTION
from bot.core.matching.words import WordIndex

Scored = tuple[int, float]  # key, score (below LIKELY unless a hedge is allowed)
POOL = 10  # keys weighed in full for the words typed
DISTINCTIVE = 0.35  # a word this rare, relative to the rarest, picks the keys to weigh
SHORT_SLIP = 5  # from this many letters, one slip may be answered with a hedge
NOT_HEDGED = LIKELY - 0.5  # the score of what may not be answered, even with a hedge


def fuzzy(table: KeyTable, folded: str, content: str) -> list[Scored]:
    """Every fuzzy hit; what may not be answered, even with a hedge, scores below LIKELY."""
    typed = folded.replace(" ", "")
    keys = table.index.candidates(typed)
    slips = _slips(table, typed, keys)
    alike = _alike(table, folded, content, keys)
    if any(score >= CONFIDENT for _, score in slips):
        return alike + slips  # a slip in a name, surely: the words need no weighing
    words = [w for w in folded.split() if w not in STOPWORDS and (len(w) >= 2 or w.isdigit())]
    return [*alike, *slips, *covered(table, words)]


def _alike(table: KeyTable, folded: str, content: str, keys: list[int]) -> list[Scored]:
    """Overall likeness of the whole query, and of its words in any order. Never more than a
    choice, unless nearly the same long text: « bocage direct » is much like « stage
    direct »."""
    scored: list[Scored] = []
    for query, choices in (
        (folded, [table.folded[k] for k in keys]),
        (" ".join(sorted(content.split())), [table.sorted[k] for k in keys]),
    ):
        for _, score, index in process.extract(
            query, choices, scorer=fuzz.ratio, limit=12, score_cutoff=SUGGESTION
        ):
            close = score >= 92 and len(query) >= 10  # nearly the same long text
            scored.append((keys[index], min(float(score), CONFIDENT - 1 if close else NOT_HEDGED)))
    return scored


def _slips(table: KeyTable, typed: str, keys: list[int]) -> list[Scored]:
    """Slips of the keyboard: a letter dropped, swapped or mistyped, on the name without
    spaces.

    One slip in a name of 6 letters or more, two from 10, make an answer; one slip from
    5 letters, two from 8, an answer with a hedge. Not so when what was typed, shorter
    than 8 letters, is a word of the teams' missions: « forêt » is not a slip of
    « FoReg », nor « montagne » of « Monstage ». A name cut short by a letter or two, or
    with its last letter doubled, too; cut shorter, or lengthened into another word
    (« nomade » for « nomad »), only a choice: real words sit that close to names.
    """
    size = len(typed)
    sure = 0 if size < 6 else 1 if size < 10 else 2
    maybe = 0 if size < 4 else 1 if size < 6 else 2 if size < 12 else 3
    limit = max(sure, maybe)
    if not limit:
        return []
    choices = [table.compact[k] for k in keys]
    found = process.extract(typed, choices, scorer=OSA.distance, score_cutoff=limit, limit=12)
    word = typed in table.lexicon  # a real word near a name: meant as that word, likely
    scored: list[Scored] = []
    for choice, distance, index in found:
        if choice.startswith(typed) or typed.startswith(choice):
            hedge = _cut_or_doubled(typed, choice)
            scored.append((keys[index], 86.0 - distance if hedge else NOT_HEDGED))
        elif distance <= sure and not (word and size < 8):
            scored.append((keys[index], 96.0 - 4.0 * distance))
        else:
            near = (distance == 1 and size >= SHORT_SLIP) or (distance == 2 and 8 <= size < 10)
            hedge = near and not word
            scored.append((keys[index], 86.0 - distance if hedge else NOT_HEDGED))
    return scored


def _cut_or_doubled(typed: str, name: str) -> bool:
    if len(typed) < len(name):
        return len(typed) >= 5 and len(name) - len(typed) <= 2
    return len(typed) == len(name) + 1 and typed[-1] == typed[-2]


@dataclass(frozen=True)
class Cover:
    """How the typed words meet one key: the share of what was typed that the key explains
    (`typed`), the share of the key's weight they cover (`key`), how many met, how much
    they say together (`info`, in weights of the rarest word), and whether they met
    exactly (no beginning of a word, no slip)."""

    typed: float
    key: float
    words: int
    info: float
    exact: bool
    met: tuple[str, ...] = ()  # the words of the key that were met

    @property
    def telling(self) -> bool:
        """Whether these words say enough of the name to answer it, with a hedge: most of
        what was typed, and the name's distinctive part, or several rare words."""
        return self.typed >= 0.75 and (self.key >= 0.4 or (self.words >= 2 and self.info >= 1.5))

    @property
    def whole(self) -> bool:
        """Whether every word typed is in the name (some as their beginning)."""
        return self.words >= 2 and self.typed >= 0.88

    @property
    def sure(self) -> bool:
        return self.whole and (self.key >= 0.5 or self.info >= 2.0)


def covered(table: KeyTable, typed: list[str]) -> list[Scored]:
    """Words that are all, or mostly, words of one name (or their beginnings, or one slip
    away), weighed by how rare they are: « fabrique intérieur » is the Fabrique numérique
    du ministère de l'Intérieur; « la fabrique numérique de la justice » is the Justice's
    incubator, « fabrique numérique » being what many incubators are called. One word
    alone is an answer only for an incubator or a topic, met whole or as its beginning,
    and found in no other name (« écologie », « on recrute » ; not « emploi »)."""
    if not typed:
        return []
    words = table.words
    met = [{m.word: m.closeness for m in words.meet(w)} for w in typed]
    options = [_options(words, one) for one in met]
    covers = {key: _cover(table, typed, options, key) for key in _pool(table, met)}
    sure = _surest(table, covers)
    scored: list[Scored] = []
    for key, c in covers.items():
        entity = table.keys[key].entity
        alone = c.words >= 2 or (
            table.entities[entity].kind != "startup" and c.exact and _only_one(table, c.met, typed)
        )
        hedge = c.telling and alone
        if hedge and sure == entity:
            score = 90.0 + 8.0 * c.key
        elif hedge:  # between a hedge and an answer, by how much of both sides is covered
            score = LIKELY + 2.0 + 7.0 * (c.typed + c.key) / 2
        else:
            score = min(100.0 * (0.6 * c.typed + 0.4 * c.key), NOT_HEDGED)
        if score >= SUGGESTION:
            scored.append((key, score))
    return scored


def _surest(table: KeyTable, covers: dict[int, Cover]) -> int | None:
    """The one entity the words name surely: the only name holding every word typed, if
    they say enough of it; or, among several, the one they name nearly whole when the
    others have more to their names (« l'incubateur de l'éducation nationale » is not the
    one « et de la jeunesse »; « cour de cassation » is three teams)."""
    whole: dict[int, Cover] = {}
    for key, c in covers.items():
        entity = table.keys[key].entity
        if c.whole and c.telling and (entity not in whole or c.key > whole[entity].key):
            whole[entity] = c
    ranked = sorted(whole.items(), key=lambda item: -item[1].key)
    if len(ranked) == 1:
        return ranked[0][0] if ranked[0][1].sure else None
    if len(ranked) > 1 and ranked[0][1].key >= 0.85 and ranked[0][1].key - ranked[1][1].key >= 0.15:
        return ranked[0][0]
    return None


def _only_one(table: KeyTable, met: tuple[str, ...], typed: list[str]) -> bool:
    """Whether the one word met names one entity only: in all the names, or, when the query
    says it wants an incubator (« la fabrique numérique de la justice »), among the
    incubators."""
    if len(met) != 1:
        return False
    if table.words.spread.get(met[0], 0) == 1:
        return True
    if not set(typed) & GENERIC:
        return False
    holders = {table.keys[key].entity for key in table.words.keys_meeting(met)}
    return sum(table.entities[e].kind == "incubator" for e in holders) == 1


def _pool(table: KeyTable, met: list[dict[str, float]]) -> list[int]:
    """The keys worth weighing: those holding a rare word typed (or, if every word typed
    is common, all of them), the ones meeting most typed words first, shortest first."""
    words = table.words
    rare = [m for m in met if m and max(words.weigh(w) for w in m) >= DISTINCTIVE * words.rarest]
    chosen = rare or [m for m in met if m]
    if not chosen:
        return []
    counts = np.bincount(
        np.concatenate([words.holding(one) for one in chosen]), minlength=words.keys
    )
    least = len(chosen) if not rare else max(int(counts.max()) - 1, 1)  # a word short at most
    near = np.flatnonzero(counts >= least)
    if len(near) > POOL:
        order = np.lexsort((table.size_array[near], -counts[near]))
        near = near[order[:POOL]]
    return [int(key) for key in near]


Option = tuple[float, float, str, float]  # closeness × weight, closeness, word, weight


def _cover(table: KeyTable, typed: list[str], options: list[list[Option]], key: int) -> Cover:
    words = table.words
    free = set(words.words[key])
    explained = total = 0.0
    found: list[str] = []
    exact = True
    for word, choices in zip(typed, options, strict=True):
        best = next((option for option in choices if option[2] in free), None)
        if best is None:  # the word typed is not in this name: it counts against it
            total += choices[0][3] if choices else words.rarest
            continue
        explained += best[0]
        total += best[3]
        # Whole, or the beginning of a word when long enough to say it (« recrute »): no slip.
        exact = exact and (best[1] == 1.0 or (best[1] >= 0.9 and len(word) >= 6))
        free.discard(best[2])
        found.append(best[2])
    share = explained / (total or 1.0)
    info = explained / words.rarest
    return Cover(share, explained / words.key_weight[key], len(found), info, exact, tuple(found))


def _options(words: WordIndex, met: dict[str, float]) -> list[Option]:
    """What a typed word may be, best first."""
    found = [(c * words.weigh(w), c, w, words.weigh(w)) for w, c in met.items()]
    return sorted(found, reverse=True)
