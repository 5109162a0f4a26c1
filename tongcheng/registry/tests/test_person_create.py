"""Creating a file: search first, validation, duplicates by ID number, fuzzy candidates."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.lib.idnumber import make_id_number
from tongcheng.registry.models import DuplicateCandidate, NameKey, Person, PersonChange
from tongcheng.registry.services import decrypt_field
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
B = "140403002001"
URL = reverse("registry:person_create")


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
    assert decrypt_field(person, "id_number") == number and number not in person.id_number_enc
    assert decrypt_field(person, "phone") == "13812345678" and person.phone_last4 == "5678"
    assert decrypt_field(person, "address") == "东街1号"
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


def test_it_sends_a_known_id_number_in_scope_to_its_file(cast: Cast) -> None:
    existing = make_person(A)
    number = decrypt_field(existing, "id_number")
    response = cast.client("street").post(URL, form(cast, id_number=number))
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person_detail", args=[existing.pk])
    assert Person.objects.count() == 1


def test_it_refuses_a_known_id_number_outside_scope_revealing_nothing(cast: Cast) -> None:
    existing = make_person(B, name="韩秀兰")
    number = decrypt_field(existing, "id_number")
    response = cast.client("community_a").post(URL, form(cast, id_number=number))
    assert response.status_code == 400
    content = response.content.decode()
    assert "韩秀兰" not in content and "上党门" not in content
    assert "transfer" in content or "迁" in content or "转" in content
    assert Person.objects.count() == 1
    event = AuditEvent.objects.get(action="person.lookup_elsewhere")
    assert event.outcome == "denied" and event.object_id == ""


def test_it_queues_fuzzy_duplicates_for_review(cast: Cast) -> None:
    other = make_person(
        A, name="马晓梅", id_number="", birth_date=date(1990, 5, 6), phone="13812345678"
    )
    cast.client("community_a").post(
        URL, form(cast, sex="female", birth_date="1990-05-06", phone="13812345678")
    )
    new = Person.objects.exclude(pk=other.pk).get()
    reasons = set(
        DuplicateCandidate.objects.filter(person=new, other=other).values_list("reason", flat=True)
    )
    assert reasons == {"same_name_birth", "same_phone"}
