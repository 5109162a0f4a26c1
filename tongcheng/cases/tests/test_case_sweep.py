"""The overdue sweep: 催办 the working day after a missed deadline, 通报 five working days
after it, each once however often the sweep runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.sweep import SweepResult, overdue_sweep
from tongcheng.cases.actions.workflow import ReplyInput, case_dispatch, case_reply, case_sign
from tongcheng.cases.models import Case, CaseEvent
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.org.models import Department

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
