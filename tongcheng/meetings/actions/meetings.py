"""Convening a joint meeting, the liaisons' answers and reports, sign-in, minutes, issuing.

Every write of a meeting locks the meeting's row first (`_lock`), so a step never interleaves
with another on the same meeting; a liaison's answer locks its unit's invitation and is refused
when another liaison of the unit answered since the page was read (`expected`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.meetings import notices
from tongcheng.meetings.errors import MeetingRefused
from tongcheng.meetings.models import (
    AgendaItem,
    Invitation,
    Meeting,
    OfficeSetting,
    default_office_name,
)
from tongcheng.org.models import Area, Department, User


@dataclass(frozen=True)
class MeetingInput:
    area: Area
    title: str
    starts_at: datetime
    place: str
    chair: str
    agenda: Sequence[str]
    departments: Sequence[Department]


def last_meeting(area: Area, before: datetime | None = None) -> Meeting | None:
    """The office's latest meeting (before `before`, when given)."""
    meetings = Meeting.objects.filter(area=area)
    if before is not None:
        meetings = meetings.filter(starts_at__lt=before)
    return meetings.order_by("-starts_at", "-pk").first()


def carried_items(area: Area, before: datetime | None = None) -> list[tuple[str, int]]:
    """The agenda lines the next meeting starts with: the open items of the last meeting."""
    last = last_meeting(area, before)
    if last is None:
        return []
    items = last.items.open().select_related("department").order_by("due_on", "pk")
    return [
        (_("Report on: %(title)s (%(unit)s)") % {"title": i.title, "unit": i.department.name},
         i.pk)
        for i in items
    ]  # fmt: skip


@transaction.atomic
def meeting_create(*, actor: User, data: MeetingInput) -> Meeting:
    """Convene a meeting: its agenda (the last meeting's open items first), the invitations
    and their notices."""
    if not data.departments:
        raise MeetingRefused(_("Invite at least one member unit."), field="departments")
    carried = carried_items(data.area, data.starts_at)
    meeting = Meeting.objects.create(
        area=data.area, area_code=data.area.code, title=data.title, starts_at=data.starts_at,
        place=data.place, chair=data.chair, created_by=actor,
    )  # fmt: skip
    lines = [(title, pk) for title, pk in carried] + [
        (line, None) for line in data.agenda if line.strip()
    ]
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=n, title=title[:200], carried_id=pk)
        for n, (title, pk) in enumerate(lines, start=1)
    )
    units = sorted({d.pk: d for d in data.departments}.values(), key=lambda d: d.pk)
    Invitation.objects.bulk_create(Invitation(meeting=meeting, department=d) for d in units)
    for department in units:
        notices.invited(meeting, department.pk, department.name)
    audit_record(
        actor=actor, action="meeting.create", object_type="meeting", object_id=meeting.pk,
        area_code=meeting.area_code,
        detail={"units": len(units), "agenda": len(lines), "carried": len(carried)},
    )  # fmt: skip
    return meeting


