"""Who hears of what happens to a joint meeting and its action items (notify kinds).

Every notice is written in the step's transaction; its key names the meeting or item and the
event (for a 催办, the deadline chased), so a user hears of one event once however often the
sweep runs. Texts carry the meeting's title, the unit and dates: nothing personal.

- a meeting convened: the liaisons of each unit invited;
- an action item assigned: the liaisons of its unit;
- a 催办 (the working day after a missed deadline) and a 督办: the liaisons of its unit.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.notices import liaisons_of
from tongcheng.meetings.models import ActionItem, Meeting
from tongcheng.notify.kinds import Kind
from tongcheng.notify.services import notify

KINDS = {
    "meeting.invited": Kind(
        _("My unit is invited to a joint meeting"),
        _("%(unit)s is invited to %(title)s on %(when)s: confirm attendance"),
        email_by_default=True,
    ),
    "action_item.assigned": Kind(
        _("A joint meeting's decision was assigned to my unit"),
        _("%(unit)s: %(title)s, due %(due)s"),
        email_by_default=True,
    ),
    "action_item.urged": Kind(
        _("催办: an action item missed its deadline"),
        _("催办: %(unit)s missed the deadline %(due)s of %(title)s"),
        email_by_default=True,
    ),
    "action_item.supervised": Kind(
        _("督办: an action item is under supervision"),
        _("督办: %(title)s (%(unit)s)"),
        email_by_default=True,
    ),
}


def invited(meeting: Meeting, department_id: int, unit: str) -> None:
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    notify(
        users=liaisons_of([department_id]),
        kind="meeting.invited",
        key=f"meeting:{meeting.pk}:invited:d{department_id}",
        params={"unit": unit, "title": meeting.title, "when": when},
        url=reverse("meetings:meeting_detail", args=[meeting.pk]),
    )


def item_notice(item: ActionItem, kind: str, key: str) -> None:
    notify(
        users=liaisons_of([item.department_id]),
        kind=kind,
        key=f"action_item:{item.pk}:{key}",
        params={"unit": item.department.name, "title": item.title, "due": item.due_on.isoformat()},
        url=reverse("meetings:item_detail", args=[item.pk]),
    )
