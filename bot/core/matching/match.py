"""What a lookup found, and when it is sure enough to answer rather than offer a choice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.matching.names import Entity

Status = Literal["found", "ambiguous", "unknown", "empty"]

CONFIDENT = 88.0  # a fuzzy score this high, and clearly ahead, is an answer
MARGIN = 4.0  # how far ahead of the next entity the best one must be
PLAUSIBLE = 72.0  # at or above: offered as a choice
SUGGESTION = 55.0  # at or above: named as a close name when nothing matches
KeyKind = Literal["name", "alias", "id", "former"]


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    matched: str  # the name, id, former id, alias or acronym that matched
    kind: KeyKind | Literal["acronym"] = "name"


@dataclass(frozen=True)
class Match:
    status: Status
    candidates: tuple[Candidate, ...] = ()

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def decide_exact(ranked: list[Candidate]) -> Match:
    """Exact hits: one entity ahead of the others is the answer; a tie is a choice."""
    top = ranked[0]
    tied = [c for c in ranked if c.score >= top.score]
    if len(tied) == 1:
        return Match("found", (top,))
    return Match("ambiguous", tuple(ranked[:8]))


def decide(ranked: list[Candidate]) -> Match:
    """Fuzzy hits: an answer only when one is high and clearly ahead; else a choice, or the
    closest names."""
    if not ranked:
        return Match("unknown")
    top = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if top.score >= CONFIDENT and top.score - runner_up >= MARGIN:
        return Match("found", (top,))
    if top.score >= PLAUSIBLE:
        close = [c for c in ranked if c.score >= max(PLAUSIBLE, top.score - 12)]
        return Match("ambiguous", tuple(close[:5]))
    return Match("unknown", tuple(ranked[:3]))
