"""A case's deadline arithmetic: `cases.deadlines.due` computations per second.

What a move computes for each stage: a start moment (random, 2024-2027, any time of day; 2027
is unknown to the package, so those answers are provisional) and a limit of the 12345 defaults
("1h", "2h", "0d", "1d", "3d", "13d") or the city office's longer ones ("30d"). One process,
one core, three rounds of 200,000 computations; the target is at least 200,000 per second.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tongcheng.cases.deadlines import due
from tongcheng.org.workcalendar import current_calendar

Row = tuple[str, float | int, str]

CALLS = 200_000
ROUNDS = 3
LIMITS = ["1h", "2h", "0d", "1d", "3d", "13d", "30d"]
ZONE = ZoneInfo("Asia/Shanghai")


def _inputs(rng: random.Random) -> list[tuple[datetime, str]]:
    first = datetime(2024, 1, 1, tzinfo=ZONE)
    span = int(timedelta(days=4 * 365).total_seconds())
    return [
        (first + timedelta(seconds=rng.randrange(span)), rng.choice(LIMITS)) for _ in range(CALLS)
    ]


def _round(inputs: list[tuple[datetime, str]]) -> float:
    calendar = current_calendar()
    started = time.perf_counter()
    for start, limit in inputs:
        due(calendar, start, limit)
    return CALLS / (time.perf_counter() - started)


def run() -> list[Row]:
    inputs = _inputs(random.Random(2026))
    _round(inputs[:10_000])  # warm the calendar's caches
    figures = sorted(_round(inputs) for _ in range(ROUNDS))
    provisional = sum(due(current_calendar(), s, limit).provisional for s, limit in inputs[:20_000])
    return [
        ("deadline computations per second (median)", round(statistics.median(figures)), "/s"),
        ("deadline computations per second (best)", round(figures[-1]), "/s"),
        ("provisional answers in a sample of 20,000", provisional, "answers"),
    ]
