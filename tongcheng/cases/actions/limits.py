"""The city office keeps the time limits (per nature and urgency, optionally per service).

A change applies to the deadlines computed from then on: every dispatch, re-dispatch,
reopening and reply computes its stage's deadline from the limits of that moment. A deadline
already running is not moved (the unit was told it when the case reached it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tongcheng.audit.services import audit_record
from tongcheng.cases.models import Service, TimeLimit
from tongcheng.org.models import User


@dataclass(frozen=True)
class LimitInput:
    nature: str
    urgency: str
    service: Service | None
    dispatch: str
    sign: str
    handle: str
    follow_up: str


@transaction.atomic
def time_limit_save(*, actor: User, data: LimitInput) -> TimeLimit:
    row, created = TimeLimit.objects.select_for_update().update_or_create(
        nature=data.nature, urgency=data.urgency, service=data.service,
        defaults={"dispatch": data.dispatch, "sign": data.sign, "handle": data.handle,
                  "follow_up": data.follow_up},
    )  # fmt: skip
    audit_record(
        actor=actor, action="case.time_limit", object_type="time_limit", object_id=row.pk,
        detail={"created": created, "nature": data.nature, "urgency": data.urgency,
                "service": data.service.code if data.service else "",
                "limits": [data.dispatch, data.sign, data.handle, data.follow_up]},
    )  # fmt: skip
    return row


@transaction.atomic
def time_limit_remove(*, actor: User, row: TimeLimit) -> None:
    """Drop a service's own limits: its cases follow the nature's limits again."""
    audit_record(
        actor=actor, action="case.time_limit_remove", object_type="time_limit", object_id=row.pk,
        detail={"service": row.service.code if row.service else ""},
    )  # fmt: skip
    row.delete()