def _lock(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _unlocked(meeting: Meeting) -> None:
    if meeting.locked:
        raise MeetingRefused(_("The minutes are issued: the meeting can no longer be changed."))


@transaction.atomic
def invitation_answer(
    *, actor: User, invitation_id: int, attending: bool, delegate: str, reason: str,
    expected: str,
) -> Invitation:  # fmt: skip
    """A liaison confirms (naming the delegate) or declines (with a reason) for the unit."""
    invitation = (
        Invitation.objects.select_for_update().select_related("meeting").get(pk=invitation_id)
    )
    if invitation.meeting.state != Meeting.State.SCHEDULED:
        raise MeetingRefused(_("The meeting has been held: answers are closed."))
    if invitation.answer != expected:
        raise MeetingRefused(
            _("Another liaison of your unit has answered since you opened the page: check it.")
        )
    if attending and not delegate.strip():
        raise MeetingRefused(_("Name the delegate who will attend."), field="delegate")
    if not attending and not reason.strip():
        raise MeetingRefused(_("Give the reason for declining."), field="reason")
    invitation.answer = Invitation.Answer.ATTENDING if attending else Invitation.Answer.DECLINED
    invitation.delegate = delegate.strip() if attending else ""
    invitation.decline_reason = "" if attending else reason.strip()
    invitation.answered_by, invitation.answered_at = actor, timezone.now()
    invitation.save()
    audit_record(
        actor=actor, action="meeting.answer", object_type="meeting",
        object_id=invitation.meeting_id, area_code=invitation.meeting.area_code,
        detail={"unit": invitation.department_id, "answer": invitation.answer},
    )  # fmt: skip
    return invitation


@transaction.atomic
def report_save(*, actor: User, invitation_id: int, text: str) -> Invitation:
    """The unit's work report (工作情况通报) for the meeting, until the minutes are issued."""
    invitation = (
        Invitation.objects.select_for_update().select_related("meeting").get(pk=invitation_id)
    )
    _unlocked(invitation.meeting)
    if not text.strip():
        raise MeetingRefused(_("Write the work report."), field="report")
    invitation.report, invitation.report_by, invitation.report_at = text, actor, timezone.now()
    invitation.save(update_fields=["report", "report_by", "report_at"])
    audit_record(
        actor=actor, action="meeting.report", object_type="meeting",
        object_id=invitation.meeting_id, area_code=invitation.meeting.area_code,
        detail={"unit": invitation.department_id, "length": len(text)},
    )  # fmt: skip
    return invitation


@dataclass(frozen=True)
class Attendance:
    invitation_id: int
    attendance: str
    represented_by: str = ""


def _current(meeting: Meeting, expected_version: int | None) -> None:
    """Refuse a change made on a page older than the meeting (None: no page, no check)."""
    if expected_version is not None and expected_version != meeting.version:
        raise MeetingRefused(
            _("Someone else changed this meeting meanwhile: reload the page and do it again.")
        )


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    meeting_id: int,
    rows: Sequence[Attendance],
    expected_version: int | None = None,
) -> Meeting:
    """Sign-in on the day: each unit present, absent or represented (by whom)."""
    meeting = _lock(meeting_id)
    _unlocked(meeting)
    _current(meeting, expected_version)
    if timezone.localtime(meeting.starts_at).date() > timezone.localdate():
        raise MeetingRefused(_("Sign-in opens on the day of the meeting."))
    invitations = {i.pk: i for i in meeting.invitations.all()}
    for row in rows:
        invitation = invitations.get(row.invitation_id)
        if invitation is None or row.attendance not in Invitation.Attendance.values:
            raise MeetingRefused(_("The attendance names a unit that is not invited."))
        if row.attendance == Invitation.Attendance.REPRESENTED and not row.represented_by.strip():
            raise MeetingRefused(
                _("Name who represented %(unit)s.") % {"unit": invitation.department.name},
                field="represented_by",
            )
        invitation.attendance = row.attendance
        invitation.represented_by = (
            row.represented_by.strip() if row.attendance == Invitation.Attendance.REPRESENTED
            else ""
        )  # fmt: skip
    Invitation.objects.bulk_update(invitations.values(), ["attendance", "represented_by"])
    meeting.state = Meeting.State.HELD
    meeting.version += 1
    meeting.save(update_fields=["state", "version"])
    audit_record(
        actor=actor, action="meeting.attendance", object_type="meeting", object_id=meeting.pk,
        area_code=meeting.area_code, detail={"units": len(rows)},
    )  # fmt: skip
    return meeting


@transaction.atomic
def minutes_save(
    *, actor: User, meeting_id: int, text: str, chair: str, expected_version: int | None = None
) -> Meeting:
    meeting = _lock(meeting_id)
    _unlocked(meeting)
    _current(meeting, expected_version)
    meeting.minutes, meeting.chair = text, chair.strip() or meeting.chair
    if meeting.starts_at <= timezone.now():
        meeting.state = Meeting.State.HELD
    meeting.version += 1
    meeting.save(update_fields=["minutes", "chair", "state", "version"])
    audit_record(
        actor=actor, action="meeting.minutes", object_type="meeting", object_id=meeting.pk,
        area_code=meeting.area_code, detail={"length": len(text)},
    )  # fmt: skip
    return meeting


@transaction.atomic
def meeting_issue(*, actor: User, meeting_id: int) -> Meeting:
    """Issue the minutes: the meeting, its attendance, reports and decisions are locked."""
    meeting = _lock(meeting_id)
    _unlocked(meeting)
    if meeting.starts_at > timezone.now():
        raise MeetingRefused(_("The meeting has not been held yet."))
    if not meeting.minutes.strip():
        raise MeetingRefused(_("Write the minutes before issuing them."), field="minutes")
    meeting.state, meeting.issued_at, meeting.issued_by = (
        Meeting.State.ISSUED, timezone.now(), actor,
    )  # fmt: skip
    meeting.version += 1
    meeting.save(update_fields=["state", "issued_at", "issued_by", "version"])
    audit_record(
        actor=actor, action="meeting.issue", object_type="meeting", object_id=meeting.pk,
        area_code=meeting.area_code, detail={"items": meeting.items.count()},
    )  # fmt: skip
    return meeting


@transaction.atomic
def setting_save(
    *, actor: User, area: Area, cadence_months: int, office_name: str, contact: str
) -> OfficeSetting:
    setting, _created = OfficeSetting.objects.select_for_update().get_or_create(area=area)
    setting.cadence_months = cadence_months
    setting.office_name = office_name.strip() or default_office_name(area)
    setting.contact = contact.strip()
    setting.save()
    audit_record(
        actor=actor, action="meeting.setting", object_type="meeting_setting",
        object_id=area.code, area_code=area.code, detail={"cadence_months": cadence_months},
    )  # fmt: skip
    return setting
