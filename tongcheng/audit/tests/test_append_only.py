"""Audit events cannot be changed or deleted through the application (nor, on PostgreSQL, SQL)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from tongcheng.audit.models import AuditEvent, AuditImmutableError
from tongcheng.audit.services import Actor, audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(actor=Actor.system(), action="test.thing")


def test_it_refuses_to_save_an_existing_event(event: AuditEvent) -> None:
    event.action = "changed"
    with pytest.raises(AuditImmutableError):
        event.save()


def test_it_refuses_to_delete_an_event(event: AuditEvent) -> None:
    with pytest.raises(AuditImmutableError):
        event.delete()


def test_it_refuses_queryset_update_and_delete(event: AuditEvent) -> None:
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_it_refuses_raw_sql_update_and_delete_on_postgresql(event: AuditEvent) -> None:
    for sql in (
        "UPDATE audit_auditevent SET action = 'changed' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


def test_it_labels_actions_for_people_and_keeps_unknown_codes() -> None:
    with translation.override("en"):
        assert AuditEvent(action="login.success").action_label == "Logged in"
        assert AuditEvent(action="deny:org:area_detail").action_label == "Access denied"
        assert AuditEvent(action="someday.new").action_label == "someday.new"
