"""The audit screen finds the events that looked up a number an auditor types, though the trail
keeps only the keyed hashes: searches by full number and by last 4, new files' checks, and
nothing else; what is typed is checked, and the screen's own event does not keep it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.tests.factories import make_person, synthetic_id_number

pytestmark = pytest.mark.django_db

URL = reverse("audit:event_list")
A = "140403001001"


def _found(cast: Cast, typed: str) -> list[AuditEvent]:
    response = cast.client("audit_admin").get(URL, {"looked_up": typed})
    assert response.status_code == 200
    return [e for e in response.context["events"] if e.action != "audit.view"]


def test_it_finds_who_looked_up_a_typed_number(cast: Cast) -> None:
    person = make_person(A, name="马晓梅", phone="17712348335")
    other = make_person(A, name="白玉兰", phone="13900001111")
    number = decrypt(person, "id_number")
    officer, inspector = cast.client("community_a"), cast.client("inspector")
    assert officer.get(reverse("registry:person_list"), {"q": number}).status_code == 200
    assert inspector.get(reverse("registry:person_list"), {"q": "177 1234 8335"}).status_code == 200
    assert inspector.get(reverse("registry:person_list"), {"q": "8335"}).status_code == 200
    assert officer.get(reverse("registry:person_list"), {"q": decrypt(other, "id_number")})
    by_number = _found(cast, number)
    assert [(e.username, e.detail["kinds"]) for e in by_number] == [("community_a", ["id_full"])]
    assert by_number[0].object_id == str(person.pk)
    by_phone = _found(cast, "17712348335")
    # The phone's own search, and (a full number also finds them) the search of its last 4.
    assert [(e.username, e.detail["kinds"]) for e in by_phone] == [
        ("inspector", ["last4"]),
        ("inspector", ["phone_full"]),
    ]
    (by_last4,) = _found(cast, "8335")
    assert by_last4.detail["kinds"] == ["last4"]


def test_it_finds_a_new_files_check_by_its_typed_phone(cast: Cast) -> None:
    form = {
        "name": "马晓梅",
        "ethnicity": "03",
        "id_number": synthetic_id_number(),
        "phone": "13812345678",
        "origin": "甘肃临夏广河",
        "community": cast.areas["community_a"].pk,
        "address": "东街1号",
        "occupation": "noodle_restaurant",
    }
    assert (
        cast.client("community_a").post(reverse("registry:person_create"), form).status_code == 302
    )
    (check,) = _found(cast, "138 1234 5678")
    assert check.action == "person.lookup" and check.detail["kind"] == "registration"


def test_it_refuses_text_that_is_no_number_and_keeps_no_number_in_its_own_event(
    cast: Cast,
) -> None:
    client = cast.client("audit_admin")
    response = client.get(URL, {"looked_up": "马晓梅"})
    assert response.status_code == 200
    assert "looked_up" in response.context["form"].errors
    assert response.context["events"] == []
    assert client.get(URL, {"looked_up": "13812345678"}).status_code == 200
    viewed = AuditEvent.objects.filter(action="audit.view").order_by("-id").first()
    assert viewed is not None and viewed.detail["filters"] == ["looked_up"]
    assert "13812345678" not in str(viewed.detail)


def test_it_finds_the_last_4_searches_of_a_typed_full_number(cast: Cast) -> None:
    person = make_person(A, name="马晓梅", phone="17712348335")
    number = decrypt(person, "id_number")
    assert cast.client("inspector").get(reverse("registry:person_list"), {"q": number[-4:]})
    found = _found(cast, number)
    assert [(e.username, e.detail["kinds"]) for e in found] == [("inspector", ["last4"])]
