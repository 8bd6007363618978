"""Which names are worth scoring in full for a query: a few dozen, out of thousands.

Scoring every name of a large registry costs milliseconds; a name within a few
typos of the query keeps most of its letter triples, or, when short, is two
deletions away from it. Both are found through indexes built once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import accumulate, chain

import numpy as np

CANDIDATES = 64  # keys scored in full for a fuzzy query
SHORT = 8  # queries this short also get the names two deletions away
MIN_FORM = 3  # shorter deletion forms match too many names to say anything


def trigrams(text: str) -> set[str]:
    padded = f"^{text}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def deletions(word: str, depth: int = 2) -> set[str]:
    """The word with one, or up to two (`depth`), letters deleted, itself included."""
    forms = {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}
    if depth >= 2:
        forms.update(
            word[:i] + word[i + 1 : j] + word[j + 1 :] for j in range(len(word)) for i in range(j)
        )
    return forms


def _most(counts: np.ndarray, limit: int) -> np.ndarray:
    """Positions of about the `limit` highest non-zero counts.

    Counts are small integers with many ties, where a selection (argpartition)
    is slow: pick the lowest count that still keeps at most `limit`, from the
    histogram of counts, then fill up with the next count down.
    """
    histogram = np.bincount(counts)
    kept_from = np.cumsum(histogram[::-1])[::-1]  # kept_from[c]: how many have count >= c
    fits = np.flatnonzero(kept_from[1:] <= limit)
    threshold = int(fits[0]) + 1 if len(fits) else len(histogram)
    chosen = np.flatnonzero(counts >= threshold)
    if threshold > 1 and len(chosen) < limit:
        more = np.flatnonzero(counts == threshold - 1)[: limit - len(chosen)]
        chosen = np.concatenate([chosen, more])
    return chosen


class CandidateIndex:
    """Over keys without spaces (`compact`), identified by their position."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.size = len(keys)
        grams: dict[str, list[int]] = defaultdict(list)
        near: dict[str, list[int]] = defaultdict(list)  # each key once: its forms are a set
        for index, key in enumerate(keys):
            for gram in trigrams(key):
                grams[gram].append(index)
            if len(key) <= SHORT + 2:
                for form in deletions(key):
                    if len(form) >= MIN_FORM:
                        near[form].append(index)
        # Every gram's postings in one array, each gram a slice of it: one allocation
        # instead of one array per gram.
        self.postings = np.fromiter(
            chain.from_iterable(grams.values()),
            dtype=np.int32,
            count=sum(len(found) for found in grams.values()),
        )
        ends = accumulate(len(found) for found in grams.values())
        self.grams = {
            gram: (end - len(found), end)
            for (gram, found), end in zip(grams.items(), ends, strict=True)
        }
        self.deletions: dict[str, Sequence[int]] = dict(near)

    def candidates(self, typed: str) -> list[int]:
        """The keys sharing the most letter triples with the query, most first.

        Scoring every key costs too much once there are thousands of teams; a
        name within a few typos of the query keeps most of its triples, so it is
        among these.
        """
        spans = [self.grams[g] for g in trigrams(typed) if g in self.grams]
        postings = [self.postings[start:end] for start, end in spans]
        if not postings:
            postings = [np.zeros(0, dtype=np.int32)]
        counts = np.bincount(np.concatenate(postings), minlength=self.size)
        found = _most(counts, CANDIDATES)
        keys = [int(k) for k in found[np.argsort(-counts[found], kind="stable")]]
        if MIN_FORM < len(typed) <= SHORT:
            # Slips in a short name leave it few triples: find the short names a deletion
            # or two away instead (a name that many edits away shares one of these forms).
            depth = 1 if len(typed) < 6 else 2
            forms = [f for f in deletions(typed, depth) if len(f) >= MIN_FORM]
            near = set().union(*(self.deletions.get(form, ()) for form in forms))
            keys += sorted(near - set(keys))
        return keys
