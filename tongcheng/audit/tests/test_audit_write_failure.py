"""When the audit event cannot be written the request fails with 503 and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.roles import Role
from tongcheng.org.models import LoginThrottle, Membership, User

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture
def audit_unwritable(db: None) -> Iterator[None]:
    """Make every INSERT into the audit table fail, as a full disk or a revoked grant would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION pg_temp.tc_refuse_audit() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'audit unwritable'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER tc_refuse_audit BEFORE INSERT ON audit_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION pg_temp.tc_refuse_audit()"
            )
        else:
            cursor.execute(
                "CREATE TEMP TRIGGER tc_refuse_audit BEFORE INSERT ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit unwritable'); END"
            )
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS tc_refuse_audit ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS tc_refuse_audit")


def client_for(cast, username: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client


def test_it_answers_503_when_a_read_cannot_be_audited(cast, audit_unwritable) -> None:  # type: ignore[no-untyped-def]
    response = client_for(cast, "audit_admin").get(reverse("audit:event_list"))
    assert response.status_code == 503
    assert "events" not in (response.context or {})


def test_it_changes_nothing_when_a_write_cannot_be_audited(cast, audit_unwritable) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create(username="officer1")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(user=user, role=Role.STREET_OFFICER, area=cast.areas["street"])
    client = client_for(cast, "officer1")
    response = client.post(
        reverse("account:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Purple-Monkey-Dishwasher-42",
            "new_password2": "Purple-Monkey-Dishwasher-42",
        },
    )
    assert response.status_code == 503
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_it_does_not_count_a_failed_login_it_cannot_audit(cast, audit_unwritable) -> None:  # type: ignore[no-untyped-def]
    response = Client(raise_request_exception=False).post(
        reverse("login"), {"username": "someone", "password": "wrong-password"}
    )
    assert response.status_code == 503
    assert not LoginThrottle.objects.exists()


def test_it_writes_again_once_the_trail_is_back(cast, audit_unwritable) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER tc_refuse_audit ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER tc_refuse_audit")
    assert client_for(cast, "audit_admin").get(reverse("audit:event_list")).status_code == 200
    assert AuditEvent.objects.filter(action="audit.view").count() == 1
