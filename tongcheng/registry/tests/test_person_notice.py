"""The registration notice: printable, recorded as given by POST."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.tests.factories import make_person

A = "140403001001"


def test_it_ladders(client, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    person = make_person(A)
    url = reverse("registry:person_notice", args=[person.pk])
    assert client.get(url).status_code == 302
    assert cast.client("community_b").get(url).status_code == 404
    assert cast.client("leader").get(url).status_code == 403
    assert cast.client("inspector").get(url).status_code == 200
    assert cast.client("inspector").post(url).status_code == 403


def test_it_records_the_notice(cast: Cast) -> None:
    person = make_person(A)
    url = reverse("registry:person_notice", args=[person.pk])
    assert cast.client("community_a").post(url).status_code == 302
    person.refresh_from_db()
    assert person.notice_given_on == timezone.localdate() and person.version == 2
    assert AuditEvent.objects.filter(action="person.notice", object_id=str(person.pk)).exists()
