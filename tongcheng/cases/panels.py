"""The cases' home-page panel: what waits for the user, each line one bounded count.

A liaison sees its unit's cases to sign and overdue; the offices and the hotline the cases
waiting for dispatch and the returns waiting for a decision. A line is shown only to roles the
policy lets open its page, and counts with the roles that page acts through.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.models import Case, CaseUnit, State
from tongcheng.cases.scope import department_ids
from tongcheng.lib.contributions import Panel, Todo, TodoLine
from tongcheng.lib.roles import Role
from tongcheng.org.contributions import line_todos
from tongcheng.org.models import User


def _to_sign(user: User) -> QuerySet[Any]:
    return CaseUnit.objects.for_departments(department_ids(user)).filter(
        state=CaseUnit.State.WAITING
    )


def _unit_overdue(user: User) -> QuerySet[Any]:
    return (
        CaseUnit.objects.for_departments(department_ids(user))
        .active()
        .filter(case__due_at__lt=timezone.now())
    )


def _to_dispatch(user: User) -> QuerySet[Any]:
    return Case.objects.visible_to(user).filter(state=State.RECEIVED)


def _returned(user: User) -> QuerySet[Any]:
    return Case.objects.visible_to(user).filter(state=State.RETURNED)


LIAISON = frozenset({Role.DEPT_LIAISON})
DISPATCHERS = frozenset({Role.HOTLINE_OPERATOR, Role.DISTRICT_OFFICE, Role.CITY_ADMIN})
LINES = [
    TodoLine("cases:inbox", _("Cases to sign"), _to_sign, roles=LIAISON),
    TodoLine("cases:inbox", _("Overdue cases of my unit"), _unit_overdue, roles=LIAISON),
    TodoLine(
        "cases:case_list", _("Cases to dispatch"), _to_dispatch, "?state=received", DISPATCHERS
    ),
    TodoLine(
        "cases:case_list",
        _("Returned cases to decide on"),
        _returned,
        "?state=returned",
        DISPATCHERS,
    ),
]


def case_todos(user: User) -> list[Todo]:
    """Cases to sign and overdue (liaisons); to dispatch and returns to decide (dispatchers)."""
    return line_todos(user, LINES)


PANELS = [Panel("cases", _("Waiting for me in the cases"), case_todos, order=5)]
