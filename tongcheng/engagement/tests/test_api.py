"""The engagement API: the same scope, masking, audit and actions as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.engagement.models import Contact, Representative
from tongcheng.engagement.tests.factories import appoint, talk

pytestmark = pytest.mark.django_db
BASE = "/api/v1/engagement"


def test_it_lists_and_shows_representatives_masked(cast: Any) -> None:
    rep = appoint(cast.community_a, cast.areas["community_a"], term_from=date(2026, 1, 1))
    client = cast.client("street")
    answer = client.get(f"{BASE}/representatives").json()
    assert [item["id"] for item in answer["items"]] == [rep.pk]
    assert answer["items"][0]["name"] == "阿**丽"
    assert AuditEvent.objects.filter(action="representative.list").exists()
    detail = client.get(f"{BASE}/representatives/{rep.pk}").json()
    assert detail["phone_masked"] == "138****1234" and detail["serial"] == rep.serial
    assert cast.client("other_district").get(f"{BASE}/representatives/{rep.pk}").status_code == 404
    assert cast.client("leader").get(f"{BASE}/representatives").status_code == 403


def test_it_appoints_and_records_a_talk(cast: Any) -> None:
    client = cast.client("community_a")
    body = {"name": "古丽", "ethnicity": "05", "phone": "13800002222", "area": "140403001001",
            "term_from": "2026-01-01", "term_to": "2027-12-31", "office": "局",
            "officer": cast.community_a.pk}  # fmt: skip
    response = client.post(f"{BASE}/representatives", body, content_type="application/json")
    assert response.status_code == 201, response.content
    rep = Representative.objects.get()
    assert rep.duties == ["opinion", "mediation", "care"]
    talk_body = {"kind": "phone", "held_on": timezone.localdate().isoformat(), "summary": "谈"}
    response = client.post(f"{BASE}/representatives/{rep.pk}/contacts", talk_body,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    listed = client.get(f"{BASE}/contacts", {"representative": rep.pk}).json()
    assert [item["id"] for item in listed["items"]] == [contact.pk]
    assert client.get(f"{BASE}/contacts/{contact.pk}").json()["summary"] == "谈"


def test_it_names_the_fields_it_refuses(cast: Any) -> None:
    client = cast.client("community_a")
    body = {"name": "古丽", "ethnicity": "05", "area": "140403001001", "term_from": "2026-05-01",
            "term_to": "2026-01-01", "office": "局", "officer": cast.community_a.pk}  # fmt: skip
    response = client.post(f"{BASE}/representatives", body, content_type="application/json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["term_to"]
    body |= {"term_to": "2027-01-01", "area": "999999999999"}
    response = client.post(f"{BASE}/representatives", body, content_type="application/json")
    assert [e["field"] for e in response.json()["errors"]] == ["area"]
    rep = appoint(cast.community_a, cast.areas["community_a"], term_from=date(2026, 1, 1))
    later = {"kind": "forum", "held_on": "2026-09-01", "summary": "座谈"}
    response = client.post(f"{BASE}/representatives/{rep.pk}/contacts", later,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["held_on"]
    talk(cast.community_a, rep, date(2026, 2, 3))


def test_it_spells_the_models_choices_in_the_document() -> None:
    from typing import get_args

    from tongcheng.engagement.api import schemas
    from tongcheng.engagement.models import Duty, Kind, Representative, Topic

    assert list(get_args(schemas.AppointmentState)) == Representative.State.values
    assert list(get_args(schemas.TalkKind)) == Kind.values
    assert list(get_args(schemas.TalkTopic)) == Topic.values
    assert list(get_args(schemas.SocialDuty)) == Duty.values
