"""Working days in France, in Paris time: weekdays that are not public holidays.

Holidays come from the `holidays` package (France, the national ones: Alsace-Moselle's
two extra days are not counted). A working day runs from 9:00 to 18:00 in Paris: time
is counted from the first working moment at or after a request was made, and a reminder
due N working days later goes at the same time of day, N working days later. So
nothing is ever sent at night, on a weekend or on a public holiday.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta

import holidays

from bot.core.clock import PARIS

OPENS = time(9, 0)
CLOSES = time(18, 0)


@functools.lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _at(day: date, hour: time) -> datetime:
    return datetime.combine(day, hour, tzinfo=PARIS)


def working_moment(moment: datetime) -> datetime:
    """The first moment at or after `moment` within a working day's hours, in Paris time."""
    local = moment.astimezone(PARIS)
    day, hour = local.date(), local.timetz().replace(tzinfo=None)
    if is_working_day(day) and OPENS <= hour < CLOSES:
        return local
    if is_working_day(day) and hour < OPENS:
        return _at(day, OPENS)
    return _at(next_working_day(day), OPENS)


def add_working_days(moment: datetime, days: int) -> datetime:
    """`days` working days after `moment`, counted from its first working moment, at the
    same time of day (Paris): Wednesday 23 December 2026 at 10:00, plus 2, is Monday 28
    December at 10:00 (Christmas, then the weekend)."""
    start = working_moment(moment)
    day = start.date()
    for _ in range(days):
        day = next_working_day(day)
    return _at(day, start.timetz().replace(tzinfo=None))
