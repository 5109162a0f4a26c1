"""The meetings' home-page panel.

- A convening office: its next joint meeting (the one scheduled, or the day its cadence asks
  for one: selectors.next_meetings, one query for all its offices) and its overdue items.
- A liaison: its unit's invitations to answer and its open action items (next to the inbox).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongcheng.lib.contributions import Panel, Todo, TodoLine
from tongcheng.lib.roles import Role
from tongcheng.meetings import selectors
from tongcheng.meetings.scope import CONVENERS
from tongcheng.org.contributions import acting_for, line_todos, may_open

LIAISON = frozenset({Role.DEPT_LIAISON})
LINES = [
    TodoLine(
        "meetings:mine",
        gettext_lazy("Meeting invitations to answer"),
        selectors.pending_invitations,
        roles=LIAISON,
    ),
    TodoLine(
        "meetings:mine",
        gettext_lazy("Open action items of my unit"),
        selectors.my_open_items,
        roles=LIAISON,
    ),
    TodoLine(
        "meetings:item_list",
        gettext_lazy("Overdue action items"),
        selectors.overdue_items,
        query="?state=overdue",
        roles=frozenset(CONVENERS),
    ),
]


def next_meeting_todos(user: Any) -> list[Todo]:
    """One line per office the user convenes for: when, and the days left (0: due now)."""
    if not may_open(user, "meetings:meeting_create"):
        return []
    with acting_for(user, "meetings:meeting_create"):
        upcoming = selectors.next_meetings(user)
    today = timezone.localdate()
    todos = []
    for soon in upcoming:
        words = {"office": soon.area.name, "day": soon.due.isoformat()}
        if soon.meeting_id is not None:
            label = _("%(office)s: next joint meeting on %(day)s; days to go") % words
            url = reverse("meetings:meeting_detail", args=[soon.meeting_id])
        elif soon.overdue:
            label = _("%(office)s: a joint meeting was due by %(day)s; none is scheduled") % words
            url = reverse("meetings:meeting_create")
        else:
            label = _("%(office)s: next joint meeting due by %(day)s (not scheduled); days to go")
            label, url = label % words, reverse("meetings:meeting_create")
        todos.append(Todo(label, max((soon.due - today).days, 0), url))
    return todos


def todos(user: Any) -> list[Todo]:
    return next_meeting_todos(user) + line_todos(user, LINES)


PANELS = [Panel("meetings", gettext_lazy("Joint meetings"), todos, order=6)]
