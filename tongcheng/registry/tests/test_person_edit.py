"""Editing a file: optimistic locking, identifiers kept when left empty, ladder, history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import AuditWriteError
from tongcheng.conftest import Cast
from tongcheng.registry.actions import persons
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import NameKey, Person, PersonChange
from tongcheng.registry.tests.factories import make_person
from tongcheng.registry.validation import PersonInput

A = "140403001001"
B = "140403002001"


def post_data(person: Person, **fields: object) -> dict[str, object]:
    return {
        "version": person.version,
        "name": person.name,
        "ethnicity": person.ethnicity_id,
        "origin": "",
        "address": "西街2号",
        "occupation": "vendor",
        **fields,
    }


def test_it_ladders(client, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    person = make_person(A)
    url = reverse("registry:person_edit", args=[person.pk])
    assert client.get(url).status_code == 302
    assert cast.client("community_b").get(url).status_code == 404
    assert cast.client("inspector").get(url).status_code == 403
    assert cast.client("leader").get(url).status_code == 403
    response = cast.client("community_a").get(url)
    assert response.status_code == 200
    # The edit page never shows identifiers in clear.
    assert decrypt(person, "id_number") not in response.content.decode()


def test_it_saves_changes_and_keeps_identifiers_left_empty(cast: Cast) -> None:
    person = make_person(A, phone="13812345678")
    number = decrypt(person, "id_number")
    url = reverse("registry:person_edit", args=[person.pk])
    response = cast.client("community_a").post(url, post_data(person, name="马小梅"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "马小梅" and person.version == 2 and person.occupation == "vendor"
    assert decrypt(person, "id_number") == number
    assert decrypt(person, "phone") == "13812345678"
    assert decrypt(person, "address") == "西街2号"
    change = PersonChange.objects.get(person=person)
    assert change.fields == ["address", "name", "occupation"]
    assert AuditEvent.objects.get(action="person.update").detail == {
        "fields": ["address", "name", "occupation"]
    }


def test_it_refuses_a_stale_edit_with_a_message_and_writes_nothing(cast: Cast) -> None:
    person = make_person(A)
    url = reverse("registry:person_edit", args=[person.pk])
    stale = post_data(person, name="甲")
    first = cast.client("street").post(url, post_data(person, name="乙"))
    assert first.status_code == 302
    second = cast.client("community_a").post(url, stale)
    assert second.status_code == 400
    assert "reload" in second.content.decode() or "刷新" in second.content.decode()
    person.refresh_from_db()
    assert person.name == "乙" and person.version == 2
    assert PersonChange.objects.filter(person=person).count() == 1


def test_it_writes_nothing_when_a_step_after_the_update_fails(cast: Cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    person = make_person(A, name="马晓梅")

    def refuse(**_kwargs: object) -> None:
        raise AuditWriteError("person.update")

    monkeypatch.setattr(persons, "audit_person", refuse)
    data = PersonInput(name="白玉兰", ethnicity_code="03", address="西街2号")
    with pytest.raises(AuditWriteError):
        persons.person_update(
            actor=cast.community_a, person=person, expected_version=person.version, data=data
        )
    person.refresh_from_db()
    assert (person.name, person.version) == ("马晓梅", 1)
    assert not PersonChange.objects.exists()
    keys = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
    assert "晓梅" in keys and "玉兰" not in keys
