"""Saving a new file is a look-up: its typed ID number and phone are checked against the ledger,
counted against the day's exact-number look-ups and audited with their keyed hashes, on the web
and in the API; a known number shows its file with what was typed kept, ready to copy into it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.identifiers import decrypt, id_number_hash, phone_hash
from tongcheng.registry.models import Person
from tongcheng.registry.tests.factories import make_person, synthetic_id_number

A = "140403001001"
B = "140403002001"
CREATE = reverse("registry:person_create")
API = "/api/v1/persons"
PHONE = "13912345678"

pytestmark = pytest.mark.django_db


def form(cast: Cast, **fields: str) -> dict[str, object]:
    return {
        "name": "马晓梅",
        "ethnicity": "03",
        "id_number": synthetic_id_number(),
        "phone": PHONE,
        "origin": "甘肃临夏广河",
        "community": cast.areas["community_a"].pk,
        "address": "东街1号",
        "occupation": "noodle_restaurant",
        **fields,
    }


def _lookups() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="person.lookup").order_by("id"))


def test_it_audits_a_new_files_check_with_the_keyed_hashes(cast: Cast) -> None:
    number = synthetic_id_number()
    response = cast.client("community_a").post(CREATE, form(cast, id_number=number))
    assert response.status_code == 302
    (looked_up,) = _lookups()
    assert looked_up.detail["kind"] == "registration"
    assert looked_up.detail["kinds"] == ["id_full", "phone_full"]
    assert looked_up.detail["hashes"] == [id_number_hash(number), phone_hash(PHONE)]
    assert looked_up.detail["lookups"] == 2 and looked_up.detail["ids"] == []
    assert AuditEvent.objects.filter(action="person.create").count() == 1


def test_it_counts_nothing_for_a_file_without_numbers(cast: Cast) -> None:
    response = cast.client("community_a").post(CREATE, form(cast, id_number="", phone=""))
    assert response.status_code == 302
    assert _lookups() == []


@override_settings(LOOKUP_LIMIT_PER_DAY=3)
def test_it_refuses_to_save_when_the_days_look_ups_are_used_keeping_what_was_typed(
    cast: Cast,
) -> None:
    client = cast.client("community_a")
    # A search by number spends one, the first file's check two: none is left for the second.
    assert client.get(CREATE, {"q": "13800001111"}).status_code == 200
    assert client.post(CREATE, form(cast)).status_code == 302
    other = form(cast, name="白玉兰")
    other["phone"] = "13700001111"
    response = client.post(CREATE, other)
    assert response.status_code == 429
    content = response.content.decode()
    assert "白玉兰" in content and "13700001111" in content
    assert "3" in str(response.context["form"].non_field_errors())
    assert Person.objects.count() == 1
    denied = AuditEvent.objects.get(action="person.lookup", outcome="denied")
    assert denied.detail["hashes"] == [
        id_number_hash(other["id_number"]),
        phone_hash("13700001111"),
    ]


@override_settings(LOOKUP_LIMIT_PER_DAY=1)
def test_it_counts_the_apis_create_against_the_same_limit(cast: Cast) -> None:
    api = cast.client("community_a")
    payload = {
        "community": A,
        "name": "马晓梅",
        "ethnicity": "03",
        "id_number": synthetic_id_number(),
    }
    assert api.post(API, payload, content_type="application/json").status_code == 201
    payload = {**payload, "name": "白玉兰", "id_number": synthetic_id_number()}
    response = api.post(API, payload, content_type="application/json")
    assert response.status_code == 429 and "1" in response.json()["detail"]
    assert Person.objects.count() == 1


def test_it_shows_the_file_of_a_known_number_and_keeps_what_was_typed(cast: Cast) -> None:
    existing = make_person(A, name="马晓梅", address="东街1号")
    number = decrypt(existing, "id_number")
    typed = form(cast, id_number=number, phone="13655556666", address="西街9号")
    response = cast.client("community_a").post(f"{CREATE}?q={number}", typed)
    assert response.status_code == 409
    assert response.context["existing"][0] == existing
    content = response.content.decode()
    # The search box's "nothing found" belongs to a search, not to this answer.
    assert "未找到" not in content
    assert "西街9号" in content and "13655556666" in content
    assert reverse("registry:person_edit", args=[existing.pk]) in content
    assert Person.objects.count() == 1
    (looked_up,) = _lookups()
    assert looked_up.detail["ids"] == [existing.pk]
    assert looked_up.object_id == str(existing.pk)


def test_it_copies_what_was_typed_into_the_known_file_for_review_then_saves(cast: Cast) -> None:
    existing = make_person(A, name="马晓梅", address="东街1号", phone="13800001111")
    client = cast.client("community_a")
    edit = reverse("registry:person_edit", args=[existing.pk])
    typed: dict[str, Any] = form(cast, id_number="", phone="13655556666", address="")
    typed.update(review="1", occupation="")
    response = client.post(edit, typed)
    # Shown, not saved: typed fields over the file's own where a field was left empty.
    assert response.status_code == 200
    bound = response.context["form"]
    assert bound["phone"].value() == "13655556666"
    assert bound["address"].value() == "东街1号"
    # The message names the fields that differ from the file, for the officer to check.
    (notice,) = [str(m) for m in response.context["messages"]]
    assert str(bound.fields["phone"].label) in notice
    assert str(bound.fields["address"].label) not in notice
    existing.refresh_from_db()
    assert decrypt(existing, "phone") == "13800001111"
    assert AuditEvent.objects.filter(action="person.view", object_id=str(existing.pk)).count() == 1
    # The officer saves the form as shown.
    shown = {name: bound[name].value() or "" for name in bound.fields}
    shown["version"] = existing.version
    shown["birth_date"] = existing.birth_date.isoformat() if existing.birth_date else ""
    assert client.post(edit, shown).status_code == 302
    existing.refresh_from_db()
    assert decrypt(existing, "phone") == "13655556666"
    assert decrypt(existing, "address") == "东街1号"


def test_it_refuses_a_number_held_outside_scope_counted_and_naming_no_file(cast: Cast) -> None:
    existing = make_person(B, name="韩秀兰")
    typed = form(cast, id_number=decrypt(existing, "id_number"))
    response = cast.client("community_a").post(CREATE, typed)
    assert response.status_code == 400 and response.context["existing"] is None
    content = response.content.decode()
    assert "韩秀兰" not in content and "东街1号" in content
    assert "id_number" in response.context["form"].errors
    (looked_up,) = _lookups()
    assert looked_up.detail["elsewhere"] is True and looked_up.detail["ids"] == []
    assert looked_up.object_id == "" and looked_up.detail["lookups"] == 2
    assert Person.objects.count() == 1


def test_it_compares_a_look_alikes_birth_date_by_month_only(cast: Cast) -> None:
    existing = make_person(
        A, name="艾力·阿不都", id_number="", phone="", birth_date=date(1971, 9, 29)
    )
    client = cast.client("community_a")
    typed = form(cast, name="艾力·阿不都", id_number="", phone="", sex="male")
    # Any day of the month shows the look-alike: the answer says no more than the mask (1971-09).
    for day in ("1971-09-03", "1971-09-29"):
        response = client.post(CREATE, {**typed, "birth_date": day})
        assert response.status_code == 200
        assert [p.pk for p, _ids in response.context["look_alikes"]] == [existing.pk]
    response = client.post(CREATE, {**typed, "birth_date": "1971-10-29"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


@override_settings(LOOKUP_LIMIT_PER_DAY=2)
def test_it_counts_and_audits_a_changed_id_number_on_the_web_and_in_the_api(cast: Cast) -> None:
    mine = make_person(A, name="马晓梅")
    held = make_person(B, name="韩秀兰")
    client = cast.client("community_a")
    edit = reverse("registry:person_edit", args=[mine.pk])
    held_number = decrypt(held, "id_number")
    typed = {**form(cast), "id_number": held_number, "version": mine.version}
    typed.pop("community")
    response = client.post(edit, typed)
    assert response.status_code == 400 and "id_number" in response.context["form"].errors
    (looked_up,) = _lookups()
    assert looked_up.detail["kind"] == "edit" and looked_up.detail["hashes"] == [
        id_number_hash(held_number)
    ]
    assert looked_up.detail["elsewhere"] is True and looked_up.detail["ids"] == []
    etag = client.get(f"{API}/{mine.pk}")["ETag"]
    new_number = synthetic_id_number()
    patched = client.patch(
        f"{API}/{mine.pk}",
        {"id_number": new_number},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert patched.status_code == 200
    # The day's two look-ups are spent: a third change of number is refused, nothing saved.
    etag = patched["ETag"]
    refused = client.patch(
        f"{API}/{mine.pk}",
        {"id_number": synthetic_id_number()},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert refused.status_code == 429
    mine.refresh_from_db()
    assert decrypt(mine, "id_number") == new_number
    assert AuditEvent.objects.filter(action="person.lookup", outcome="denied").count() == 1
    # An edit that keeps the number looks nothing up.
    same = {**form(cast), "id_number": "", "version": mine.version, "address": "西街2号"}
    same.pop("community")
    assert client.post(edit, same).status_code == 302
