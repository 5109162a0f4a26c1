"""Consents: given and withdrawn separately, audited."""

from __future__ import annotations

from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.models import Consent
from tongcheng.registry.tests.factories import make_person

A = "140403001001"


def test_it_ladders(client, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    person = make_person(A)
    url = reverse("registry:consent_add", args=[person.pk])
    data = {"kind": "legal_aid_sharing", "given_on": "2024-01-02"}
    assert client.post(url, data).status_code == 302 and not Consent.objects.exists()
    assert cast.client("community_b").post(url, data).status_code == 404
    assert cast.client("inspector").post(url, data).status_code == 403
    assert not Consent.objects.exists()


def test_it_gives_and_withdraws_a_consent(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("community_a")
    data = {"kind": "legal_aid_sharing", "given_on": "2024-01-02"}
    assert client.post(reverse("registry:consent_add", args=[person.pk]), data).status_code == 302
    client.post(reverse("registry:consent_add", args=[person.pk]), data)  # twice: refused
    consent = Consent.objects.get()
    url = reverse("registry:consent_withdraw", args=[person.pk, consent.pk])
    assert cast.client("community_b").post(url).status_code == 404
    assert client.post(url).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    actions = list(
        AuditEvent.objects.filter(object_id=str(person.pk)).values_list("action", flat=True)
    )
    assert "consent.give" in actions and "consent.withdraw" in actions
    # Withdrawn: it can be given again.
    client.post(reverse("registry:consent_add", args=[person.pk]), data)
    assert Consent.objects.count() == 2
