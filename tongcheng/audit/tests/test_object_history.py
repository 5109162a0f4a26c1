"""Per object, "who looked at this": every event about it, and its readers with counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor, audit_record
from tongcheng.conftest import CAST

pytestmark = pytest.mark.django_db

URL = reverse("audit:object_history", args=["person", "42"])


def look(username: str, user_id: int, action: str = "person.view", object_id: str = "42") -> None:
    audit_record(
        actor=Actor(user_id, username, "community_officer", None, ""),
        action=action,
        object_type="person",
        object_id=object_id,
    )


def test_it_sends_anonymous_visitors_to_login() -> None:
    assert Client().get(URL)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username", sorted(set(CAST) - {"audit_admin"}))
def test_it_refuses_every_other_role(cast, username: str) -> None:  # type: ignore[no-untyped-def]
    assert cast.client(username).get(URL).status_code == 403


def test_it_groups_the_readers_with_counts_and_last_time(cast, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    look("alice", 1001)
    look("bob", 1002)
    look("alice", 1001)
    look("alice", 1001, action="person.edit")
    look("carol", 1003, object_id="43")
    client = cast.client("audit_admin")
    client.get(URL)
    # session, user, memberships, savepoint, readers, count, page, audit insert, release
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200
    readers = {r["username"]: r["views"] for r in response.context["readers"]}
    assert readers == {"alice": 2, "bob": 1}
    # Newest reader first.
    assert response.context["readers"][0]["username"] == "alice"
    actions = [e.action for e in response.context["events"]]
    assert actions == ["person.edit", "person.view", "person.view", "person.view"]
    assert "carol" not in response.content.decode()


def test_it_audits_the_look_without_becoming_a_reader(cast) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("audit_admin")
    client.get(URL)
    response = client.get(URL)
    view = AuditEvent.objects.filter(action="audit.view").first()
    assert view is not None
    assert (view.object_type, view.detail["object_type"], view.detail["object_id"]) == (
        "audit_trail",
        "person",
        "42",
    )
    assert response.context["readers"] == []
