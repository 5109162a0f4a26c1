"""Setting and clearing the rollout stage of an area (city office, system administrator)."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import RolloutStage

pytestmark = pytest.mark.django_db

URL = "/org/areas/140404000000/rollout/"
DATA = {"stage": "pilot", "since": "2014-03-01", "basis": "会议纪要"}


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().post(URL, DATA)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_refuses_read_only_and_other_roles(cast) -> None:
    assert cast.client("inspector").post(URL, DATA).status_code == 403
    assert cast.client("leader").post(URL, DATA).status_code == 403
    assert cast.client("district").post(URL, DATA).status_code == 403
    assert not RolloutStage.objects.filter(area__code="140404000000").exists()


def test_it_answers_404_for_an_unknown_area(cast) -> None:
    assert (
        cast.client("city_admin").post("/org/areas/999999999999/rollout/", DATA).status_code == 404
    )


def test_it_sets_the_stage_and_audits_it(cast) -> None:
    response = cast.client("city_admin").post(URL, DATA)
    assert response.status_code == 302
    assert response["Location"] == "/org/areas/140404000000/"
    rollout = RolloutStage.objects.get(area__code="140404000000")
    assert rollout.stage == "pilot"
    event = AuditEvent.objects.get(action="area.rollout_set", object_id="140404000000")
    assert event.user_id == cast.city_admin.pk
    assert event.detail["stage"] == "pilot"


def test_it_clears_the_stage(cast) -> None:
    client = cast.client("sys_admin")
    client.post(URL, DATA)
    response = client.post(URL, {"stage": "", "since": "", "basis": ""})
    assert response.status_code == 302
    assert not RolloutStage.objects.filter(area__code="140404000000").exists()
    assert AuditEvent.objects.filter(action="area.rollout_clear").exists()


def test_it_needs_a_start_date(cast) -> None:
    client = cast.client("city_admin")
    response = client.post(URL, {"stage": "pilot", "since": ""}, follow=True)
    assert not RolloutStage.objects.filter(area__code="140404000000").exists()
    assert any("date" in str(m) or "日期" in str(m) for m in response.context["messages"])


def test_it_refuses_get(cast) -> None:
    assert cast.client("city_admin").get(URL).status_code == 405
