"""Appointments and talks for the tests, made through the real actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from tongcheng.engagement.actions.contacts import ContactInput, contact_create
from tongcheng.engagement.actions.representatives import (
    RepresentativeInput,
    representative_create,
)
from tongcheng.engagement.models import Contact, Representative
from tongcheng.org.models import Area, User


def appoint(
    actor: User, area: Area, *, officer: User | None = None,
    term_from: date = date(2026, 1, 1), term_to: date = date(2028, 12, 31), **extra: Any,
) -> Representative:  # fmt: skip
    values: dict[str, Any] = {"name": "阿依古丽", "ethnicity": "05", "phone": "13800001234"}
    values.update(extra)
    data = RepresentativeInput(
        area=area, term_from=term_from, term_to=term_to, office="潞州区民族宗教事务局",
        officer=officer or actor, **values,
    )  # fmt: skip
    return representative_create(actor=actor, data=data)


def talk(actor: User, rep: Representative, held_on: date, kind: str = "phone",
         **extra: Any) -> Contact:  # fmt: skip
    data = ContactInput(kind=kind, held_on=held_on, summary="谈了就业", **extra)
    return contact_create(actor=actor, rep_id=rep.pk, data=data)
