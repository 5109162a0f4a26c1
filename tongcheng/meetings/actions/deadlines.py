"""An action item's deadline: a number of working days after its meeting, in the product's
calendar (cases.deadlines.due, the same rule as a case's day limits).

A deadline that reaches into a year nobody has entered is provisional (暂定: Monday–Friday
counted there). `recompute_provisional` is connected to org.workcalendar's `calendar_changed`
(apps.py), so it runs inside the transaction that saves the year.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from tongcheng.audit.services import audit_record
from tongcheng.cases.deadlines import due
from tongcheng.lib.workdays import WorkCalendar
from tongcheng.meetings.models import ActionItem
from tongcheng.org.workcalendar import current_calendar


def item_due(calendar: WorkCalendar, meeting_at: datetime, working_days: int) -> tuple[date, bool]:
    """The last day of an item due `working_days` after its meeting, and whether provisional."""
    answer = due(calendar, meeting_at, f"{working_days}d")
    return timezone.localtime(answer.at).date(), answer.provisional


def recompute_provisional(**kwargs: Any) -> int:
    """Compute every provisional deadline again with the calendar as it now stands."""
    calendar = current_calendar()
    changed = 0
    rows = ActionItem.objects.filter(due_provisional=True).select_related("meeting")
    for item in rows.select_for_update(of=("self",)).iterator(500):
        item.due_on, item.due_provisional = item_due(
            calendar, item.meeting.starts_at, item.working_days
        )
        item.save(update_fields=["due_on", "due_provisional"])
        changed += 1
    if changed:
        audit_record(
            actor=None,
            action="action_item.deadlines_recomputed",
            object_type="action_item",
            detail={"items": changed, "years": list(kwargs.get("years", ()))},
        )
    return changed
