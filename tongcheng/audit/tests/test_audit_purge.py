"""`manage.py audit_purge`: events past the retention (≥ 3 years) go, and the purge is audited."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tongcheng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def event_aged(days: int) -> AuditEvent:
    # Written with its time in the past (events cannot be updated, on PostgreSQL not even by SQL).
    return AuditEvent.objects.create(
        action=f"aged.{days}", outcome="allowed", at=timezone.now() - timedelta(days=days)
    )


def test_it_refuses_less_than_three_years() -> None:
    with pytest.raises(CommandError, match="at least 1096 days"):
        call_command("audit_purge", "--older-than-days", "1095")


def test_it_deletes_only_events_past_the_retention() -> None:
    event_aged(2000)
    event_aged(1100)
    kept = event_aged(1000)
    out = StringIO()
    call_command("audit_purge", stdout=out)
    assert "Deleted 2 audit events" in out.getvalue()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {kept.action, "audit.purge"}
    purge = AuditEvent.objects.get(action="audit.purge")
    assert purge.detail == {"deleted": 2, "older_than_days": 1096}
    assert purge.username == "audit_purge"


def test_it_accepts_a_longer_retention() -> None:
    event_aged(2000)
    event_aged(1500)
    call_command("audit_purge", "--older-than-days", "1800", stdout=StringIO())
    assert AuditEvent.objects.filter(action__startswith="aged.").count() == 1
