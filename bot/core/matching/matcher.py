"""Tolerant lookup of teams, incubators and topics, the way people really type them.

A query is compared with every name, id, former id, alias and acronym, in
tiers. Exact forms first: case, accents, punctuation, spacing, filler words
("l'équipe", "qui est référent sur") and word order do not matter. Then
acronyms. Then typos (edit distance on the name without spaces), missing
words (each typed word begins a word of the name) and general similarity.
An answer is confident only when one entity stands clearly ahead; otherwise
the caller gets candidates to choose from, never a guess.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.matching.candidates import CandidateIndex
from bot.core.matching.match import (
    CONFIDENT,
    SUGGESTION,
    Candidate,
    KeyKind,
    Match,
    decide,
    decide_exact,
)
from bot.core.matching.names import FILLER, Entity, Names, content_of, initials, upper_words
from bot.core.text import clean, compact, fold

MAX_QUERY = 200
PREFIX = 5  # longest word beginning indexed for partial words
PARTIAL_POOL = 64  # names checked in full for partial words

# Penalties that rank exact hits: how much the query and the key had to be
# reduced to meet (full, without filler words, without spaces), and which
# kind of key met (a current name beats an id, which beats a former id).
_FORM_PENALTY = (0.0, 1.0, 2.0, 2.0)
_KEY_PENALTY = {"name": 0.0, "alias": 0.0, "id": 0.5, "former": 1.0}


@dataclass(frozen=True)
class _Key:
    entity: int
    text: str
    kind: KeyKind
    folded: str
    content: str


def _forms(folded: str, content: str | None = None) -> tuple[str, str, str, str]:
    content = content_of(folded) if content is None else content
    return folded, content, compact(folded), compact(content)


class Matcher:
    """An index over every name; built once per registry, then read-only."""

    def __init__(self, names: Iterable[Names]) -> None:
        self.entities: list[Entity] = []
        self.keys: list[_Key] = []
        self.exact: dict[str, dict[int, float]] = defaultdict(dict)
        self.acronyms: dict[str, set[int]] = defaultdict(set)
        self.capital_acronyms: dict[str, set[int]] = defaultdict(set)
        self.prefixes: dict[str, set[int]] = defaultdict(set)
        for item in names:
            self._add(item)
        self.folded_keys = [k.folded for k in self.keys]
        self.compact_keys = [compact(k.folded) for k in self.keys]
        self.sorted_keys = [sorted_words(k.content) for k in self.keys]
        self.key_sizes = [len(k) for k in self.compact_keys]
        self.index = CandidateIndex(self.compact_keys)

    def _add(self, item: Names) -> None:
        index = len(self.entities)
        self.entities.append(item.entity)
        keyed: list[tuple[str, KeyKind]] = [(item.entity.name, "name")]
        keyed += [(t, "id") for t in item.ids] + [(t, "former") for t in item.former]
        keyed += [(t, "alias") for t in item.aliases]
        for text, kind in keyed:
            self._add_key(index, text, kind)
        name = item.entity.name
        acronyms = {fold(a) for a in item.acronyms}
        if any(c.islower() for c in name):  # in an all-caps name, words are not acronyms
            acronyms |= upper_words(name)
        for acronym in acronyms:
            self.acronyms[compact(acronym)].add(index)
        capitals = {initials(item.entity.name)}
        for text in item.mentions:
            capitals |= upper_words(text)
        for acronym in capitals - {""}:
            self.capital_acronyms[compact(acronym)].add(index)

    def _add_key(self, entity: int, text: str, kind: KeyKind) -> None:
        folded = fold(text)
        if not folded:
            return
        key_index = len(self.keys)
        content = content_of(folded)
        self.keys.append(_Key(entity, text, kind, folded, content))
        for rank, form in enumerate(_forms(folded, content)):
            if form:
                score = 100.0 - _FORM_PENALTY[rank] - _KEY_PENALTY[kind]
                scores = self.exact[form]
                scores[key_index] = max(scores.get(key_index, 0.0), score)
        for token in set(folded.split()):  # its beginnings of 3 to PREFIX letters
            for prefix in {token[:size] for size in range(3, PREFIX + 1)}:
                self.prefixes[prefix].add(key_index)

    def lookup(self, query: str) -> Match:
        text = clean(query[:MAX_QUERY])
        folded = fold(text)
        content = content_of(folded)
        if not content:
            return Match("empty")
        exact = self._exact(folded)
        if exact:
            return decide_exact(exact)
        acronym = self._acronym(text, content)
        if acronym:
            return decide_exact(acronym)
        return decide(self._fuzzy(folded, content))

    def _exact(self, folded: str) -> list[Candidate]:
        scored: list[tuple[int, float]] = []
        for rank, form in enumerate(_forms(folded)):
            for key, score in self.exact.get(form, {}).items():
                scored.append((key, score - _FORM_PENALTY[rank]))
        return self._best_per_entity(scored)

    def _acronym(self, text: str, content: str) -> list[Candidate]:
        key = compact(content)
        found = set(self.acronyms.get(key, set()))
        letters = [c for c in text if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            found |= self.capital_acronyms.get(key, set())
        ranked = sorted(found, key=lambda i: self.entities[i].name)
        return [Candidate(self.entities[i], 100.0, key.upper(), "acronym") for i in ranked]

    def _fuzzy(self, folded: str, content: str) -> list[Candidate]:
        typed = compact(folded)
        keys = self.index.candidates(typed)
        scored: list[tuple[int, float]] = []
        for query, choices, scorer in (
            (folded, [self.folded_keys[k] for k in keys], fuzz.ratio),
            (sorted_words(content), [self.sorted_keys[k] for k in keys], fuzz.ratio),
        ):
            for _, score, index in process.extract(
                query, choices, scorer=scorer, limit=12, score_cutoff=SUGGESTION
            ):
                scored.append((keys[index], min(float(score), CONFIDENT - 1)))
        scored += self._typos(typed, keys)
        partial = self._partial_words(folded)
        if len({self.keys[key].entity for key, _ in partial}) > 1:
            # The words typed begin several names: whatever else scores high
            # ("fran travail"), this is a choice to offer.
            scored = [(key, min(score, CONFIDENT - 1)) for key, score in scored]
        return self._best_per_entity(scored + partial)

    def _typos(self, typed: str, keys: list[int]) -> list[tuple[int, float]]:
        """Slips of the keyboard: a letter dropped, swapped or mistyped.

        One slip in a name of 6 letters or more, two from 10, make an answer;
        one more than that makes a choice to offer. A name cut short or
        lengthened at the end ("nomade" for "nomad") is only a choice: real
        words often sit that close to a team's name.
        """
        sure = 0 if len(typed) < 6 else 1 if len(typed) < 10 else 2
        maybe = 0 if len(typed) < 4 else 1 if len(typed) < 6 else 2 if len(typed) < 12 else 3
        maxdist = max(sure, maybe)
        if not maxdist:
            return []
        choices = [self.compact_keys[k] for k in keys]
        found = process.extract(typed, choices, scorer=OSA.distance, score_cutoff=maxdist, limit=12)
        scored = []
        for choice, distance, index in found:
            key = keys[index]
            truncated = choice.startswith(typed) or typed.startswith(choice)
            if distance <= sure and not truncated:
                scored.append((key, 96.0 - 4.0 * distance))
            else:
                scored.append((key, 86.0 - distance))
        return scored

    def _partial_words(self, folded: str) -> list[tuple[int, float]]:
        """Each typed word begins a different word of the name: `plan velo`, `territoires en trans`.

        Filler words ("pour", "service") count when the name has them, and are
        ignored when it does not.
        """
        words = folded.split()
        required = [w for w in words if w not in FILLER]
        if not required or any(len(w) < 3 and not w.isdigit() for w in required):
            return []
        pools = sorted((self.prefixes.get(w[:PREFIX], set()) for w in required), key=len)
        pool = set.intersection(*pools)
        if len(pool) > PARTIAL_POOL:
            # So many names begin that way that it can only be a choice: keep the
            # shortest ones, where the words typed cover the most.
            pool = set(sorted(pool, key=self.key_sizes.__getitem__)[:PARTIAL_POOL])
        covered: list[tuple[int, float, int]] = []
        for key in pool:
            name_words = self.keys[key].folded.split()
            matched = _cover(required, [w for w in words if w in FILLER], name_words)
            if matched:
                typed = sum(len(w) for w in matched)
                coverage = min(typed / max(sum(map(len, name_words)), 1), 1.0)
                covered.append((key, coverage, len(matched)))
        entities = {self.keys[key].entity for key, _, _ in covered}
        scored = []
        for key, coverage, count in covered:
            # One word, or several names covered: a choice to offer, not an answer.
            sure = count >= 2 and len(entities) == 1
            scored.append((key, (90.0 if sure else 78.0) + 8.0 * coverage))
        return scored

    def _best_per_entity(self, scored: Iterable[tuple[int, float]]) -> list[Candidate]:
        best: dict[int, tuple[float, _Key]] = {}
        for key_index, score in scored:
            key = self.keys[key_index]
            if key.entity not in best or score > best[key.entity][0]:
                best[key.entity] = (score, key)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], self.entities[item[0]].name))
        return [
            Candidate(self.entities[i], score, key.text, key.kind) for i, (score, key) in ranked
        ]


def sorted_words(text: str) -> str:
    """Words in order, so that a plain ratio ignores word order (token_sort_ratio, precomputed)."""
    return " ".join(sorted(text.split()))


def _cover(required: list[str], optional: list[str], name_words: list[str]) -> list[str]:
    """The typed words that begin distinct words of the name; [] if a required one does not."""
    free = list(name_words)
    matched = []
    for word in sorted(required, key=len, reverse=True):
        found = next((n for n in free if n.startswith(word)), None)
        if found is None:
            return []
        free.remove(found)
        matched.append(word)
    for word in optional:
        found = next((n for n in free if n.startswith(word)), None)
        if found is not None:
            free.remove(found)
            matched.append(word)
    return matched
