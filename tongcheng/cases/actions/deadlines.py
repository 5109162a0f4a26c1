"""Provisional deadlines are computed again when the year they reached into is entered.

Connected to org.workcalendar's `calendar_changed` (apps.py), so it runs inside the
transaction that saves the year: the deadlines and the year change together, or neither.
"""

from __future__ import annotations

from typing import Any

from tongcheng.audit.services import audit_record
from tongcheng.cases.actions.steps import DEADLINE_FIELDS, refresh_deadlines, sync_units_due
from tongcheng.cases.models import Case
from tongcheng.org.workcalendar import current_calendar


def recompute_provisional(**kwargs: Any) -> int:
    """Compute every provisional deadline again with the calendar as it now stands."""
    calendar = current_calendar()
    changed = 0
    for case in Case.objects.filter(due_provisional=True).select_for_update().iterator(500):
        refresh_deadlines(case, calendar)
        case.save(update_fields=list(DEADLINE_FIELDS))
        sync_units_due(case)
        changed += 1
    if changed:
        audit_record(
            actor=None,
            action="case.deadlines_recomputed",
            object_type="case",
            detail={"cases": changed, "years": list(kwargs.get("years", ()))},
        )
    return changed
