"""The working calendar: add_working_days and add_working_hours per second, the cache's cost.

Random starts across 2024-2027 (2027 unknown to the package, so those answers are provisional)
and random amounts: up to 60 working days, up to 80 working hours. One process, one core, the
calendar of `current_calendar()` (the package's years; the bench database enters none), three
rounds of 200,000 calls each.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

from tongcheng.lib.workdays import WorkCalendar
from tongcheng.org.workcalendar import (
    PACKAGE_HOLIDAYS,
    PACKAGE_MAKEUP_DAYS,
    PACKAGE_YEARS,
    current_calendar,
)

Row = tuple[str, float | int, str]

CALLS = 200_000
ROUNDS = 3
FIRST, LAST = date(2024, 1, 1), date(2027, 12, 31)


def _starts(rng: random.Random) -> list[date]:
    span = (LAST - FIRST).days
    return [FIRST + timedelta(days=rng.randrange(span + 1)) for _ in range(CALLS)]


def _rounds(measure: Callable[[], float]) -> tuple[float, float]:
    """Calls per second in ROUNDS rounds (other work shares the cores): the median, the best."""
    figures = sorted(measure() for _ in range(ROUNDS))
    return round(statistics.median(figures), 0), round(figures[-1], 0)


def _days(starts: list[date], amounts: list[int]) -> float:
    add = current_calendar().add_working_days
    started = time.perf_counter()
    for start, n in zip(starts, amounts, strict=True):
        add(start, n)
    return CALLS / (time.perf_counter() - started)


def _hours(moments: list[datetime], amounts: list[float]) -> float:
    add = current_calendar().add_working_hours
    started = time.perf_counter()
    for start, hours in zip(moments, amounts, strict=True):
        add(start, hours)
    return CALLS / (time.perf_counter() - started)


def _cost(function: Callable[[], object], times: int) -> float:
    """Microseconds per call."""
    started = time.perf_counter()
    for _ in range(times):
        function()
    return round((time.perf_counter() - started) / times * 1e6, 1)


def run() -> list[Row]:
    rng = random.Random(2026)
    starts = _starts(rng)
    days = [rng.randrange(61) for _ in range(CALLS)]
    moments = [
        datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randrange(24 * 60))
        for day in starts
    ]
    hours = [rng.randrange(0, 80 * 4) / 4 for _ in range(CALLS)]
    current_calendar()  # built once
    provisional = sum(
        current_calendar().add_working_days(s, n).provisional
        for s, n in zip(starts, days, strict=True)
    )
    days_median, days_best = _rounds(lambda: _days(starts, days))
    hours_median, hours_best = _rounds(lambda: _hours(moments, hours))
    rows: list[Row] = [
        ("add_working_days, random starts 2024-2027: median", days_median, "calls/s"),
        ("add_working_days: best round", days_best, "calls/s"),
        ("  answers provisional (reaching 2027)", round(100 * provisional / CALLS, 1), "%"),
        ("add_working_hours, random starts 2024-2027: median", hours_median, "calls/s"),
        ("add_working_hours: best round", hours_best, "calls/s"),
        ("current_calendar(): version check, calendar kept", _cost(current_calendar, 2000), "µs"),
        ("building the calendar of 2004-2026", _cost(_build_package_calendar, 50), "µs"),
    ]
    return rows


def _build_package_calendar() -> WorkCalendar:
    return WorkCalendar(frozenset(PACKAGE_YEARS), PACKAGE_HOLIDAYS, PACKAGE_MAKEUP_DAYS)
