"""The city office's time-limit page: what applies, setting a row, a service's own row."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.workflow import case_dispatch
from tongcheng.cases.models import Case, TimeLimit
from tongcheng.cases.tests.factories import open_case, service
from tongcheng.org.models import Department
from tongcheng.org.workcalendar import current_calendar

pytestmark = pytest.mark.django_db
ROW = {"nature": "help", "urgency": "normal", "dispatch": "1d", "sign": "4h", "handle": "5d",
       "follow_up": "1d"}  # fmt: skip


def test_only_the_city_office_keeps_the_time_limits(cast: Any, client: Any) -> None:
    assert client.get("/cases/time-limits/").status_code == 302
    assert cast.client("district").get("/cases/time-limits/").status_code == 403
    page = cast.client("city_admin").get("/cases/time-limits/")
    assert page.status_code == 200 and "13d" in page.content.decode()  # the complaint default


def test_it_sets_a_row_that_new_deadlines_follow(cast: Any) -> None:
    answer = cast.client("city_admin").post("/cases/time-limits/", ROW)
    assert answer.status_code == 302
    assert TimeLimit.objects.get(service__isnull=True, nature="help").handle == "5d"
    assert AuditEvent.objects.filter(action="case.time_limit").count() == 1
    case = open_case(cast.community_a, cast.areas["community_a"])
    case = case_dispatch(actor=cast.district, case_id=case.pk, expected_version=case.version,
                         lead=Department.objects.get(code="140403-hrss"))  # fmt: skip
    assert case.sign_due is not None and case.dispatched_at is not None
    # 4 working hours, not the default 1 working day (counted in working hours, so the test
    # holds whatever the day and hour it runs at).
    start, due = timezone.localtime(case.dispatched_at), timezone.localtime(case.sign_due)
    hours = current_calendar().working_hours_between(start, due).value
    assert hours == pytest.approx(4)


def test_it_names_a_bad_limit(cast: Any) -> None:
    answer = cast.client("city_admin").post("/cases/time-limits/", ROW | {"handle": "5 days"})
    assert answer.status_code == 400 and "h" in answer.content.decode()
    assert not TimeLimit.objects.filter(service__isnull=True, nature="help").exists()


def test_a_service_row_wins_and_can_be_removed(cast: Any) -> None:
    client = cast.client("city_admin")
    certification = service("hardship-certification")
    client.post("/cases/time-limits/", ROW | {"service": certification.pk, "handle": "30d"})
    row = TimeLimit.objects.get(service=certification, nature="help", urgency="normal")
    assert row.handle == "30d"
    assert client.post(f"/cases/time-limits/{row.pk}/remove/").status_code == 302
    assert not TimeLimit.objects.filter(pk=row.pk).exists()
    assert client.post("/cases/time-limits/999999/remove/").status_code == 404
    assert Case.objects.count() == 0
