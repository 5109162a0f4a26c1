"""The household formset: add, edit, remove members; school-age flag."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.models import HouseholdMember
from tongcheng.registry.tests.factories import make_person

A = "140403001001"


def management(total: int, initial: int) -> dict[str, object]:
    return {
        "members-TOTAL_FORMS": total,
        "members-INITIAL_FORMS": initial,
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 30,
    }


def test_it_ladders(client, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    person = make_person(A)
    url = reverse("registry:household_edit", args=[person.pk])
    assert client.get(url).status_code == 302
    assert cast.client("community_b").get(url).status_code == 404
    assert cast.client("inspector").get(url).status_code == 403
    assert cast.client("community_a").get(url).status_code == 200


def test_it_adds_edits_and_removes_members(cast: Cast) -> None:
    person = make_person(A)
    url = reverse("registry:household_edit", args=[person.pk])
    client = cast.client("community_a")
    child_birth = date(timezone.localdate().year - 9, 3, 1)
    response = client.post(
        url,
        {
            **management(1, 0),
            "members-0-name": "马小明",
            "members-0-relation": "child",
            "members-0-birth_date": child_birth.isoformat(),
            "members-0-school": "",
        },
    )
    assert response.status_code == 302
    member = HouseholdMember.objects.get(person=person)
    page = client.get(url)
    assert page.context["rows"][0][1] is True  # school age
    detail = client.get(reverse("registry:person_detail", args=[person.pk]))
    assert detail.context["household"][0][1] is True
    response = client.post(
        url,
        {
            **management(2, 1),
            "members-0-id": member.pk,
            "members-0-name": "马小明",
            "members-0-relation": "child",
            "members-0-birth_date": child_birth.isoformat(),
            "members-0-school": "东街小学",
            "members-1-name": "马大山",
            "members-1-relation": "spouse",
        },
    )
    assert response.status_code == 302
    assert HouseholdMember.objects.get(pk=member.pk).school == "东街小学"
    assert HouseholdMember.objects.filter(person=person).count() == 2
    spouse = HouseholdMember.objects.get(name="马大山")
    response = client.post(
        url,
        {
            **management(2, 2),
            "members-0-id": member.pk,
            "members-0-name": "马小明",
            "members-0-relation": "child",
            "members-1-id": spouse.pk,
            "members-1-name": "马大山",
            "members-1-relation": "spouse",
            "members-1-DELETE": "on",
        },
    )
    assert response.status_code == 302
    assert list(HouseholdMember.objects.values_list("name", flat=True)) == ["马小明"]
    assert AuditEvent.objects.filter(action="household.update").count() == 3
