"""The 通报 list: the deciding office's cases listed for circulation, grouped by unit, printable
and as a PDF, naming no person."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.workflow import case_supervise
from tongcheng.cases.circulation import working_days_overdue
from tongcheng.cases.tests import deskcases
from tongcheng.org.workcalendar import current_calendar

pytestmark = pytest.mark.django_db
URL = reverse("cases:circulation")
PDF = reverse("cases:circulation_pdf")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_climbs_the_ladder_of_the_list_and_its_pdf(cast: Any) -> None:
    for url in (URL, PDF):
        assert Client().get(url).status_code == 302
        for username in ("hotline", "liaison", "community_a", "leader", "inspector", "volunteer"):
            assert cast.client(username).get(url).status_code == 403, (url, username)
        assert cast.client("district").get(url).status_code == 200
        assert cast.client("city_admin").get(url).status_code == 200


def test_it_groups_the_listed_cases_by_unit_with_what_the_office_needs(cast: Any) -> None:
    district = deskcases.circulated(cast)
    city = deskcases.circulated(cast, deskcases.CITY_UNIT)
    deskcases.urged(cast)  # urged, not yet listed
    response = cast.client("city_admin").get(URL)
    listing = response.context["listing"]
    assert [group.unit for group in listing.groups] == [
        district.lead_department.name,
        city.lead_department.name,
    ]
    row = listing.groups[0].rows[0]
    assert row.number == district.number and row.community == district.community.name
    assert row.days_overdue >= 5 and row.urged_on is not None
    body = response.content.decode()
    assert "长治市" in body and timezone.localdate().isoformat() in body  # the office, the date
    assert "data-print" in body and PDF in body
    assert "d-print-none" in body  # the buttons stay off the paper, like the shell
    assert "马晓梅" not in body and "马*梅" not in body  # no caller, not even masked
    # The district office lists its district unit's case only (the city decides the other).
    mine = cast.client("district").get(URL).context["listing"]
    assert [row.pk for group in mine.groups for row in group.rows] == [district.pk]
    events = AuditEvent.objects.filter(action="case.list", detail__page="circulation")
    assert events.get(username="city_admin").detail["ids"] == sorted([district.pk, city.pk])


def test_it_carries_the_supervising_instruction(cast: Any) -> None:
    case = deskcases.circulated(cast)
    case_supervise(actor=cast.district, case_id=case.pk, expected_version=case.version,
                   instruction="请本周内办结")  # fmt: skip
    body = cast.client("district").get(URL).content.decode()
    assert "请本周内办结" in body


def test_it_downloads_a_real_pdf_with_a_page(cast: Any) -> None:
    case = deskcases.circulated(cast)
    response = cast.client("district").get(PDF)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert b"NotoSansCJK" in content
    assert len(re.findall(rb"/Type\s*/Page\b", content)) >= 1
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="case.list", detail__page="circulation_pdf")
    assert event.detail["ids"] == [case.pk]


def test_it_prints_the_empty_list_too(cast: Any) -> None:
    response = cast.client("district").get(PDF)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert cast.client("district").get(URL).context["listing"].count == 0


@override_settings(CERTIFICATE_FONT="/nonexistent/NotoSansCJK-Regular.ttc")
def test_it_says_the_font_is_missing_instead_of_the_pdf(cast: Any) -> None:
    page = cast.client("district").get(URL)
    assert page.status_code == 200 and "fonts-noto-cjk" in page.content.decode()
    assert PDF not in page.content.decode()
    pdf = cast.client("district").get(PDF)
    assert pdf.status_code == 503 and "fonts-noto-cjk" in pdf.content.decode()


def test_it_counts_working_days_overdue_over_the_holidays(db: None) -> None:
    calendar = current_calendar()
    due = datetime(2026, 9, 30, 17, 30, tzinfo=SHANGHAI)
    # 10-01 to 10-07 are holidays; 10-08 and 10-09 are working days.
    assert working_days_overdue(calendar, due, date(2026, 10, 9)) == 2
    assert working_days_overdue(calendar, due, date(2026, 9, 30)) == 0
    assert working_days_overdue(calendar, None, date(2026, 10, 9)) == 0


@pytest.mark.parametrize("n", [1, 3])
def test_it_shows_the_list_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        deskcases.circulated(cast)
    client = cast.client("district")
    client.get(URL)
    # session, account, memberships, savepoint, the calendar's version check, the rows, the
    # audit event, release.
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert response.context["listing"].count == n
