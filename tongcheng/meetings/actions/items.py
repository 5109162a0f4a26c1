"""Action items (决定事项/督办事项): assigned at a meeting, reported on by their unit, completed,
supervised by the office. Each step locks the item's row, so a progress note racing the
completion is written before it or refused after it, never after a completed item."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.meetings import notices
from tongcheng.meetings.actions.deadlines import item_due
from tongcheng.meetings.errors import MeetingRefused
from tongcheng.meetings.models import ActionItem, ActionNote, Meeting
from tongcheng.org.models import Department, User
from tongcheng.org.workcalendar import current_calendar

MAX_WORKING_DAYS = 250


@transaction.atomic
def item_create(
    *, actor: User, meeting_id: int, department: Department, title: str, working_days: int
) -> ActionItem:
    """A decision of the meeting for a unit, due `working_days` after the meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    if meeting.locked:
        raise MeetingRefused(_("The minutes are issued: the meeting can no longer be changed."))
    if not meeting.invitations.filter(department=department).exists():
        raise MeetingRefused(_("Assign the item to a unit invited to the meeting."),
                             field="department")  # fmt: skip
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise MeetingRefused(
            _("Give 1 to %(max)d working days.") % {"max": MAX_WORKING_DAYS}, field="working_days"
        )
    due_on, provisional = item_due(current_calendar(), meeting.starts_at, working_days)
    item = ActionItem.objects.create(
        meeting=meeting, area_code=meeting.area_code, department=department, title=title.strip(),
        working_days=working_days, due_on=due_on, due_provisional=provisional,
    )  # fmt: skip
    notices.item_notice(item, "action_item.assigned", "assigned")
    audit_record(
        actor=actor, action="action_item.create", object_type="action_item", object_id=item.pk,
        area_code=item.area_code,
        detail={"meeting": meeting.pk, "unit": department.pk, "days": working_days},
    )  # fmt: skip
    return item


def _lock(item_id: int) -> ActionItem:
    return ActionItem.objects.select_for_update().select_related("department").get(pk=item_id)


@transaction.atomic
def item_report(*, actor: User, item_id: int, text: str, done: bool) -> ActionItem:
    """The unit's progress note, or its completion with what was done (once)."""
    item = _lock(item_id)
    if item.state == ActionItem.State.DONE:
        raise MeetingRefused(_("The item is already done."))
    if not text.strip():
        raise MeetingRefused(_("Say what was done."), field="text")
    now = timezone.now()
    if done:
        item.state, item.done_at, item.outcome = ActionItem.State.DONE, now, text.strip()
        item.done_on_time = timezone.localtime(now).date() <= item.due_on
    else:
        item.state = ActionItem.State.IN_PROGRESS
    item.save(update_fields=["state", "done_at", "outcome", "done_on_time"])
    kind = ActionNote.Kind.DONE if done else ActionNote.Kind.PROGRESS
    ActionNote.objects.create(item=item, kind=kind, text=text.strip(), by=actor, at=now)
    audit_record(
        actor=actor, action="action_item.done" if done else "action_item.progress",
        object_type="action_item", object_id=item.pk, area_code=item.area_code,
        detail={"on_time": item.done_on_time} if done else {},
    )  # fmt: skip
    return item


@transaction.atomic
def item_supervise(*, actor: User, item_id: int, instruction: str) -> ActionItem:
    """督办: the office's instruction on an open item; the unit's liaisons are told."""
    item = _lock(item_id)
    if item.state == ActionItem.State.DONE:
        raise MeetingRefused(_("The item is already done."))
    if not instruction.strip():
        raise MeetingRefused(_("Write the instruction."), field="instruction")
    item.supervised = True
    item.save(update_fields=["supervised"])
    note = ActionNote.objects.create(
        item=item, kind=ActionNote.Kind.SUPERVISED, text=instruction.strip(), by=actor
    )
    notices.item_notice(item, "action_item.supervised", f"supervised:{note.pk}")
    audit_record(
        actor=actor, action="action_item.supervise", object_type="action_item",
        object_id=item.pk, area_code=item.area_code,
    )  # fmt: skip
    return item
