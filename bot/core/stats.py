"""The transparency figures: requests per category and month, how fast they are claimed and
closed, the share claimed within two working days. Never a name.

They are computed from `Fact`s, which carry no person at all, and shown as text: any
figure computed from fewer than `SMALL` requests reads « moins de 5 », so that nobody can
be recognised in a small number. Confidential requests appear only as one total per
quarter, all their categories together, under the same rule; they count in nothing else.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.clock import PARIS
from bot.core.registry.schema import Category
from bot.core.text import MONTHS
from bot.core.workdays import add_working_days

SMALL = 5
FEW = "moins de 5"
CLAIM_WITHIN_DAYS = 2


@dataclass(frozen=True)
class Fact:
    """What the figures need of a request, and nothing more: no person, no text.
    `taken_at`: when it was first claimed (or closed, if closed without a claim)."""

    category_id: str
    confidential: bool
    created_at: datetime
    taken_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Row:
    """One category's figures (or all of them together), already as text."""

    label: str
    per_month: tuple[str, ...]
    total: str
    claim_median: str
    close_median: str
    claimed_in_time: str


@dataclass(frozen=True)
class Figures:
    months: tuple[date, ...]  # the first day of each month shown, oldest first
    rows: tuple[Row, ...]
    overall: Row
    confidential: tuple[tuple[str, str], ...]  # (« 4e trimestre 2026 », its total)

    @property
    def period(self) -> str:
        """« d'octobre à décembre 2026 », « de novembre 2026 à janvier 2027 »."""
        first, last = self.months[0], self.months[-1]
        start = MONTHS[first.month - 1] if first.year == last.year else month_name(first)
        of = "d'" if start[0] in "aeiou" else "de "
        return f"{of}{start} à {month_name(last)}"


def month_name(month: date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def count(number: int) -> str:
    return FEW if number < SMALL else str(number)


def duration(delta: timedelta) -> str:
    """A duration for people: « 40 min », « 5 h », « 3,5 jours »."""
    minutes = delta.total_seconds() / 60
    if minutes < 60:
        return f"{max(round(minutes), 1)} min"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h"
    return f"{minutes / 1440:.1f} jours".replace(".", ",")


def median(deltas: Sequence[timedelta]) -> str:
    if len(deltas) < SMALL:
        return FEW
    return duration(timedelta(seconds=statistics.median(d.total_seconds() for d in deltas)))


def share_in_time(facts: Iterable[Fact], now: datetime) -> str:
    """The share claimed within two working days, among those whose two days are over or
    that were claimed already (one still open within its two days says nothing yet)."""
    decided = in_time = 0
    for fact in facts:
        deadline = add_working_days(fact.created_at, CLAIM_WITHIN_DAYS)
        if fact.taken_at is None and now < deadline:
            continue
        decided += 1
        in_time += fact.taken_at is not None and fact.taken_at <= deadline
    if decided < SMALL:
        return FEW
    return f"{round(100 * in_time / decided)} %"


def months_before(now: datetime, months: int) -> tuple[date, ...]:
    """The first days of the last `months` months, the current one last (Paris time)."""
    current = now.astimezone(PARIS).date().replace(day=1)
    firsts = [current]
    for _ in range(months - 1):
        firsts.append((firsts[-1] - timedelta(days=1)).replace(day=1))
    return tuple(reversed(firsts))


def _month(moment: datetime) -> date:
    return moment.astimezone(PARIS).date().replace(day=1)


def _quarter(month: date) -> str:
    number = (month.month - 1) // 3 + 1
    return f"{'1er' if number == 1 else f'{number}e'} trimestre {month.year}"


def _row(label: str, facts: Sequence[Fact], months: Sequence[date], now: datetime) -> Row:
    by_month = [sum(_month(f.created_at) == m for f in facts) for m in months]
    return Row(
        label=label,
        per_month=tuple(count(n) for n in by_month),
        total=count(len(facts)),
        claim_median=median([f.taken_at - f.created_at for f in facts if f.taken_at]),
        close_median=median([f.closed_at - f.created_at for f in facts if f.closed_at]),
        claimed_in_time=share_in_time(facts, now),
    )


def figures(
    facts: Iterable[Fact], categories: Sequence[Category], *, now: datetime, months: int
) -> Figures:
    """The figures of the last `months` months (the current one included)."""
    shown = months_before(now, months)
    start = shown[0]
    recent = [f for f in facts if _month(f.created_at) >= start]
    public = [f for f in recent if not f.confidential]
    rows = tuple(
        _row(c.label, [f for f in public if f.category_id == c.id], shown, now)
        for c in categories
        if not c.confidential
    )
    quarters: dict[str, int] = {}
    for month in shown:
        quarters.setdefault(_quarter(month), 0)
    for fact in recent:
        if fact.confidential:
            quarters[_quarter(_month(fact.created_at))] += 1
    return Figures(
        months=shown,
        rows=rows,
        overall=_row("Toutes les demandes non confidentielles", public, shown, now),
        confidential=tuple((name, count(total)) for name, total in quarters.items()),
    )


def since(now: datetime, months: int) -> datetime:
    """The first moment the figures of the last `months` months look at."""
    first = months_before(now, months)[0]
    return datetime(first.year, first.month, 1, tzinfo=PARIS)
