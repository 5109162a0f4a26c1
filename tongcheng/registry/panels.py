"""The ledger's home-page panel: what waits for the user in the ledger, with a link to each.

Each line is one bounded count (org.contributions.line_todos: at most TODO_CAP + 1 rows, shown
"1000+"), so the
home page costs the same for a community of 300 files and a city of a million; a line is shown
only to roles the policy lets open its page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import Panel, Todo, TodoLine
from tongcheng.org.contributions import line_todos
from tongcheng.org.models import User
from tongcheng.registry.completeness import due_cutoff, due_for_visit
from tongcheng.registry.models import DuplicateCandidate, Movement, Person

PERMIT_DAYS = 30


def _visits_due(user: User) -> QuerySet[Any]:
    return due_for_visit(Person.objects.visible_to(user), due_cutoff())


def _transfers(user: User) -> QuerySet[Any]:
    return Movement.objects.incoming_for(user)


def _duplicates(user: User) -> QuerySet[Any]:
    return DuplicateCandidate.objects.visible_to(user).open()


def _permits(user: User) -> QuerySet[Any]:
    return Person.objects.visible_to(user).active().permit_expiring(PERMIT_DAYS)


# Each line's link opens a list showing what the line counts (the permits list: active files
# only, like the count).
LINES = [
    TodoLine("registry:visits_due", _("Files due for a visit"), _visits_due),
    TodoLine("registry:transfer_list", _("Transfers waiting for your decision"), _transfers),
    TodoLine("registry:duplicate_list", _("Possible duplicates to review"), _duplicates),
    TodoLine(
        "registry:person_list",
        _("Residence permits expiring within 30 days"),
        _permits,
        "?permit_expiring=1&status=active",
    ),
]


def ledger_todos(user: User) -> list[Todo]:
    """Visits due, transfers to decide, possible duplicates to review, permits expiring."""
    return line_todos(user, LINES)


PANELS = [Panel("ledger", _("Waiting for me in the ledger"), ledger_todos, order=10)]
