"""The engagement's home-page panel: the officer's representatives due for a talk this week and
this month, each line one bounded count of the officer's indexed slots (selectors.due_slots)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tongcheng.engagement.models import Period
from tongcheng.engagement.scope import WRITERS
from tongcheng.engagement.selectors import due_slots
from tongcheng.lib.contributions import Panel, Todo, TodoLine
from tongcheng.org.contributions import line_todos
from tongcheng.org.models import User


def _week(user: User) -> QuerySet[Any]:
    return due_slots(user, Period.WEEK)


def _month(user: User) -> QuerySet[Any]:
    return due_slots(user, Period.MONTH)


LINES = [
    TodoLine("engagement:due_list", _("Representatives due for this week's phone talk"), _week,
             "?kind=week", WRITERS),
    TodoLine("engagement:due_list", _("Representatives due for this month's face-to-face talk"),
             _month, "?kind=month", WRITERS),
]  # fmt: skip


def engagement_todos(user: User) -> list[Todo]:
    """The officer's own representatives still due this week and this month."""
    return line_todos(user, LINES)


PANELS = [Panel("engagement", _("三必谈: talks due"), engagement_todos, order=20)]
