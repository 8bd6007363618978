"""What a lookup found, and when it is sure enough to answer rather than offer a choice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.matching.names import Entity

# found: the answer. likely: one good candidate, answered with a hedge (« je pense que
# tu parles de … »). ambiguous: several, offered as a choice. unknown: none good enough,
# the closest names are said. empty: no name at all.
Status = Literal["found", "likely", "ambiguous", "unknown", "empty"]

CONFIDENT = 88.0  # a fuzzy score this high, and clearly ahead, is an answer
MARGIN = 4.0  # how far ahead of the next entity the best one must be
LIKELY = 78.0  # at or above, and the only plausible one: answered with a hedge
PLAUSIBLE = 72.0  # at or above: offered as a choice
SUGGESTION = 55.0  # at or above: named as a close name when nothing matches
KeyKind = Literal["name", "alias", "id", "former"]
APART = 6.0  # how far ahead of the next a hedged answer must be


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    matched: str  # the name, id, former id, alias or acronym that matched
    kind: KeyKind | Literal["acronym"] = "name"


@dataclass(frozen=True)
class Match:
    """`exact`: found among the exact forms of the names (not a typo or a part)."""

    status: Status
    candidates: tuple[Candidate, ...] = ()
    exact: bool = False

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def answer(self) -> Candidate | None:
        """The one candidate to answer with, sure or likely; None when a choice is needed."""
        return self.best if self.status in ("found", "likely") else None


def decide_exact(ranked: list[Candidate]) -> Match:
    """Exact hits: one entity ahead of the others is the answer; a tie is a choice."""
    top = ranked[0]
    tied = [c for c in ranked if c.score >= top.score]
    if len(tied) == 1:
        return Match("found", (top,), exact=True)
    return Match("ambiguous", tuple(ranked[:8]), exact=True)


def decide(ranked: list[Candidate]) -> Match:
    """Fuzzy hits: an answer only when one is high and clearly ahead; an answer with a
    hedge when one good name stands apart (the fuzzy tiers keep below LIKELY what may
    not be hedged); else a choice, or the closest names."""
    if not ranked:
        return Match("unknown")
    top = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if top.score >= CONFIDENT and top.score - runner_up >= MARGIN:
        return Match("found", (top,))
    if top.score < PLAUSIBLE:
        return Match("unknown", tuple(ranked[:3]))
    if top.score - runner_up >= APART or runner_up < PLAUSIBLE:
        likely = top.score >= LIKELY
        return Match("likely" if likely else "unknown", tuple(ranked[:3]))
    close = [c for c in ranked if c.score >= max(PLAUSIBLE, top.score - 12)]
    return Match("ambiguous", tuple(close[:5]))
