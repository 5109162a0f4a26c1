"""The overdue sweep: 催办 the working day after a missed deadline, 通报 five working days
after it, each once however often the sweep runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.sweep import SweepResult, overdue_sweep, report_due, urged_before
from tongcheng.cases.actions.workflow import ReplyInput, case_dispatch, case_reply, case_sign
from tongcheng.cases.models import Case, CaseEvent
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.notify.models import Notification
from tongcheng.org.models import Department
from tongcheng.org.workcalendar import current_calendar

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


def _in_progress(cast: Any, due: datetime) -> Case:
    case = open_case(cast.community_a, cast.areas["community_a"])
    lead = Department.objects.get(code="140403-hrss")
    case = case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=lead
    )
    case = case_sign(actor=liaison("140403-hrss"), case_id=case.pk, expected_version=case.version)
    # The handling deadline as if the case had been dispatched days ago.
    Case.objects.filter(pk=case.pk).update(handle_due=due, due_at=due)
    return Case.objects.get(pk=case.pk)


def test_it_urges_the_working_day_after_the_miss_and_lists_five_working_days_later(
    cast: Any,
) -> None:
    # Due Friday 2026-09-25 17:30; Monday 09-28 is the next working day.
    case = _in_progress(cast, at("2026-09-25", "17:30"))
    # Saturday: the deadline passed (announced once), no 催办 yet.
    assert overdue_sweep(now=at("2026-09-26", "10:00")) == SweepResult(0, 0, overdue=1)
    assert overdue_sweep(now=at("2026-09-28", "08:30")) == SweepResult(1, 0)
    assert overdue_sweep(now=at("2026-09-28", "09:00")) == SweepResult(0, 0)
    # Five working days after Monday 09-28: 09-29, 09-30, then the National Day holidays
    # (10-01 to 10-07), 10-08, 10-09 and Saturday 10-10 (a make-up working day).
    assert overdue_sweep(now=at("2026-10-09", "17:00")) == SweepResult(0, 0)
    assert overdue_sweep(now=at("2026-10-10", "08:30")) == SweepResult(0, 1)
    assert overdue_sweep(now=at("2026-10-12", "08:30")) == SweepResult(0, 0)
    moves = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert moves[-2:] == ["urge", "report"]
    assert AuditEvent.objects.filter(action="case.urge", object_id=str(case.pk)).count() == 1


def test_it_leaves_replied_and_closed_cases_alone(cast: Any) -> None:
    case = _in_progress(cast, at("2026-09-25", "17:30"))
    officer = liaison("140403-hrss")
    reply = ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已办")
    case_reply(actor=officer, case_id=case.pk, expected_version=case.version, data=reply)
    Case.objects.filter(pk=case.pk).update(due_at=at("2026-09-25", "17:30"))
    # The follow-up call is late (announced to whoever calls back); the unit is not urged.
    assert overdue_sweep(now=at("2026-09-30", "10:00")) == SweepResult(0, 0, overdue=1)


def test_its_bound_on_urges_agrees_with_the_rule_of_each_case_around_holidays() -> None:
    # Every urge day from mid-September to the end of October 2026 (the National Day
    # holidays and their make-up days inside), at sweeps from early morning to late evening.
    calendar = current_calendar()
    days = [date(2026, 9, 14) + timedelta(days=k) for k in range(50)]
    for today in days[10:]:
        for clock in ("00:05", "08:30", "23:55"):
            now = at(today.isoformat(), clock)
            bound = urged_before(calendar, now)
            for urged_on in days:
                if urged_on > today:
                    continue
                for urged_clock in ("00:00", "09:00", "23:59"):
                    urged = at(urged_on.isoformat(), urged_clock)
                    seen = Case(urged_at=urged, reported_at=None)
                    assert (urged < bound) == report_due(calendar, seen, now), (urged, now)


@pytest.mark.parametrize("n", [1, 4])
def test_a_sweep_reads_none_of_the_urged_cases_whose_report_is_not_due(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        _in_progress(cast, at("2026-09-25", "17:30"))
    assert overdue_sweep(now=at("2026-09-28", "08:30")) == SweepResult(n, 0, overdue=n)
    # Tuesday: urged yesterday, listed for 通报 only on 10-10. The sweep's five reads (the
    # calendar's version check, the cases to urge, to report, due soon and overdue) and
    # nothing per case.
    with django_assert_num_queries(5):
        assert overdue_sweep(now=at("2026-09-29", "10:00")) == SweepResult(0, 0)


@pytest.mark.parametrize("n", [1, 4])
def test_it_announces_many_deadlines_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        _in_progress(cast, at("2026-09-25", "17:30"))
    # Saturday: every deadline passed, none urged yet. The five reads, then one batch: the
    # cases locked, their units, the units' liaisons, the notifications (three), the marks.
    with django_assert_num_queries(14):
        assert overdue_sweep(now=at("2026-09-26", "10:00")) == SweepResult(0, 0, overdue=n)
    assert Notification.objects.filter(kind="case.overdue").count() == n
