"""The services beyond dispatch on the web: a hardship certification granted and printed, checked
and revoked; a waiver that finds it; relief payments and their yearly sums; employment outcomes."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.workflow import case_dispatch, case_sign
from tongcheng.cases.models import Case, CaseEvent
from tongcheng.cases.servicemodels import (
    Certification,
    EmploymentOutcome,
    FeeWaiver,
    ReliefPayment,
)
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.org.models import Department, User
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db
A = "140403001001"
OTHER = "140404001001"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def handled_case(cast: Any, service: str, unit: str, community: str = A, **extra: Any) -> Case:
    """A case of a file, dispatched to `unit` and signed by its liaison."""
    person = extra.pop("person", None) or make_person(community, name="阿依古丽")
    case = open_case(cast.city_admin, person.community, person=person, caller_name="",
                     service_code=service)  # fmt: skip
    department = Department.objects.get(code=unit)
    case = case_dispatch(
        actor=cast.city_admin, case_id=case.pk, expected_version=case.version, lead=department
    )
    return case_sign(actor=liaison(unit), case_id=case.pk, expected_version=case.version)


def post(client: Client, case: Case, step: str, **data: Any) -> Any:
    return client.post(reverse("cases:case_service", args=[case.pk, step]), data)


def grant(cast: Any, **extra: Any) -> Certification:
    case = handled_case(cast, "hardship-certification", "city-civil", **extra)
    today = timezone.localdate()
    response = post(client_of(liaison("city-civil")), case, "grant",
                    valid_from=today.isoformat(),
                    valid_until=(today + timedelta(days=365)).isoformat())  # fmt: skip
    assert response.status_code == 302
    return Certification.objects.get(case=case)


def test_it_grants_a_certification_as_a_step_with_history_and_audit(cast: Any) -> None:
    certification = grant(cast)
    assert re.fullmatch(r"TK\d{4}[2-9A-Z]{8}", certification.serial)
    assert certification.status() == Certification.Status.VALID
    assert certification.department.code == "city-civil"
    event = AuditEvent.objects.get(action="case.grant")
    assert event.object_id == str(certification.case_id)
    assert "阿依古丽" not in str(event.detail)
    assert CaseEvent.objects.filter(case=certification.case, action="grant").count() == 1
    # Once per case.
    again = post(client_of(liaison("city-civil")), certification.case, "grant",
                 valid_from="2026-01-01", valid_until="2026-06-30")  # fmt: skip
    assert again.status_code == 409
    assert Certification.objects.filter(case=certification.case).count() == 1


def test_it_refuses_bad_dates_naming_the_field(cast: Any) -> None:
    case = handled_case(cast, "hardship-certification", "city-civil")
    unit = client_of(liaison("city-civil"))
    backwards = post(unit, case, "grant", valid_from="2026-06-01", valid_until="2026-01-01")
    assert backwards.status_code == 400
    assert "The end date cannot be before the start date." in backwards.content.decode() or (
        "结束日期" in backwards.content.decode()
    )
    garbage = post(unit, case, "grant", valid_from="not a date", valid_until="")
    assert garbage.status_code == 400 and 'id="id_grant_valid_from"' in garbage.content.decode()
    assert post(unit, case, "no-such-step").status_code == 404
    assert not Certification.objects.filter(case=case).exists()


def test_it_lets_only_the_lead_unit_grant(cast: Any) -> None:
    case = handled_case(cast, "hardship-certification", "city-civil")
    # The district office sees the case and may write in its area, but is not the unit.
    refused = post(cast.client("district"), case, "grant",
                   valid_from="2026-01-01", valid_until="2026-06-30")  # fmt: skip
    assert refused.status_code == 409
    other = post(cast.client("other_district"), case, "grant", valid_from="2026-01-01")
    assert other.status_code == 404
    assert post(Client(), case, "grant").status_code == 302  # anonymous: to the login page
    assert not Certification.objects.filter(case=case).exists()


def test_it_shows_prints_and_checks_the_certificate(cast: Any) -> None:
    certification = grant(cast)
    url = reverse("cases:certificate", args=[certification.pk])
    assert Client().get(url).status_code == 302
    assert cast.client("other_district").get(url).status_code == 404
    assert cast.client("leader").get(url).status_code == 403
    page = cast.client("community_a").get(url)
    assert page.status_code == 200 and certification.serial in page.content.decode()
    assert AuditEvent.objects.filter(action="certification.view").count() == 1
    pdf = cast.client("community_a").get(reverse("cases:certificate_pdf", args=[certification.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"NotoSansCJK" in pdf.content
    # The code is kept encrypted: the database alone cannot make a certificate that checks out.
    assert len(certification.verify_code) == 6
    assert certification.verify_code not in certification.verify_code_enc
    # The check: serial and code → the status and the masked name, nothing else.
    verify = reverse("cases:certificate_verify")
    checker = cast.client("other_district")  # another district's office checks it too
    found = checker.get(verify, {"serial": certification.serial, "code": certification.verify_code})
    body = found.content.decode()
    assert found.status_code == 200 and certification.serial in body
    assert "阿**丽" in body and "阿依古丽" not in body
    assert certification.department.name in body
    wrong = checker.get(verify, {"serial": certification.serial, "code": "AAAAAA"})
    assert certification.department.name not in wrong.content.decode()
    assert AuditEvent.objects.filter(action="certification.verify").count() == 2


@override_settings(CERTIFICATE_FONT="/nonexistent/NotoSansCJK-Regular.ttc")
def test_it_says_the_font_is_missing_instead_of_printing(cast: Any) -> None:
    certification = grant(cast)
    client = cast.client("community_a")
    page = client.get(reverse("cases:certificate", args=[certification.pk]))
    assert page.status_code == 200 and "fonts-noto-cjk" in page.content.decode()
    pdf = client.get(reverse("cases:certificate_pdf", args=[certification.pk]))
    assert pdf.status_code == 503 and "fonts-noto-cjk" in pdf.content.decode()


def test_it_revokes_and_the_check_says_so(cast: Any) -> None:
    certification = grant(cast)
    unit = client_of(liaison("city-civil"))
    assert post(unit, certification.case, "revoke", reason="").status_code == 400
    assert post(unit, certification.case, "revoke", reason="已就业，不再符合").status_code == 302
    fresh = Certification.objects.get(pk=certification.pk)
    assert fresh.status() == Certification.Status.REVOKED
    found = cast.client("district").get(
        reverse("cases:certificate_verify"),
        {"serial": certification.serial, "code": certification.verify_code},
    )
    assert str(Certification.Status.REVOKED.label) in found.content.decode() or (
        "已撤销" in found.content.decode()
    )


def test_it_shows_the_valid_certification_on_the_file_page(cast: Any) -> None:
    certification = grant(cast)
    page = cast.client("community_a").get(
        reverse("registry:person_detail", args=[certification.person_id])
    )
    assert certification.serial in page.content.decode()
    assert reverse("cases:certificate", args=[certification.pk]) in page.content.decode()


def test_it_shows_a_waiver_case_whether_the_person_is_certified(cast: Any) -> None:
    certification = grant(cast)
    person = certification.person
    case = handled_case(cast, "school-fee-waiver", "city-edu", person=person)
    unit = client_of(liaison("city-edu"))
    page = unit.get(reverse("cases:case_detail", args=[case.pk]))
    assert certification.serial in page.content.decode()
    today = timezone.localdate()
    saved = post(unit, case, "waiver", amount="1200.50", period_from=today.isoformat(),
                 period_until=(today + timedelta(days=180)).isoformat())  # fmt: skip
    assert saved.status_code == 302
    waiver = FeeWaiver.objects.get(case=case)
    assert waiver.certification_id == certification.pk and waiver.amount == Decimal("1200.50")
    assert waiver.kind == FeeWaiver.Kind.SCHOOL
    # Without a certification: the page says so, the waiver records none.
    other = handled_case(cast, "medical-fee-waiver", "city-health")
    page = client_of(liaison("city-health")).get(reverse("cases:case_detail", args=[other.pk]))
    assert "no valid hardship certification" in page.content.decode() or (
        "没有有效的特困认定" in page.content.decode()
    )
    bad = post(client_of(liaison("city-health")), other, "waiver", amount="-5",
               period_from="2026-01-01", period_until="2026-02-01")  # fmt: skip
    assert bad.status_code == 400 and not FeeWaiver.objects.filter(case=other).exists()


def test_it_records_relief_and_sums_it_per_year_and_area(
    cast: Any, django_assert_num_queries: Any
) -> None:
    case = handled_case(cast, "temporary-relief", "city-civil")
    unit = client_of(liaison("city-civil"))
    today = timezone.localdate()
    last_year = date(today.year - 1, 3, 15)
    for amount, paid in (("500", today), ("300.25", today), ("800", last_year)):
        response = post(unit, case, "relief", kind="cash", amount=amount, paid_on=paid.isoformat())
        assert response.status_code == 302
    future = post(unit, case, "relief", kind="cash", amount="5",
                  paid_on=(today + timedelta(days=3)).isoformat())  # fmt: skip
    assert future.status_code == 400
    assert ReliefPayment.objects.filter(case=case).count() == 3
    other = handled_case(cast, "temporary-relief", "city-civil", community=OTHER)
    post(unit, other, "relief", kind="in_kind", amount="999", paid_on=today.isoformat())
    url = reverse("cases:relief_sums")
    office = cast.client("district")
    office.get(url)
    # session, account, memberships (the shell), savepoint, the sums (grouped by year and
    # street, with the visible cases as a subquery), the streets' names, release.
    with django_assert_num_queries(7):
        page = office.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "800.25" in body and "800.00" in body and "999" not in body  # 上党区 is not theirs
    assert "东街街道" in body
    assert cast.client("community_a").get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_it_records_employment_outcomes(cast: Any) -> None:
    case = handled_case(cast, "job-seeking", "city-hrss")
    unit = cast.client("liaison")
    saved = post(unit, case, "employment", kind="referral", partner="长治市某餐饮公司",
                 result="hired", on="2026-03-02", note="")  # fmt: skip
    assert saved.status_code == 302
    outcome = EmploymentOutcome.objects.get(case=case)
    assert outcome.result == EmploymentOutcome.Result.HIRED
    page = unit.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "长治市某餐饮公司" in page
    missing = post(unit, case, "employment", kind="training", partner="", result="completed",
                   on="2026-03-02")  # fmt: skip
    assert missing.status_code == 400
    # Read-only: the inspector sees the case, may record nothing (not in the policy: 403).
    assert post(cast.client("inspector"), case, "employment").status_code == 403
    # A relief step on an employment case is refused in words.
    wrong = post(unit, case, "relief", kind="cash", amount="5", paid_on="2026-03-02")
    assert wrong.status_code == 409
