"""催办: the working day after an action item's deadline passed without completion, the item is
chased: a note on the item and a notice to its unit's liaisons.

Run by the worker (meetings/jobs.py) and safe to run as often as anyone likes: an item is chased
once per deadline, because the step is taken under the item's row lock and only while its
`urged_for` is not the deadline now running (a provisional deadline recomputed later is chased
again when the new one is missed); the notice's key names the deadline too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.cases.deadlines import end_of_day, next_working_day_start
from tongcheng.lib.workdays import WorkCalendar
from tongcheng.meetings import notices
from tongcheng.meetings.models import ActionItem, ActionNote
from tongcheng.org.workcalendar import current_calendar


@dataclass(frozen=True)
class ChaseResult:
    urged: int


def chase_due(calendar: WorkCalendar, due_on: date, now: datetime) -> bool:
    """Whether the working day after the deadline `due_on` has begun."""
    return next_working_day_start(calendar, end_of_day(calendar, due_on)).at <= now


def chase_sweep(*, now: datetime | None = None) -> ChaseResult:
    """Chase every open item whose deadline was missed; one transaction per item."""
    moment = now or timezone.now()
    calendar = current_calendar()
    today = timezone.localtime(moment).date()
    candidates = (
        ActionItem.objects.open()
        .filter(due_on__lt=today)
        .filter(Q(urged_for__isnull=True) | ~Q(urged_for=F("due_on")))
        .values_list("pk", "due_on")
    )
    urged = sum(
        _chase(pk, moment, calendar)
        for pk, due_on in candidates.iterator(1000)
        if chase_due(calendar, due_on, moment)
    )
    return ChaseResult(urged)


@transaction.atomic
def _chase(pk: int, moment: datetime, calendar: WorkCalendar) -> bool:
    item = ActionItem.objects.select_for_update().select_related("department").get(pk=pk)
    if item.state == ActionItem.State.DONE or item.urged_for == item.due_on:
        return False
    if not chase_due(calendar, item.due_on, moment):
        return False
    item.urged_for, item.urged_at = item.due_on, moment
    item.save(update_fields=["urged_for", "urged_at"])
    text = _("Deadline %(due)s missed: chased automatically.") % {"due": item.due_on.isoformat()}
    ActionNote.objects.create(item=item, kind=ActionNote.Kind.URGED, text=text, at=moment)
    notices.item_notice(item, "action_item.urged", f"urged:{item.due_on.isoformat()}")
    audit_record(
        actor=None, action="action_item.urge", object_type="action_item", object_id=item.pk,
        area_code=item.area_code, detail={"due_on": item.due_on.isoformat()},
    )  # fmt: skip
    return True
