"""Exact-number searches (full ID number, full phone, last 4): one audit event each, with the
keyed hash of what was typed, limited per user per day on every path (ledger list, search-first
create page, API), failed look-ups counted too; names and plain lists are not counted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.identifiers import decrypt, id_number_hash, last4_hash, phone_hash
from tongcheng.registry.tests.factories import make_person, synthetic_id_number

A = "140403001001"
LIST = reverse("registry:person_list")
CREATE = reverse("registry:person_create")
API = "/api/v1/persons"


@pytest.fixture
def person(cast: Cast) -> Any:
    return make_person(A, name="马晓梅", phone="17712348335")


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_it_writes_one_event_per_search_request(cast: Cast, person: Any) -> None:
    client = cast.client("community_a")

    def events_of(query: dict[str, str]) -> list[AuditEvent]:
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        assert client.get(LIST, query).status_code == 200
        return list(AuditEvent.objects.filter(id__gt=last))

    (listed,) = events_of({})
    assert listed.action == "person.list" and listed.detail["ids"] == [person.pk]
    (searched,) = events_of({"q": "马"})
    assert searched.action == "person.search" and searched.detail["kind"] == "name"
    assert searched.detail["ids"] == [person.pk]
    (looked_up,) = events_of({"q": "8335"})
    assert looked_up.action == "person.lookup" and looked_up.detail["ids"] == [person.pk]


def test_it_audits_an_exact_search_with_the_keyed_hash_and_the_file_found(
    cast: Cast, person: Any
) -> None:
    number = decrypt(person, "id_number")
    client = cast.client("inspector")
    assert client.get(LIST, {"q": number}).status_code == 200
    assert client.get(LIST, {"q": "177 1234 8335"}).status_code == 200
    assert client.get(LIST, {"q": "8335"}).status_code == 200
    by_id, by_phone, by_last4 = _events("person.lookup")
    assert by_id.detail["hashes"] == [id_number_hash(number)]
    assert by_id.detail["kinds"] == ["id_full"] and by_id.detail["ids"] == [person.pk]
    # One file found: the look-up is in that file's own trail on the audit screen.
    assert by_id.object_id == str(person.pk)
    assert by_phone.detail["hashes"] == [phone_hash("17712348335")]
    assert by_last4.detail["hashes"] == [last4_hash("8335")]
    assert by_last4.detail["kinds"] == ["last4"]
    for event in (by_id, by_phone, by_last4):
        assert number not in str(event.detail) and "17712348335" not in str(event.detail)
        assert event.user_id == cast.inspector.pk and event.detail["lookups"] == 1


def test_it_counts_and_audits_a_look_up_that_finds_nothing(cast: Cast, person: Any) -> None:
    missing = synthetic_id_number()
    response = cast.client("community_a").get(LIST, {"q": missing})
    assert response.status_code == 200 and not response.context["rows"]
    (event,) = _events("person.lookup")
    assert event.detail["ids"] == [] and event.detail["hashes"] == [id_number_hash(missing)]
    assert event.object_id == ""


@override_settings(LOOKUP_LIMIT_PER_DAY=3)
def test_it_stops_exact_searches_at_the_daily_limit_with_a_message(cast: Cast, person: Any) -> None:
    client = cast.client("inspector")
    for guess in ("17700008335", "17700018335", "17700028335"):
        assert client.get(LIST, {"q": guess}).status_code == 200
    refused = client.get(LIST, {"q": "17712348335"})
    assert refused.status_code == 429
    content = refused.content.decode()
    assert "今天" in content and "3" in content and not refused.context["rows"]
    assert "马晓梅" not in content.split("<tbody", 1)[-1].split("</tbody>", 1)[0]
    allowed = AuditEvent.objects.filter(action="person.lookup", outcome="allowed")
    assert allowed.count() == 3
    # The refused attempt is audited with what was asked, and names no file.
    denied = AuditEvent.objects.get(action="person.lookup", outcome="denied")
    assert denied.detail["hashes"] == [phone_hash("17712348335")] and "ids" not in denied.detail
    # Names still work, and are not counted.
    assert client.get(LIST, {"q": "马"}).context["rows"]
    # Another account has an allowance of its own.
    assert cast.client("community_a").get(LIST, {"q": "17712348335"}).status_code == 200


@override_settings(LOOKUP_LIMIT_PER_DAY=2)
def test_it_counts_the_create_pages_search_and_the_api_against_the_same_limit(
    cast: Cast, person: Any
) -> None:
    client = cast.client("community_a")
    assert client.get(CREATE, {"q": "8335"}).status_code == 200
    assert client.get(API, {"q": "1234"}).status_code == 200
    refused = client.get(API, {"q": "17712348335"})
    assert refused.status_code == 429
    assert "今天" in refused.json()["detail"]
    page = client.get(CREATE, {"q": "8335"})
    assert page.status_code == 200 and not page.context["matches"]
    assert "今天" in page.content.decode()
    assert AuditEvent.objects.filter(action="person.lookup", outcome="allowed").count() == 2
    assert AuditEvent.objects.filter(action="person.lookup", outcome="denied").count() == 2


@override_settings(LOOKUP_LIMIT_PER_DAY=1)
def test_it_counts_every_number_of_a_query_with_several(cast: Cast, person: Any) -> None:
    client = cast.client("community_a")
    assert client.get(LIST, {"q": "1234 马 8335"}).status_code == 429
    assert not AuditEvent.objects.filter(action="person.lookup", outcome="allowed").exists()
    assert client.get(LIST, {"q": "马 8335"}).status_code == 200


def test_it_offers_no_prefix_or_range_search_over_identifiers(cast: Cast, person: Any) -> None:
    number = decrypt(person, "id_number")
    client = cast.client("community_a")
    for partial in (number[:6], number[:10], number[:14], number[:17], "1771234", "177123"):
        response = client.get(LIST, {"q": partial})
        assert not response.context["rows"], partial
        response = client.get(API, {"q": partial})
        assert response.json()["items"] == [], partial
