"""Working days in France, in Paris time: weekends and public holidays skipped, the time of
day kept, nothing outside 9:00–18:00."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.core.clock import PARIS
from bot.core.workdays import add_working_days, is_working_day, next_working_day, working_moment


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # a Thursday
        (date(2026, 12, 25), False),  # Christmas
        (date(2026, 12, 26), False),  # Saturday
        (date(2026, 12, 27), False),  # Sunday
        (date(2026, 12, 28), True),
        (date(2027, 1, 1), False),  # New Year's Day, a Friday
        (date(2026, 5, 14), False),  # Ascension Day
        (date(2026, 7, 14), False),
        (date(2026, 12, 26), False),  # St Stephen's is Alsace-Moselle's only: a Saturday anyway
        (date(2027, 3, 26), True),  # Good Friday: Alsace-Moselle only, not counted
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_next_working_day_skips_christmas_and_the_weekend() -> None:
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (paris(2026, 12, 23, 10, 0), paris(2026, 12, 23, 10, 0)),  # within the day
        (paris(2026, 12, 23, 7, 30), paris(2026, 12, 23, 9, 0)),  # before it opens
        (paris(2026, 12, 23, 18, 0), paris(2026, 12, 24, 9, 0)),  # once it has closed
        (paris(2026, 12, 24, 19, 0), paris(2026, 12, 28, 9, 0)),  # Christmas Eve, evening
        (paris(2026, 12, 26, 11, 0), paris(2026, 12, 28, 9, 0)),  # a Saturday
    ],
)
def test_working_moment(moment: datetime, expected: datetime) -> None:
    assert working_moment(moment) == expected


@pytest.mark.parametrize(
    ("made", "days", "due"),
    [
        # Wednesday 23 December 2026, 10:00: Thursday 24 is one, Christmas and the weekend
        # do not count, Monday 28 is two.
        (paris(2026, 12, 23, 10, 0), 2, paris(2026, 12, 28, 10, 0)),
        (paris(2026, 12, 23, 10, 0), 4, paris(2026, 12, 30, 10, 0)),
        # Friday evening: counted from Monday 9:00.
        (paris(2026, 12, 18, 20, 0), 2, paris(2026, 12, 23, 9, 0)),
        (paris(2026, 12, 18, 20, 0), 4, paris(2026, 12, 28, 9, 0)),
        # Across New Year's Day.
        (paris(2026, 12, 30, 15, 0), 2, paris(2027, 1, 4, 15, 0)),
        # Across the change to summer time (29 March 2026): the same time of day, in Paris.
        (paris(2026, 3, 26, 11, 0), 2, paris(2026, 3, 30, 11, 0)),
    ],
)
def test_add_working_days(made: datetime, days: int, due: datetime) -> None:
    assert add_working_days(made, days) == due
    assert add_working_days(made, days).utcoffset() == due.utcoffset()
