"""Showing the full numbers: a reason, audited, limited per user per day."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.tests.factories import make_person

A = "140403001001"


def test_it_ladders(client, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    person = make_person(A)
    url = reverse("registry:person_reveal", args=[person.pk])
    assert client.get(url).status_code == 302
    assert cast.client("community_b").get(url).status_code == 404
    assert cast.client("inspector").get(url).status_code == 403
    assert cast.client("community_a").get(url).status_code == 200


def test_it_needs_a_reason(cast: Cast) -> None:
    person = make_person(A)
    url = reverse("registry:person_reveal", args=[person.pk])
    response = cast.client("community_a").post(url, {"reason": "ab"})
    assert response.status_code == 400
    assert decrypt(person, "id_number") not in response.content.decode()
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


def test_it_shows_the_numbers_once_and_audits_the_reason(cast: Cast) -> None:
    person = make_person(A, phone="13812345678")
    url = reverse("registry:person_reveal", args=[person.pk])
    response = cast.client("community_a").post(url, {"reason": "核实低保申请"})
    content = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert decrypt(person, "id_number") in content and "13812345678" in content
    event = AuditEvent.objects.get(action="person.reveal")
    assert event.reason == "核实低保申请" and event.object_id == str(person.pk)
    assert "13812345678" not in str(event.detail)


@override_settings(REVEAL_LIMIT_PER_DAY=2)
def test_it_stops_at_the_daily_limit(cast: Cast) -> None:
    person = make_person(A)
    url = reverse("registry:person_reveal", args=[person.pk])
    client = cast.client("community_a")
    assert client.post(url, {"reason": "reason one"}).status_code == 200
    assert client.post(url, {"reason": "reason two"}).status_code == 200
    refused = client.post(url, {"reason": "reason three"})
    assert refused.status_code == 400
    assert decrypt(person, "id_number") not in refused.content.decode()
    assert AuditEvent.objects.filter(action="person.reveal").count() == 2
    # Another user has a limit of their own.
    assert cast.client("street").post(url, {"reason": "reason four"}).status_code == 200
