"""Co-animators by what people call them: `qui camille`, `qui suit @camille.exemple`,
`qui @alex.exemple:agent.tchap.gouv.fr` ask what that person follows.

A person is found by their registry id, full name, first name (when only one
co-animator has it), Mattermost username or Tchap id, exactly once folded: a name
that is only close is not a person (it may be a team).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import OSA

from bot.core.matching.phrases import peel
from bot.core.registry.schema import Animator
from bot.core.text import fold

SLIPPED_NAME = 5  # a first name this long may be typed with one slip

# What people put before a person's name to ask what they follow.
_ASKING = (
    "qu est ce que suit",
    "qu est ce qu elle suit",
    "qu est ce qu il suit",
    "que suit",
    "que suivent",
    "les equipes de",
    "les equipes suivies par",
    "equipes de",
    "ce que suit",
    "le perimetre de",
    "perimetre de",
    "qui remplace",
    "remplace",
    "qui suit",
)
_ASKED_AFTER = (" suit quoi", " suit", " suit quelles equipes")


class AnimatorIndex:
    """Every way to name each co-animator, folded."""

    def __init__(self, animators: Iterable[Animator]) -> None:
        names: dict[str, set[str]] = defaultdict(set)
        for animator in animators:
            for key in _keys(animator):
                names[key].add(animator.id)
        self._names = {key: ids for key, ids in names.items() if key}

    def find(self, folded: str) -> str | None:
        """The registry id of the one co-animator the folded query names, if it does; a
        first name of 5 letters or more may hold one slip (« camile »)."""
        asked = _without_asking(folded)
        for text in (folded, asked, peel(asked)):
            ids = self._names.get(text, set())
            if len(ids) == 1:
                return next(iter(ids))
        if " " in asked or len(asked) < SLIPPED_NAME:
            return None
        near = {
            animator
            for key, ids in self._names.items()
            if " " not in key and OSA.distance(asked, key, score_cutoff=1) <= 1
            for animator in ids
        }
        return next(iter(near)) if len(near) == 1 else None


def _keys(animator: Animator) -> set[str]:
    keys = {fold(animator.id), fold(animator.name)}
    first = fold(animator.name).split()
    if first:
        keys.add(first[0])
    for handle in (animator.mattermost, animator.tchap):
        if handle:
            keys.add(fold(handle))
            keys.add(fold(handle.lstrip("@").split(":")[0]))
    return keys


def _without_asking(folded: str) -> str:
    for phrase in _ASKING:
        if folded.startswith(phrase + " "):
            return folded[len(phrase) + 1 :]
    for phrase in _ASKED_AFTER:
        if folded.endswith(phrase):
            return folded[: -len(phrase)]
    return folded
