"""An API call without credentials: 401 and one audit event, at most one a minute per address
and path, so a script cannot flood the trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

ME = reverse("api:me")


def test_it_answers_401_and_writes_one_event(cast: Cast) -> None:
    response = Client().get(ME)
    assert response.status_code == 401
    [event] = AuditEvent.objects.all()
    assert event.action == "api.unauthenticated"
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert (event.object_type, event.object_id) == ("api_path", ME)
    assert event.ip_address == "127.0.0.1"
    assert event.user_id is None


def test_it_answers_an_anonymous_write_401_not_a_csrf_403(cast: Cast) -> None:
    person = make_person(cast.areas["community_a"].code)
    url = reverse("api:person_visit_create", args=[person.pk])
    response = Client(enforce_csrf_checks=True).post(url, "{}", content_type="application/json")
    assert response.status_code == 401
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["api.unauthenticated"]


def test_it_writes_one_event_per_address_and_path_a_minute(cast: Cast) -> None:
    client = Client()
    for _ in range(5):
        assert client.get(ME).status_code == 401
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(ME).status_code == 401
    assert client.get(reverse("api:area_list")).status_code == 401
    events = AuditEvent.objects.filter(action="api.unauthenticated")
    assert sorted(events.values_list("ip_address", "object_id")) == [
        ("10.0.0.9", ME),
        ("127.0.0.1", reverse("api:area_list")),
        ("127.0.0.1", ME),
    ]


def test_it_writes_again_after_the_minute(cast: Cast) -> None:
    # An event older than the minute no longer stands for the next call.
    AuditEvent.objects.create(
        action="api.unauthenticated",
        object_type="api_path",
        object_id=reverse("api:area_list"),
        outcome=AuditEvent.Outcome.DENIED,
        ip_address="127.0.0.1",
        at=timezone.now() - timedelta(seconds=61),
    )
    assert Client().get(reverse("api:area_list")).status_code == 401
    assert AuditEvent.objects.filter(object_id=reverse("api:area_list")).count() == 2


def test_it_writes_only_the_bad_token_denial_for_a_bad_token(cast: Cast) -> None:
    response = Client().get(ME, HTTP_AUTHORIZATION="Bearer tc_guessed")
    assert response.status_code == 401
    [event] = AuditEvent.objects.all()
    assert event.reason == "bad token"
