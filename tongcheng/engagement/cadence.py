"""三必谈's calendar: the periods of the cadence, which of them an appointment is due for, and
the festival dates (docs/engagement.md, "The cadence").

- a phone talk each ISO week (the period is the week's Monday; a week belongs to the ISO year
  of its Thursday, so 2026-12-28 … 2027-01-03 is week 53 of 2026);
- a face-to-face talk each calendar month (the period is its first day); a face-to-face talk
  is also that week's talk;
- the 古尔邦节 forum once a year (the period is 1 January of the festival's year): a forum
  counts for the year when it is held from FORUM_BEFORE days before to FORUM_AFTER days after
  that year's 古尔邦节.

A period is **due** when the appointment covers all of it: the term began on or before its
first day and the appointment lasts (its term's end, or the day it was ended) to its last day
at least. A festival year is due when the appointment covers the festival day. A contact in a
period that is not due (the first or last, partial one) is recorded and counted in its slot,
but the period is neither due nor done in the figures.

Pure functions of dates (and of the entered festival dates, given as a mapping): no database.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from hijridate import Gregorian, Hijri

WEEK, MONTH, FORUM = "week", "month", "forum"
# A forum counts for a year when held within these days of its 古尔邦节.
FORUM_BEFORE = 30
FORUM_AFTER = 7
# Umm al-Qura: 10 Dhu al-Hijjah (古尔邦节, Eid al-Adha), 1 Shawwal (开斋节, Eid al-Fitr).
ADHA = (12, 10)
FITR = (10, 1)


def week_of(day: date) -> date:
    """The Monday of the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def month_of(day: date) -> date:
    return day.replace(day=1)


def period_end(kind: str, start: date) -> date:
    """The last day of a period."""
    if kind == WEEK:
        return start + timedelta(days=6)
    if kind == MONTH:
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    return date(start.year, 12, 31)


def _computed(year: int, month_day: tuple[int, int]) -> date | None:
    """The Umm al-Qura date of a Hijri month and day in a Gregorian year (the first, when a
    year holds two), or None outside the calendar's range."""
    try:
        first = Gregorian(year, 1, 1).to_hijri().year
        for hijri_year in (first, first + 1):
            day = Hijri(hijri_year, *month_day).to_gregorian()
            if day.year == year:
                return date(day.year, day.month, day.day)
    except (OverflowError, ValueError):
        return None
    return None


def computed_adha(year: int) -> date | None:
    return _computed(year, ADHA)


def computed_fitr(year: int) -> date | None:
    return _computed(year, FITR)


@dataclass(frozen=True)
class Festivals:
    """The 古尔邦节 dates to use: the entered one of a year wins over the computed one."""

    entered: Mapping[int, date]

    def adha(self, year: int) -> date | None:
        return self.entered.get(year) or computed_adha(year)

    def window(self, year: int) -> tuple[date, date] | None:
        day = self.adha(year)
        if day is None:
            return None
        return day - timedelta(days=FORUM_BEFORE), day + timedelta(days=FORUM_AFTER)

    def forum_year(self, held_on: date) -> int | None:
        """The festival year a forum held on this day counts for (None: outside every window)."""
        for year in (held_on.year - 1, held_on.year, held_on.year + 1):
            window = self.window(year)
            if window is not None and window[0] <= held_on <= window[1]:
                return year
        return None


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    due: bool


def _starts(kind: str, first: date, last: date) -> Iterator[date]:
    start = week_of(first) if kind == WEEK else month_of(first)
    while start <= last:
        yield start
        start = period_end(kind, start) + timedelta(days=1)


def periods(first: date, last: date, festivals: Festivals) -> list[Period]:
    """Every period an appointment from `first` to `last` (inclusive) intersects, and whether
    it is due (the appointment covers all of it; a festival year: the festival day)."""
    found = [
        Period(kind, start, first <= start and period_end(kind, start) <= last)
        for kind in (WEEK, MONTH)
        for start in _starts(kind, first, last)
    ]
    for year in range(first.year, last.year + 1):
        day = festivals.adha(year)
        found.append(Period(FORUM, date(year, 1, 1), day is not None and first <= day <= last))
    return found


def slot_keys(kind: str, held_on: date, festivals: Festivals) -> list[tuple[str, date]]:
    """The periods a contact of this kind on this day counts in."""
    if kind == "phone":
        return [(WEEK, week_of(held_on))]
    if kind == "visit":
        return [(WEEK, week_of(held_on)), (MONTH, month_of(held_on))]
    year = festivals.forum_year(held_on)
    return [] if year is None else [(FORUM, date(year, 1, 1))]


def periods_back(kind: str, start: date, n: int) -> date:
    """The start of the period `n` periods before the one starting on `start`."""
    if kind == WEEK:
        return start - timedelta(weeks=n)
    if kind == MONTH:
        months = start.year * 12 + start.month - 1 - n
        return date(months // 12, months % 12 + 1, 1)
    return date(start.year - n, 1, 1)
