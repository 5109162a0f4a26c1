"""Creating a file: search first, validation, duplicates by ID number, fuzzy candidates."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import AuditWriteError
from tongcheng.conftest import Cast
from tongcheng.lib.idnumber import make_id_number
from tongcheng.registry.actions import persons
from tongcheng.registry.errors import IdNumberElsewhere
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import AreaSummary, DuplicateCandidate, NameKey, Person, PersonChange
from tongcheng.registry.rules import LOOK_ALIKE_LIMIT
from tongcheng.registry.tests.factories import make_person
from tongcheng.registry.validation import PersonInput

A = "140403001001"
B = "140403002001"
URL = reverse("registry:person_create")
PHONE = "13812345678"
# Middle characters of the names of files that share a phone and nothing else.
NAME_PARTS = "丁马白杨海穆沙哈纳米韩冶喇金"


def form(cast: Cast, **fields: str) -> dict[str, object]:
    return {
        "name": "马晓梅",
        "ethnicity": "03",
        "id_number": "",
        "phone": "",
        "origin": "甘肃临夏广河",
        "community": cast.areas["community_a"].pk,
        "address": "东街1号",
        "occupation": "noodle_restaurant",
        **fields,
    }


def test_it_redirects_anonymous_users(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 302


def test_it_refuses_read_only_and_other_roles(cast: Cast) -> None:
    assert cast.client("inspector").get(URL).status_code == 403
    assert cast.client("leader").get(URL).status_code == 403


def test_it_creates_a_file_with_encrypted_identifiers(cast: Cast) -> None:
    number = make_id_number("622924", date(1990, 5, 6), 3, "female")
    response = cast.client("community_a").post(
        URL, form(cast, id_number=number, phone="138-1234-5678", notice_given="1")
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person_detail", args=[person.pk])
    assert person.area_code == A and person.origin_region_id == "622924"
    assert person.origin_province == "62"
    assert (person.sex, person.birth_date) == ("female", date(1990, 5, 6))
    assert decrypt(person, "id_number") == number and number not in person.id_number_enc
    assert decrypt(person, "phone") == "13812345678" and person.phone_last4 == "5678"
    assert decrypt(person, "address") == "东街1号"
    assert person.notice_given_on is not None
    assert NameKey.objects.filter(person=person, key="晓梅").exists()
    change = PersonChange.objects.get(person=person)
    assert change.action == "person.create" and "id_number" in change.fields
    event = AuditEvent.objects.get(action="person.create")
    assert event.object_id == str(person.pk) and number not in str(event.detail)


def test_it_reports_errors_by_field_and_writes_nothing(cast: Cast) -> None:
    response = cast.client("community_a").post(
        URL, form(cast, name="", id_number="622924199005060000")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "name" in errors and "id_number" in errors
    assert not Person.objects.exists()


def test_it_refuses_a_community_outside_the_users_area(cast: Cast) -> None:
    response = cast.client("community_a").post(
        URL, form(cast, community=str(cast.areas["community_b"].pk))
    )
    assert response.status_code == 400 and not Person.objects.exists()


def test_it_shows_likely_matches_first(cast: Cast) -> None:
    make_person(A, name="马晓梅")
    make_person(B, name="马晓梅")
    response = cast.client("community_a").get(URL, {"q": "马晓梅"})
    assert response.status_code == 200
    assert len(response.context["matches"]) == 1


def test_it_shows_the_file_of_a_known_id_number_in_scope(cast: Cast) -> None:
    existing = make_person(A)
    number = decrypt(existing, "id_number")
    response = cast.client("street").post(URL, form(cast, id_number=number))
    assert response.status_code == 409
    assert response.context["existing"][0] == existing
    assert reverse("registry:person_detail", args=[existing.pk]) in response.content.decode()
    assert Person.objects.count() == 1


def test_it_refuses_a_known_id_number_outside_scope_revealing_nothing(cast: Cast) -> None:
    existing = make_person(B, name="韩秀兰")
    number = decrypt(existing, "id_number")
    response = cast.client("community_a").post(URL, form(cast, id_number=number))
    assert response.status_code == 400
    content = response.content.decode()
    assert "韩秀兰" not in content and "上党门" not in content
    assert "transfer" in content or "迁" in content or "转" in content
    assert Person.objects.count() == 1
    event = AuditEvent.objects.get(action="person.lookup")
    assert event.detail["elsewhere"] is True and event.object_id == ""


def test_it_queues_fuzzy_duplicates_for_review(cast: Cast) -> None:
    other = make_person(
        A, name="马晓梅", id_number="", birth_date=date(1990, 5, 6), phone="13812345678"
    )
    cast.client("community_a").post(
        URL,
        form(cast, sex="female", birth_date="1990-05-06", phone="13812345678", confirm_new="1"),
    )
    new = Person.objects.exclude(pk=other.pk).get()
    reasons = set(
        DuplicateCandidate.objects.filter(person=new, other=other).values_list("reason", flat=True)
    )
    assert reasons == {"same_name_birth", "same_phone"}


def same_phone_files(count: int) -> None:
    """`count` files with no ID number and different names that share one phone."""
    for n in range(count):
        make_person(A, name=f"白{NAME_PARTS[n]}兰", id_number="", phone=PHONE)


def test_it_queues_no_pair_for_a_phone_held_by_too_many_files(cast: Cast) -> None:
    """A phone of more than LOOK_ALIKE_LIMIT files (the new one included) makes no pairs."""
    same_phone_files(LOOK_ALIKE_LIMIT)
    cast.client("community_a").post(URL, form(cast, name="韩秀兰", phone=PHONE))
    new = Person.objects.get(name="韩秀兰")
    assert Person.objects.filter(phone_hash=new.phone_hash).count() == LOOK_ALIKE_LIMIT + 1
    assert not DuplicateCandidate.objects.filter(person=new).exists()


def test_it_queues_pairs_for_a_phone_held_by_up_to_the_limit(cast: Cast) -> None:
    same_phone_files(LOOK_ALIKE_LIMIT - 1)
    cast.client("community_a").post(URL, form(cast, name="韩秀兰", phone=PHONE, confirm_new="1"))
    new = Person.objects.get(name="韩秀兰")
    pairs = DuplicateCandidate.objects.filter(person=new, reason="same_phone")
    assert pairs.count() == LOOK_ALIKE_LIMIT - 1


def test_it_writes_nothing_when_a_step_after_the_insert_fails(cast: Cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(**_kwargs: object) -> None:
        raise AuditWriteError("person.create")

    monkeypatch.setattr(persons, "audit_person", refuse)
    data = PersonInput(name="马晓梅", ethnicity_code="03", address="东街1号")
    community = cast.areas["community_a"]
    with pytest.raises(AuditWriteError):
        persons.person_create(actor=cast.community_a, community=community, data=data)
    assert not Person.objects.exists()
    assert not PersonChange.objects.exists() and not NameKey.objects.exists()
    assert not AreaSummary.objects.filter(area_code=A).exists()


def test_it_keeps_the_denied_look_up_of_a_number_held_elsewhere(cast: Cast) -> None:
    number = decrypt(make_person(B, name="韩秀兰"), "id_number")
    data = PersonInput(name="马晓梅", ethnicity_code="03", id_number=number)
    community = cast.areas["community_a"]
    # The action is one transaction, and still the denied look-up's event is kept.
    with pytest.raises(IdNumberElsewhere):
        persons.person_create(actor=cast.community_a, community=community, data=data)
    assert Person.objects.count() == 1
    assert AuditEvent.objects.get(action="person.lookup_elsewhere").outcome == "denied"
