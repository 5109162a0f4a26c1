"""The ledger's home-page panel: what waits for the user in the ledger, with a link to each.

Each line is one bounded count (at most TODO_CAP + 1 rows are counted, shown "1000+"), so the
home page costs the same for a community of 300 files and a city of a million; a line is shown
only to roles the policy lets open its page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import Panel, Todo
from tongcheng.org.contributions import acting_for, may_open
from tongcheng.org.models import User
from tongcheng.registry.completeness import due_cutoff, due_for_visit
from tongcheng.registry.models import DuplicateCandidate, Movement, Person

TODO_CAP = 1000
PERMIT_DAYS = 30


def _todo(label: str | Promise, queryset: QuerySet[Any], url: str) -> Todo:
    count = queryset.order_by().values("pk")[: TODO_CAP + 1].count()
    return Todo(label, min(count, TODO_CAP), url, capped=count > TODO_CAP)


def _visits_due(user: User) -> QuerySet[Any]:
    return due_for_visit(Person.objects.visible_to(user), due_cutoff())


def _transfers(user: User) -> QuerySet[Any]:
    return Movement.objects.incoming_for(user)


def _duplicates(user: User) -> QuerySet[Any]:
    return DuplicateCandidate.objects.visible_to(user).open()


def _permits(user: User) -> QuerySet[Any]:
    return Person.objects.visible_to(user).active().permit_expiring(PERMIT_DAYS)


# (page, label, what waits there, link): the link opens a list showing what the line counts
# (the permits list: active files only, like the count).
LINES: list[tuple[str, str | Promise, Callable[[User], QuerySet[Any]], str]] = [
    ("registry:visits_due", _("Files due for a visit"), _visits_due, ""),
    ("registry:transfer_list", _("Transfers waiting for your decision"), _transfers, ""),
    ("registry:duplicate_list", _("Possible duplicates to review"), _duplicates, ""),
    (
        "registry:person_list",
        _("Residence permits expiring within 30 days"),
        _permits,
        "?permit_expiring=1&status=active",
    ),
]


def ledger_todos(user: User) -> list[Todo]:
    """Visits due, transfers to decide, possible duplicates to review, permits expiring.

    Each line is counted with the roles its page acts through (acting_for), so it counts what
    the page lists; a role that may not open the page gets no line, and a zero is shown too.
    """
    todos = []
    for url_name, label, waiting, query in LINES:
        if not may_open(user, url_name):
            continue
        with acting_for(user, url_name):
            todos.append(_todo(label, waiting(user), reverse(url_name) + query))
    return todos


PANELS = [Panel("ledger", _("Waiting for me in the ledger"), ledger_todos, order=10)]
