"""The review queue and resolving a pair: merge (fields, related rows, record) or dismiss."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.actions.duplicates import duplicates_record
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import (
    Consent,
    DuplicateCandidate,
    HouseholdMember,
    NameKey,
    Person,
    PersonChange,
    PersonMerge,
    Visit,
)
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
B = "140403002001"
BIRTH = date(1990, 5, 6)


def pair(code_a: str = A, code_b: str = A, name: str = "马晓梅") -> DuplicateCandidate:
    make_person(
        code_a, name=name, id_number="", birth_date=BIRTH, sex="female", phone="13812345678"
    )
    new = make_person(code_b, name=name, birth_date=BIRTH, address="东街1号", occupation="vendor")
    return duplicates_record(person=new)[0]


def test_it_lists_pairs_the_user_sees_both_of(cast: Cast) -> None:
    within = pair()
    across = pair(A, B, name="韩秀兰")
    url = reverse("registry:duplicate_list")
    a_rows = cast.client("community_a").get(url).context["rows"]
    assert [row[0].pk for row in a_rows] == [within.pk]
    district_rows = cast.client("district").get(url).context["rows"]
    assert {row[0].pk for row in district_rows} == {within.pk, across.pk}
    assert cast.client("inspector").get(url).status_code == 403
    assert AuditEvent.objects.filter(action="person.list").exists()


def test_it_ladders_the_resolve_page(client, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    candidate = pair(A, B)
    url = reverse("registry:duplicate_resolve", args=[candidate.pk])
    assert client.get(url).status_code == 302
    assert cast.client("community_a").get(url).status_code == 404
    assert cast.client("inspector").get(url).status_code == 403
    response = cast.client("street").get(url)
    assert response.status_code == 404  # community_b is outside the street
    assert cast.client("district").get(url).status_code == 200


def test_it_dismisses(cast: Cast) -> None:
    candidate = pair()
    url = reverse("registry:duplicate_resolve", args=[candidate.pk])
    assert cast.client("community_a").post(url, {"action": "dismiss"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == "dismissed" and candidate.resolved_by is not None
    assert Person.objects.count() == 2


def test_it_merges_into_the_kept_file(cast: Cast) -> None:
    candidate = pair()
    kept, merged = candidate.other, candidate.person  # keep the older file
    officer = cast.community_a
    Visit.objects.create(
        person=merged, area_code=A, visited_on=date(2024, 1, 1), officer=officer, outcome="met"
    )
    HouseholdMember.objects.create(person=merged, name="马小明", relation="child")
    Consent.objects.create(person=merged, kind="legal_aid_sharing", given_on=date(2024, 1, 1))
    PersonChange.objects.create(person=merged, action="person.create")
    merged_number = decrypt(merged, "id_number")
    url = reverse("registry:duplicate_resolve", args=[candidate.pk])
    response = cast.client("community_a").post(url, {"action": "merge", "keep": "other"})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=merged.pk).exists()
    assert not NameKey.objects.filter(person_id=merged.pk).exists()
    kept.refresh_from_db()
    assert decrypt(kept, "id_number") == merged_number  # filled: the kept had none
    assert decrypt(kept, "phone") == "13812345678"  # its own, kept
    assert decrypt(kept, "address") == "东街1号" and kept.occupation == "vendor"
    assert kept.version == 2
    assert Visit.objects.get().person_id == kept.pk
    assert HouseholdMember.objects.get().person_id == kept.pk
    assert Consent.objects.get().person_id == kept.pk
    assert PersonChange.objects.filter(person=kept, action="person.create").exists()
    record = PersonMerge.objects.get()
    assert record.kept_id == kept.pk and record.merged_person_id == merged.pk
    assert {"id_number", "address", "occupation"} <= set(record.fields_taken)
    event = AuditEvent.objects.get(action="person.merge")
    assert event.detail["merged_person_id"] == merged.pk
    assert event.detail["moved"]["visits"] == 1
    assert merged_number not in str(event.detail)


def test_it_refuses_a_merge_for_read_only_users(cast: Cast) -> None:
    candidate = pair()
    url = reverse("registry:duplicate_resolve", args=[candidate.pk])
    assert (
        cast.client("inspector").post(url, {"action": "merge", "keep": "other"}).status_code == 403
    )
    assert Person.objects.count() == 2
