"""The cases' home-page panel: what waits for the user, each line one bounded count.

A liaison sees its unit's cases to sign and overdue; the offices and the hotline the cases
waiting for dispatch and the returns waiting for a decision. A line is shown only to roles the
policy lets open its page, and counts with the roles that page acts through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.models import Case, CaseUnit, State
from tongcheng.cases.scope import department_ids
from tongcheng.lib.contributions import Panel, Todo
from tongcheng.lib.roles import Role
from tongcheng.org.contributions import acting_for, may_open
from tongcheng.org.models import User

TODO_CAP = 1000


def _todo(label: str | Promise, queryset: QuerySet[Any], url: str) -> Todo:
    count = queryset.order_by().values("pk")[: TODO_CAP + 1].count()
    return Todo(label, min(count, TODO_CAP), url, capped=count > TODO_CAP)


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


DISPATCHERS = {Role.HOTLINE_OPERATOR, Role.DISTRICT_OFFICE, Role.CITY_ADMIN}
# (page, label, what waits, link query, roles the line is for)
LINES: list[tuple[str, str | Promise, Callable[[User], QuerySet[Any]], str, set[Role]]] = [
    ("cases:inbox", _("Cases to sign"), _to_sign, "", {Role.DEPT_LIAISON}),
    ("cases:inbox", _("Overdue cases of my unit"), _unit_overdue, "", {Role.DEPT_LIAISON}),
    ("cases:case_list", _("Cases to dispatch"), _to_dispatch, "?state=received", DISPATCHERS),
    (
        "cases:case_list",
        _("Returned cases to decide on"),
        _returned,
        "?state=returned",
        DISPATCHERS,
    ),
]


def case_todos(user: User) -> list[Todo]:
    todos = []
    for url_name, label, waiting, query, roles in LINES:
        if not (may_open(user, url_name) and user.held_roles() & roles):
            continue
        with acting_for(user, url_name):
            todos.append(_todo(label, waiting(user), reverse(url_name) + query))
    return todos


PANELS = [Panel("cases", _("Waiting for me in the cases"), case_todos, order=5)]
