"""Working days and working hours over China's holidays and 调休 make-up working days.

A `WorkCalendar` is an immutable value built from the years it knows, their holidays (休) and
their make-up working days (班: a Saturday or a Sunday worked in exchange for a holiday). A day
is a working day when it is a make-up day, or a Monday to Friday that is not a holiday.

Every question returns an `Answer`: the value, and the years the computation touched that the
calendar does not know. Such an answer is **provisional**: in an unknown year Monday to Friday
count as working days, and nothing else, since a year's holidays are never guessed. Once the
year is known, asking again gives the exact answer.

Days:

- `add_working_days(start, n)` (n ≥ 0): a start on a non-working day counts as the next working
  day (a request received on a Saturday is received on the Monday). The answer is the working
  day n working days after that one: n = 0 gives start itself when it is a working day, else the
  next working day.
- `working_days_between(a, b)`: the working days in [a, b), a counted and b not (negative when
  b < a). It is the inverse of add: `working_days_between(a, add_working_days(a, n)) == n`.

Hours, over the working periods of a working day (`periods`; default 08:30–12:00 and
14:30–17:30, the WORKING_HOURS setting). A period is half-open: 12:00 is not in the morning.

- `add_working_hours(start, h)` (h ≥ 0): h = 0 gives start itself when it lies in a period of a
  working day, else the start of the next period; h > 0 gives the earliest moment at which h
  working hours have passed since start, which may be the end of a period (12:00, 17:30).
- `working_hours_between(a, b)`: the working hours between a and b (negative when b < a); the
  inverse of add as for days. Times are read on the wall clock of `start`'s own time zone (pass
  local times: China has no summer time); an aware `b` is converted to `a`'s zone first.

Speed: a day's status is Monday–Friday unless it is an exception (a holiday on a weekday, a
make-up day on a weekend). The calendar keeps the exceptions as one sorted list of ordinals with
running sums, so counting the working days before a date is a formula plus one `bisect`, and
finding the n-th working day is one `bisect` more: O(log n) in the number of exceptions, whatever
the distance (bench/bench_workdays.py; docs/calendar.md has the figures).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from itertools import pairwise
from types import MappingProxyType

_US_PER_HOUR = 3_600_000_000
_US_PER_MINUTE = 60_000_000
_US_PER_SECOND = 1_000_000
_NO_YEARS: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer[T]:
    """A result, and the years it touched that the calendar does not know (then provisional)."""

    value: T
    unknown_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.unknown_years)


@dataclass(frozen=True, slots=True)
class Period:
    """A working period of the day, half-open: [start, end)."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


DEFAULT_WORKING_HOURS = "08:30-12:00,14:30-17:30"


def _time_of(value: str | time) -> time:
    if isinstance(value, time):
        return value
    hours, _, minutes = value.strip().partition(":")
    return time(int(hours), int(minutes or 0))


def _pair(text: str) -> tuple[str | time, str | time]:
    start, dash, end = text.partition("-")
    if not dash:
        raise ValueError(text)
    return start, end


def parse_periods(spec: str | Sequence[tuple[str | time, str | time]]) -> tuple[Period, ...]:
    """Working periods from "08:30-12:00,14:30-17:30" or [("08:30", "12:00"), …].

    Raises ValueError unless there is at least one period, each ends after it starts, and they
    come in order without overlapping.
    """
    try:
        if isinstance(spec, str):
            pairs = [_pair(part) for part in spec.split(",") if part.strip()]
        else:
            pairs = list(spec)
        periods = tuple(Period(_time_of(start), _time_of(end)) for start, end in pairs)
    except ValueError as exc:
        raise ValueError(f"working hours must look like 08:30-12:00,14:30-17:30: {spec!r}") from exc
    if not periods:
        raise ValueError("working hours need at least one period")
    for period in periods:
        if period.end <= period.start:
            raise ValueError(f"a working period must end after it starts: {period}")
    for before, after in pairwise(periods):
        if after.start < before.end:
            raise ValueError(f"working periods must be in order, not overlapping: {after}")
    return periods


