"""The audit trail screen: audit administrators only, filters, pages of 50, itself audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor, audit_record
from tongcheng.conftest import CAST

pytestmark = pytest.mark.django_db

URL = reverse("audit:event_list")


@pytest.fixture(autouse=True)
def _english(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


def event(action: str, **fields: object) -> AuditEvent:
    username = str(fields.pop("username", "someone"))
    record = audit_record(actor=Actor(None, username, "", None, ""), action=action, **fields)  # type: ignore[arg-type]
    return record


def listed(client: Client, **query: str) -> list[str]:
    response = client.get(URL, query)
    assert response.status_code == 200
    return [e.action for e in response.context["events"] if e.action != "audit.view"]


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(URL)
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username", sorted(set(CAST) - {"audit_admin"}))
def test_it_refuses_every_other_role(cast, username: str) -> None:  # type: ignore[no-untyped-def]
    assert cast.client(username).get(URL).status_code == 403
    denial = AuditEvent.objects.get(action="deny:audit:event_list")
    assert denial.outcome == "denied"


def test_it_lists_events_newest_first_for_the_audit_administrator(cast) -> None:  # type: ignore[no-untyped-def]
    event("first.thing")
    event("second.thing")
    assert listed(cast.client("audit_admin"))[:2] == ["second.thing", "first.thing"]


def test_it_audits_looking_at_the_trail(cast) -> None:  # type: ignore[no-untyped-def]
    cast.client("audit_admin").get(URL, {"action": "login", "outcome": "denied"})
    view = AuditEvent.objects.get(action="audit.view")
    assert view.user_id == cast.audit_admin.pk
    assert view.role == "audit_admin"
    assert sorted(view.detail["filters"]) == ["action", "outcome"]


def test_it_filters_by_account(cast) -> None:  # type: ignore[no-untyped-def]
    event("a.thing", username="alice")
    event("b.thing", username="bob")
    assert listed(cast.client("audit_admin"), user="alice") == ["a.thing"]


def test_it_filters_by_action_prefix(cast) -> None:  # type: ignore[no-untyped-def]
    event("login.success")
    event("login.failure")
    event("logout")
    assert sorted(listed(cast.client("audit_admin"), action="login.")) == [
        "login.failure",
        "login.success",
    ]


def test_it_filters_by_object(cast) -> None:  # type: ignore[no-untyped-def]
    event("x.view", object_type="person", object_id="7")
    event("y.view", object_type="person", object_id="8")
    event("z.view", object_type="case", object_id="7")
    client = cast.client("audit_admin")
    assert listed(client, object_type="person", object_id="7") == ["x.view"]
    assert sorted(listed(client, object_type="person")) == ["x.view", "y.view"]


def test_it_filters_by_area_subtree(cast) -> None:  # type: ignore[no-untyped-def]
    event("in.community", area_code=cast.areas["community_a"].code)
    event("in.street", area_code=cast.areas["street"].code)
    event("elsewhere", area_code=cast.areas["other_district"].code)
    client = cast.client("audit_admin")
    # A district code gives its whole subtree.
    assert sorted(listed(client, area=cast.areas["district"].code)) == [
        "in.community",
        "in.street",
    ]
    assert listed(client, area=cast.areas["community_a"].code) == ["in.community"]


def test_it_filters_by_outcome(cast) -> None:  # type: ignore[no-untyped-def]
    event("ok.thing")
    event("no.thing", outcome="denied")
    assert listed(cast.client("audit_admin"), outcome="denied") == ["no.thing"]


def test_it_filters_by_time(cast) -> None:  # type: ignore[no-untyped-def]
    event("today.thing")
    AuditEvent.objects.create(
        action="old.thing", outcome="allowed", at=timezone.now() - timedelta(days=10)
    )
    client = cast.client("audit_admin")
    today = timezone.localdate().isoformat()
    assert listed(client, since=today) == ["today.thing"]
    before = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert listed(client, until=before) == ["old.thing"]


def test_it_shows_nothing_for_an_invalid_filter(cast) -> None:  # type: ignore[no-untyped-def]
    event("a.thing")
    response = cast.client("audit_admin").get(URL, {"area": "abc"})
    assert response.status_code == 200
    assert list(response.context["events"]) == []
    assert "Enter the digits" in response.content.decode()


def test_it_pages_by_fifty(cast, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(120):
        event(f"bulk.{i}")
    client = cast.client("audit_admin")
    client.get(URL)  # the session's clocks are set on the first request
    # session, user, memberships, savepoint, count, page of events, audit insert, release savepoint
    with django_assert_num_queries(8):
        response = client.get(URL, {"page": 2})
    assert len(response.context["events"]) == 50
    assert response.context["page"].number == 2
