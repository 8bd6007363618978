"""What a `qui` query asks for: someone who is not well, a co-animator, or a team, an
incubator or a topic (`Match`). One reading per query, made by `Directory.read`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.matching.match import Match


@dataclass(frozen=True)
class Reading:
    """`distress`: words of someone who is not well (answered warmly, whatever else the
    query names). `person`: the registry id of the co-animator named. `match`: the team,
    incubator or topic lookup, always made."""

    match: Match
    distress: bool = False
    person: str | None = None