DEFAULT_PERIODS = parse_periods(DEFAULT_WORKING_HOURS)


def _weekdays_before(ordinal: int) -> int:
    """Mondays to Fridays among the ordinals [1, ordinal) (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal - 1, 7)
    return 5 * weeks + (rest if rest < 5 else 5)


def _nth_weekday(count: int) -> int:
    """The ordinal of the Monday–Friday with `count` Mondays to Fridays before it."""
    weeks, rest = divmod(count, 5)
    return 1 + 7 * weeks + rest


def _is_weekday(ordinal: int) -> bool:
    return (ordinal - 1) % 7 < 5


def _microseconds(moment: datetime) -> int:
    return (
        (moment.hour * 60 + moment.minute) * 60 + moment.second
    ) * _US_PER_SECOND + moment.microsecond


def _of_time(value: time) -> int:
    return (value.hour * 60 + value.minute) * _US_PER_MINUTE + value.second * _US_PER_SECOND


@dataclass(frozen=True, slots=True, eq=False)
class WorkCalendar:
    """The years known, their holidays and make-up working days (date → name), the periods.

    Raises ValueError for a day in a year not listed as known, a make-up day that is not a
    Saturday or a Sunday, or a date that is both a holiday and a make-up day.
    """

    years: frozenset[int]
    holidays: Mapping[date, str]
    makeup_days: Mapping[date, str]
    periods: tuple[Period, ...] = DEFAULT_PERIODS
    # Derived in __post_init__: the exceptions to Monday–Friday, sorted, with their running sums.
    _exceptions: list[int] = field(init=False, repr=False)
    _makeup: frozenset[int] = field(init=False, repr=False)
    _exception_set: frozenset[int] = field(init=False, repr=False)
    _sums: list[int] = field(init=False, repr=False)
    _counts_at: list[int] = field(init=False, repr=False)
    _spans: tuple[tuple[int, int], ...] = field(init=False, repr=False)
    _day_length: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        years = frozenset(self.years)
        holidays = dict(self.holidays)
        makeup_days = dict(self.makeup_days)
        for day in [*holidays, *makeup_days]:
            if day.year not in years:
                raise ValueError(f"{day} lies in a year the calendar does not know")
        for day in makeup_days:
            if day.weekday() < 5:
                raise ValueError(f"{day} is a make-up working day but not a Saturday or Sunday")
            if day in holidays:
                raise ValueError(f"{day} is both a holiday and a make-up working day")
        # A holiday on a weekend changes no count: only weekday holidays are exceptions.
        minus = {day.toordinal() for day in holidays if day.weekday() < 5}
        plus = {day.toordinal() for day in makeup_days}
        exceptions = sorted(minus | plus)
        sums = [0]
        for ordinal in exceptions:
            sums.append(sums[-1] + (1 if ordinal in plus else -1))
        spans = tuple((_of_time(p.start), _of_time(p.end)) for p in self.periods)
        set_ = object.__setattr__
        set_(self, "years", years)
        set_(self, "holidays", MappingProxyType(holidays))
        set_(self, "makeup_days", MappingProxyType(makeup_days))
        set_(self, "_exceptions", exceptions)
        set_(self, "_makeup", frozenset(plus))
        set_(self, "_exception_set", frozenset(exceptions))
        set_(self, "_sums", sums)
        set_(self, "_counts_at", [_weekdays_before(o) + sums[i] for i, o in enumerate(exceptions)])
        set_(self, "_spans", spans)
        set_(self, "_day_length", sum(end - start for start, end in spans))

    # --- the counting core, on ordinals ------------------------------------------------------

    def _count(self, ordinal: int) -> int:
        """Working days among the ordinals [1, ordinal)."""
        return _weekdays_before(ordinal) + self._sums[bisect_left(self._exceptions, ordinal)]

    def _nth(self, count: int) -> int:
        """The ordinal of the working day with `count` working days before it.

        The exceptions whose count is at most `count` are exactly those on or before the answer:
        it is the last of them if that is a make-up day with this count, else the Monday–Friday
        that many (less their running sum) weekdays from the start.
        """
        index = bisect_right(self._counts_at, count)
        if index and self._counts_at[index - 1] == count:
            last = self._exceptions[index - 1]
            if last in self._makeup:
                return last
        return _nth_weekday(count - self._sums[index])

    def _working(self, ordinal: int) -> bool:
        return _is_weekday(ordinal) != (ordinal in self._exception_set)

    def _unknown(self, first: int, last: int) -> tuple[int, ...]:
        """The years from `first` to `last` the calendar does not know."""
        if first == last:
            return _NO_YEARS if first in self.years else (first,)
        return tuple(year for year in range(first, last + 1) if year not in self.years)

    # --- days --------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> Answer[bool]:
        return Answer(self._working(day.toordinal()), self._unknown(day.year, day.year))

    def add_working_days(self, start: date, n: int) -> Answer[date]:
        """The working day n working days after start (see the module docstring)."""
        if n < 0:
            raise ValueError("add_working_days counts forward: n must be 0 or more")
        result = date.fromordinal(self._nth(self._count(start.toordinal()) + n))
        return Answer(result, self._unknown(start.year, result.year))

    def working_days_between(self, a: date, b: date) -> Answer[int]:
        """Working days in [a, b): a counted, b not; negative when b comes before a."""
        first, last = sorted((a.toordinal(), b.toordinal()))
        # The days counted are [first, last): the last one itself is not touched.
        touched = (
            _NO_YEARS
            if first == last
            else self._unknown(date.fromordinal(first).year, date.fromordinal(last - 1).year)
        )
        return Answer(self._count(b.toordinal()) - self._count(a.toordinal()), touched)

    # --- hours -------------------------------------------------------------------------------

    def _offset(self, microseconds: int) -> int:
        """Working time of a working day before this time of day."""
        done = 0
        for start, end in self._spans:
            if microseconds <= start:
                break
            if microseconds < end:
                return done + microseconds - start
            done += end - start
        return done

    def _position(self, moment: datetime) -> int:
        """Working microseconds from the start of ordinal 1 to moment."""
        ordinal = moment.toordinal()
        base = self._count(ordinal) * self._day_length
        if not self._working(ordinal):
            return base
        return base + self._offset(_microseconds(moment))

    def _moment(self, position: int, *, earliest: bool, zone: tzinfo | None) -> datetime:
        """The moment at `position`: the earliest one (a period's end), or the latest (a start)."""
        count, rest = divmod(position, self._day_length)
        if earliest and rest == 0:
            ordinal, microseconds = self._nth(count - 1), self._spans[-1][1]
        else:
            ordinal, microseconds = self._nth(count), self._spans[0][0]
            done = 0
            for start, end in self._spans:
                length = end - start
                if rest < done + length or (earliest and rest == done + length):
                    microseconds = start + rest - done
                    break
                done += length
        hours, microseconds = divmod(microseconds, _US_PER_HOUR)
        minutes, microseconds = divmod(microseconds, _US_PER_MINUTE)
        seconds, microseconds = divmod(microseconds, _US_PER_SECOND)
        clock = time(hours, minutes, seconds, microseconds)
        return datetime.combine(date.fromordinal(ordinal), clock, zone)

    def add_working_hours(self, start: datetime, hours: float) -> Answer[datetime]:
        """The moment h working hours after start (see the module docstring)."""
        if hours < 0:
            raise ValueError("add_working_hours counts forward: hours must be 0 or more")
        amount = round(hours * _US_PER_HOUR)
        result = self._moment(
            self._position(start) + amount, earliest=amount > 0, zone=start.tzinfo
        )
        return Answer(result, self._unknown(start.year, result.year))

    def working_hours_between(self, a: datetime, b: datetime) -> Answer[float]:
        """Working hours between a and b (negative when b comes before a)."""
        if a.tzinfo is not None and b.tzinfo is not None:
            b = b.astimezone(a.tzinfo)
        first, last = (a, b) if a <= b else (b, a)
        touched = _NO_YEARS if first == last else self._unknown(first.year, last.year)
        microseconds = self._position(b) - self._position(a)
        return Answer(microseconds / _US_PER_HOUR, touched)
