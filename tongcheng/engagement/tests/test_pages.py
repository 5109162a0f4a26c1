"""The engagement's pages: the ladder (anonymous, other jurisdiction, read-only, allowed), the
writes through the forms, and the lists' query counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.engagement.models import Contact, Representative, Slot
from tongcheng.engagement.tests.factories import appoint, talk
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(cast: Any) -> Representative:
    return appoint(cast.community_a, cast.areas["community_a"], term_from=date(2026, 1, 1))


def test_it_walks_the_ladder_of_an_appointment(cast: Any, client: Any, rep: Representative) -> None:
    url = reverse("engagement:representative_detail", args=[rep.pk])
    assert client.get(url).status_code == 302
    assert cast.client("other_district").get(url).status_code == 404
    assert cast.client("community_b").get(url).status_code == 404
    edit = reverse("engagement:representative_edit", args=[rep.pk])
    assert cast.client("inspector").get(edit).status_code == 403
    assert cast.client("leader").get(url).status_code == 403
    response = cast.client("street").get(url)
    assert response.status_code == 200
    assert "阿依古丽" in response.content.decode()
    assert "138****1234" in response.content.decode()


def test_it_appoints_a_resident_without_a_file(cast: Any) -> None:
    client = cast.client("community_a")
    assert client.get(reverse("engagement:representative_create")).status_code == 200
    form = {
        "name": "买买提·艾力", "ethnicity": "05", "phone": "13900001111",
        "area": cast.areas["community_a"].pk, "term_from": "2026-01-01",
        "term_to": "2028-12-31", "office": "潞州区民族宗教事务局",
        "officer": cast.community_a.pk, "duties": ["opinion", "mediation", "care"],
    }  # fmt: skip
    response = client.post(reverse("engagement:representative_create"), form)
    assert response.status_code == 302
    rep = Representative.objects.get()
    assert rep.serial == f"TCR2026{rep.pk:06d}"
    assert "买买提" not in rep.name_enc and rep.phone_last4 == "1111"
    listing = client.get(reverse("engagement:representative_list")).content.decode()
    assert "买**·*力" in listing and "买买提" not in listing


def test_it_names_the_field_of_a_bad_term(cast: Any) -> None:
    form = {
        "name": "阿依", "ethnicity": "05", "area": cast.areas["community_a"].pk,
        "term_from": "2026-05-01", "term_to": "2026-01-01", "office": "局",
        "officer": cast.community_a.pk, "duties": ["care"],
    }  # fmt: skip
    response = cast.client("community_a").post(reverse("engagement:representative_create"), form)
    assert response.status_code == 400
    assert "任期结束早于开始" in response.content.decode()


def test_it_appoints_the_person_of_a_file(cast: Any) -> None:
    person = make_person("140403001001", name="古丽")
    client = cast.client("community_a")
    url = reverse("engagement:representative_create_for_file", args=[person.pk])
    before = AuditEvent.objects.count()
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.count() == before + 1
    form = {"area": cast.areas["community_a"].pk, "term_from": "2026-01-01",
            "term_to": "2027-12-31", "office": "局", "officer": cast.community_a.pk,
            "duties": ["care"]}  # fmt: skip
    assert client.post(url, form).status_code == 302
    assert Representative.objects.get().person == person


def test_it_records_a_talk_and_opens_its_case(cast: Any, rep: Representative) -> None:
    from tongcheng.cases.models import Case, Service

    service = Service.objects.filter(active=True).first()
    assert service is not None
    url = reverse("engagement:contact_create", args=[rep.pk])
    today = timezone.localdate()
    form = {"kind": "visit", "held_on": today.isoformat(), "topics": ["housing"],
            "summary": "谈了住房", "follow_up": "需要租房补贴",
            "case_service": service.pk}  # fmt: skip
    response = cast.client("community_a").post(url, form)
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.case is not None
    assert Case.objects.get(pk=contact.case_id).description == "需要租房补贴"
    slot = Slot.objects.get(representative=rep, kind="month", period=today.replace(day=1))
    assert slot.done == 1


def test_it_refuses_a_talk_in_the_future(cast: Any, rep: Representative) -> None:
    url = reverse("engagement:contact_create", args=[rep.pk])
    later = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = cast.client("community_a").post(url, {"kind": "phone", "held_on": later,
                                                     "summary": "谈"})  # fmt: skip
    assert response.status_code == 400
    assert "不能是将来" in response.content.decode()


def test_it_deletes_a_talk(cast: Any, rep: Representative) -> None:
    contact = talk(cast.community_a, rep, date(2026, 2, 3))
    url = reverse("engagement:contact_delete", args=[contact.pk])
    assert cast.client("community_a").post(url).status_code == 302
    assert not Contact.objects.exists()
    assert Slot.objects.get(representative=rep, kind="week", period=date(2026, 2, 2)).done == 0


def test_it_ends_an_appointment(cast: Any, rep: Representative) -> None:
    url = reverse("engagement:representative_end", args=[rep.pk])
    response = cast.client("community_a").post(url, {"ended_on": "2026-03-01", "reason": "迁出"})
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.state == "ended" and rep.ended_on == date(2026, 3, 1)


# Every list: the session, the account, its memberships, a savepoint and its release (the
# request's transaction), then the page's own queries.
SHELL = 5
LISTS = {
    # the page of slots (with their appointments and areas), the audit event
    "engagement:due_list": SHELL + 2,
    "engagement:missed_list": SHELL + 2,
    # the page of appointments (with their areas and officers), the audit event
    "engagement:representative_list": SHELL + 2,
    # the default area; tallies per child area, their names; per officer, their names; per period
    "engagement:compliance": SHELL + 6,
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_it_lists_with_a_fixed_number_of_queries(
    cast: Any, django_assert_num_queries: Any, name: str
) -> None:
    client = cast.client("community_a")
    url = reverse(name)
    for size in (2, 6):
        while Representative.objects.count() < size:
            rep = appoint(cast.community_a, cast.areas["community_a"], term_from=date(2025, 1, 1))
            talk(cast.community_a, rep, date(2025, 3, 4))
        client.get(url)
        with django_assert_num_queries(LISTS[name]):
            response = client.get(url)
        assert response.status_code == 200
        if name in ("engagement:due_list", "engagement:representative_list"):
            assert response.content.decode().count("阿**丽") == size


def test_it_refuses_a_change_from_a_page_read_before_another_change(
    cast: Any, rep: Representative
) -> None:
    url = reverse("engagement:representative_edit", args=[rep.pk])
    page = cast.client("street").get(url).content.decode()
    assert 'name="version" value="1"' in page
    form = {
        "name": "阿依古丽", "ethnicity": "05", "phone": "13800001234",
        "area": cast.areas["community_a"].pk, "term_from": "2026-01-01",
        "term_to": "2028-12-31", "office": "潞州区民族宗教事务局",
        "officer": cast.community_a.pk, "duties": ["opinion", "mediation", "care"],
        "version": "1",
    }  # fmt: skip
    first = cast.client("community_a").post(url, {**form, "term_to": "2029-06-30"})
    assert first.status_code == 302
    stale = cast.client("street").post(url, {**form, "office": "潞州区委统战部"})
    assert stale.status_code == 400
    assert "已被他人修改" in stale.content.decode()
    rep.refresh_from_db()
    assert (rep.term_to, rep.office, rep.version) == (date(2029, 6, 30), "潞州区民族宗教事务局", 2)
