"""The cadence's calendar: ISO weeks over year ends, months, festival dates and forum windows."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tongcheng.engagement import cadence
from tongcheng.engagement.cadence import Festivals, periods, slot_keys, week_of

NONE = Festivals({})


def test_it_computes_the_umm_al_qura_festival_dates() -> None:
    assert cadence.computed_adha(2026) == date(2026, 5, 27)
    assert cadence.computed_fitr(2026) == date(2026, 3, 20)
    assert cadence.computed_adha(2027) == date(2027, 5, 16)
    assert cadence.computed_fitr(2027) == date(2027, 3, 9)


def test_it_takes_the_first_festival_of_a_year_that_holds_two() -> None:
    # 2006 held 古尔邦节 on 10 January and again on 31 December.
    assert cadence.computed_adha(2006) == date(2006, 1, 10)


def test_it_has_no_date_outside_the_calendars_range() -> None:
    assert cadence.computed_adha(1800) is None
    assert NONE.window(1800) is None


def test_it_lets_an_entered_date_win() -> None:
    fest = Festivals({2026: date(2026, 5, 28)})
    assert fest.adha(2026) == date(2026, 5, 28)
    assert fest.adha(2027) == date(2027, 5, 16)


def test_it_puts_the_last_days_of_2026_in_iso_week_53() -> None:
    assert week_of(date(2027, 1, 3)) == date(2026, 12, 28)
    assert date(2026, 12, 28).isocalendar()[:2] == (2026, 53)
    assert slot_keys("phone", date(2027, 1, 1), NONE) == [("week", date(2026, 12, 28))]
    keys = slot_keys("visit", date(2027, 1, 1), NONE)
    assert keys == [("week", date(2026, 12, 28)), ("month", date(2027, 1, 1))]


def test_it_counts_a_forum_in_its_window_only() -> None:
    assert NONE.forum_year(date(2026, 5, 27) - timedelta(days=30)) == 2026
    assert NONE.forum_year(date(2026, 5, 27) + timedelta(days=7)) == 2026
    assert NONE.forum_year(date(2026, 5, 27) + timedelta(days=8)) is None
    assert slot_keys("forum", date(2026, 5, 20), NONE) == [("forum", date(2026, 1, 1))]
    assert slot_keys("forum", date(2026, 9, 1), NONE) == []


def test_it_makes_partial_periods_not_due() -> None:
    # Appointed on Wednesday 2026-12-30, to 2027-02-10 (a Wednesday).
    found = {(p.kind, p.start): p.due for p in periods(date(2026, 12, 30), date(2027, 2, 10), NONE)}
    assert found[("week", date(2026, 12, 28))] is False  # week 53, joined mid-week
    assert found[("week", date(2027, 1, 4))] is True
    assert found[("week", date(2027, 2, 8))] is False  # ends mid-week
    assert found[("month", date(2026, 12, 1))] is False
    assert found[("month", date(2027, 1, 1))] is True
    assert found[("month", date(2027, 2, 1))] is False
    assert found[("forum", date(2027, 1, 1))] is False  # 2027-05-16 is after the term
    assert found[("forum", date(2026, 1, 1))] is False
    assert len([k for k in found if k[0] == "week"]) == 7


@given(st.dates(date(2020, 1, 1), date(2035, 12, 31)), st.integers(0, 800))
def test_it_covers_every_day_of_a_term_with_one_week_and_one_month(first: date, days: int) -> None:
    last = first + timedelta(days=days)
    found = periods(first, last, NONE)
    weeks = sorted(p.start for p in found if p.kind == "week")
    months = sorted(p.start for p in found if p.kind == "month")
    assert weeks[0] <= first and weeks[-1] + timedelta(days=6) >= last
    assert all(b - a == timedelta(days=7) for a, b in itertools.pairwise(weeks))
    assert months[0] == first.replace(day=1) and months[-1] == last.replace(day=1)
    for p in found:
        end = cadence.period_end(p.kind, p.start)
        if p.kind != "forum":
            assert p.due == (first <= p.start and end <= last)
