"""The cases' home-page panel: what waits for the user, each line one bounded count.

A liaison sees its unit's cases to sign and overdue (the inbox); the dispatchers (the offices
and the hotline) the sections of the dispatch desk — to dispatch, returns to adjudicate and,
for the deciding offices, extensions to approve, supervised cases, 催办 raised and cases listed
for 通报 — counted by the desk's own filters (cases/desk.py); the city office also the open
cases whose deadline is provisional. A line is shown only to roles the policy lets open its
page, and counts with the roles that page acts through.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.cases import desk
from tongcheng.cases.models import CaseUnit
from tongcheng.cases.provisional import provisional_cases
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


LIAISON = frozenset({Role.DEPT_LIAISON})
DESK = "cases:desk"
LINES = [
    TodoLine("cases:inbox", _("Cases to sign"), _to_sign, roles=LIAISON),
    TodoLine("cases:inbox", _("Overdue cases of my unit"), _unit_overdue, roles=LIAISON),
    TodoLine(DESK, _("Cases to dispatch"), desk.to_dispatch, "#to_dispatch"),
    TodoLine(DESK, _("Returned cases to decide on"), desk.returns_to_adjudicate, "#returns"),
    TodoLine(
        DESK, _("Extensions to approve"), desk.extensions_to_decide, "#extensions", desk.DECIDERS
    ),
    TodoLine(DESK, _("Cases under supervision"), desk.supervised, "#supervised", desk.DECIDERS),
    TodoLine(DESK, _("催办 raised"), desk.urged, "#urged", desk.DECIDERS),
    TodoLine(DESK, _("Listed for 通报"), desk.circulated, "#circulated", desk.DECIDERS),
    TodoLine("cases:provisional", _("Cases with a provisional deadline"), provisional_cases),
]


def case_todos(user: User) -> list[Todo]:
    """The inbox's lines (liaisons), the desk's (dispatchers), the provisional deadlines."""
    return line_todos(user, LINES)


PANELS = [Panel("cases", _("Waiting for me in the cases"), case_todos, order=5)]
