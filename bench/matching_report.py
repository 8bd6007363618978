"""How `qui` readings are judged and reported, by kind, for `bench/matching_quality.py`.

For each query: top-1 (the first name said is the expected one, whether the bot
answers, hedges or offers a choice), answered right (answered with confidence or
with a hedge, and right: what people count, since a choice is one more step),
hedged right (of those, with a hedge), and confident wrong (answered, with
confidence or a hedge, and wrong: the error that misleads; for a name that does
not exist, any answer is one).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.core.matching.directory import Directory
from bot.core.matching.reading import Reading

Row = tuple[str, str, object]  # kind, query, expected


@dataclass(frozen=True)
class Verdict:
    top1: bool
    answered: bool
    hedged: bool
    wrong: bool


def said(reading: Reading) -> tuple[list[str], bool, bool]:
    """(the ids said, first first; whether one was answered; whether with a hedge)."""
    match = reading.match
    if reading.distress and not (match.status == "found" and match.exact):
        return ["distress"], True, False
    if reading.person is not None:
        return [f"person:{reading.person}"], True, False
    ids = [c.entity.id for c in match.candidates]
    return ids, match.status in ("found", "likely"), match.status == "likely"


def judge(reading: Reading, expected: object) -> Verdict:
    ids, answered, hedged = said(reading)
    if expected is None:
        return Verdict(True, False, False, answered)
    wanted = expected if isinstance(expected, list) else [expected]
    top1 = bool(ids) and ids[0] in wanted
    return Verdict(top1, answered and top1, hedged and top1, answered and not top1)


@dataclass
class Tally:
    queries: Counter[str] = field(default_factory=Counter)
    top1: Counter[str] = field(default_factory=Counter)
    answered: Counter[str] = field(default_factory=Counter)
    hedged: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, verdict: Verdict) -> None:
        self.queries[kind] += 1
        self.top1[kind] += verdict.top1
        self.answered[kind] += verdict.answered
        self.hedged[kind] += verdict.hedged
        self.wrong[kind] += verdict.wrong


NOTHING = ("unknown", "hostile", "inconnu")  # kinds whose queries name nothing, mostly


def report(title: str, rows: list[Row], directory: Directory, *, show: bool) -> Tally:
    tally = Tally()
    for kind, query, expected in rows:
        reading = directory.read(query)
        verdict = judge(reading, expected)
        tally.add(kind, verdict)
        if show and (verdict.wrong or (not verdict.answered and expected is not None)):
            ids, _, _ = said(reading)
            status = "distress" if reading.distress else reading.match.status
            print(f"  {kind:12} {query[:60]!r} -> {status} {ids[:3]} (expected {expected})")
    print(f"\n{title}")
    print(f"{'kind':13}{'queries':>8}{'top-1':>8}{'answered':>10}{'hedged':>8}{'conf. wrong':>13}")
    for kind in sorted(tally.queries):
        _line(kind, tally, [kind])
    known = [k for k in tally.queries if k not in NOTHING]
    if known:
        _line("all named", tally, known)
    return tally


def _line(label: str, tally: Tally, kinds: list[str]) -> None:
    n = sum(tally.queries[k] for k in kinds)

    def share(counter: Counter[str]) -> str:
        return f"{100 * sum(counter[k] for k in kinds) / n:>7.1f}%"

    wrong = sum(tally.wrong[k] for k in kinds)
    print(
        f"{label:13}{n:>8}{share(tally.top1)}{share(tally.answered):>10}"
        f"{share(tally.hedged):>8}{wrong:>13}"
    )
