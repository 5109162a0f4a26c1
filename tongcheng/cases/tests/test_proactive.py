"""未诉先办: the community officer's proactive lists, each entry with its reason and a link to open
a case (nothing opened by itself), within the officer's area, one page at a time."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.certcodes import verify_code_column
from tongcheng.cases.models import Case, Channel
from tongcheng.cases.proactive import PAGE_SIZE, coming_september, school_age_births
from tongcheng.cases.servicemodels import Certification
from tongcheng.cases.tests.factories import open_case, service
from tongcheng.lib.schoolage import is_school_age
from tongcheng.org.models import Department
from tongcheng.registry.models import HouseholdMember
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
B = "140403002001"


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
       st.integers(min_value=2000, max_value=2040))  # fmt: skip
def test_it_takes_exactly_the_school_age_births(born: date, year: int) -> None:
    first, last = school_age_births(date(year, 9, 1))
    assert (first <= born <= last) == is_school_age(born, date(year, 9, 1))


def test_it_looks_ahead_to_the_coming_september() -> None:
    assert coming_september(date(2026, 3, 1)) == date(2026, 9, 1)
    assert coming_september(date(2026, 9, 20)) == date(2026, 9, 1)
    assert coming_september(date(2026, 10, 1)) == date(2027, 9, 1)


def _child(community: str, *, school: str = "", age: int = 8) -> HouseholdMember:
    parent = make_person(community, name="马建华")
    born = date(coming_september(timezone.localdate()).year - age, 3, 1)
    return HouseholdMember.objects.create(
        person=parent, name="马小明", relation=HouseholdMember.Relation.CHILD, birth_date=born,
        school=school,
    )  # fmt: skip


@pytest.mark.django_db
def test_it_lists_school_age_children_without_a_school_with_the_reason(cast: Any) -> None:
    child = _child(A)
    _child(A, school="和平小学")  # a school is recorded
    _child(A, age=3)  # too young
    _child(B)  # another community
    url = reverse("cases:proactive")
    assert Client().get(url).status_code == 302
    assert cast.client("hotline").get(url).status_code == 403
    page = cast.client("community_a").get(url, {"list": "school"})
    body = page.content.decode()
    assert page.status_code == 200 and body.count("马小明") == 1
    assert str(coming_september(timezone.localdate()).year) in body
    create = reverse("cases:case_create", args=[child.person_id])
    assert f"{create}?service=school-enrolment&amp;proactive=1" in body
    event = AuditEvent.objects.get(action="proactive.list")
    assert event.detail["ids"] == [child.person_id]
    assert not Case.objects.exists()  # nothing opened by itself
    # Opening it from the list: the service chosen, the channel says proactive.
    form = cast.client("community_a").get(f"{create}?service=school-enrolment&proactive=1")
    chosen = service("school-enrolment").pk
    assert f'<option value="{chosen}" selected>' in form.content.decode()
    posted = cast.client("community_a").post(
        f"{create}?service=school-enrolment&proactive=1",
        {"service": service("school-enrolment").pk, "nature": "help", "urgency": "normal",
         "description": "九月入学"},
    )  # fmt: skip
    assert posted.status_code == 302
    assert Case.objects.get(person=child.person).channel == Channel.PROACTIVE
    again = cast.client("community_a").get(url, {"list": "school"}).content.decode()
    assert create not in again  # a case is open: said, not offered twice


@pytest.mark.django_db
def test_it_lists_expiring_permits_and_certifications(cast: Any) -> None:
    today = timezone.localdate()
    soon = make_person(A, name="古丽娜尔", permit_kind="residence",
                       permit_expires_on=today + timedelta(days=12))  # fmt: skip
    make_person(A, name="扎西", permit_kind="residence",
                permit_expires_on=today + timedelta(days=90))  # fmt: skip
    page = cast.client("community_a").get(reverse("cases:proactive"), {"list": "permit"})
    body = page.content.decode()
    assert "古丽娜尔" in body and "扎西" not in body and "12" in body
    holder = make_person(A, name="白永强")
    case = open_case(cast.community_a, holder.community, person=holder, caller_name="",
                     service_code="hardship-certification")  # fmt: skip
    civil = Department.objects.get(code="city-civil")
    Certification.objects.create(
        case=case, person=holder, area_code=holder.area_code, department=civil,
        serial="TK2026EXPIRE01", verify_code_enc=verify_code_column("ABCDEF"),
        valid_from=today - timedelta(days=300), valid_until=today + timedelta(days=20),
    )  # fmt: skip
    listed = cast.client("community_a").get(reverse("cases:proactive"), {"list": "certification"})
    assert "白永强" in listed.content.decode() and "TK2026EXPIRE01" in listed.content.decode()
    assert soon.name not in listed.content.decode()
    other = cast.client("community_b").get(reverse("cases:proactive"), {"list": "certification"})
    assert "白永强" not in other.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, PAGE_SIZE + 3])
def test_it_pages_the_list_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        _child(A)
    client = cast.client("community_a")
    client.get(reverse("cases:proactive"))
    # session, account, memberships (the shell), savepoint, the page of children with their
    # files and communities, the cases already open on the page's files, the audit event,
    # release.
    with django_assert_num_queries(8):
        page = client.get(reverse("cases:proactive"), {"list": "school"})
    body = page.content.decode()
    assert body.count("马小明") == min(n, PAGE_SIZE)
    assert ("page=2" in body) == (n > PAGE_SIZE)
    second = client.get(reverse("cases:proactive"), {"list": "school", "page": "2"})
    assert second.content.decode().count("马小明") == max(0, n - PAGE_SIZE)
