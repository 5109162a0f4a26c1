"""The ledger's home-page panel: what waits for the user in the ledger, with a link to each.

Each line is one bounded count (at most TODO_CAP + 1 rows are counted, shown "1000+"), so the
home page costs the same for a community of 300 files and a city of a million; a line is shown
only to roles the policy lets open its page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.contributions import Panel, Todo
from tongcheng.org.contributions import may_open
from tongcheng.org.models import User
from tongcheng.registry.completeness import due_cutoff, due_for_visit
from tongcheng.registry.models import DuplicateCandidate, Movement, Person

TODO_CAP = 1000
PERMIT_DAYS = 30


def _todo(label: str | Promise, queryset: QuerySet[Any], url: str) -> Todo:
    count = queryset.order_by().values("pk")[: TODO_CAP + 1].count()
    return Todo(label, min(count, TODO_CAP), url, capped=count > TODO_CAP)


def ledger_todos(user: User) -> list[Todo]:
    """Visits due, transfers to decide, possible duplicates to review, permits expiring."""
    files = Person.objects.visible_to(user)
    candidates: list[tuple[str, str | Promise, QuerySet[Any], str]] = [
        (
            "registry:visits_due",
            _("Files due for a visit"),
            due_for_visit(files, due_cutoff()),
            reverse("registry:visits_due"),
        ),
        (
            "registry:transfer_list",
            _("Transfers waiting for your decision"),
            Movement.objects.incoming_for(user),
            reverse("registry:transfer_list"),
        ),
        (
            "registry:duplicate_list",
            _("Possible duplicates to review"),
            DuplicateCandidate.objects.visible_to(user).open(),
            reverse("registry:duplicate_list"),
        ),
        (
            "registry:person_list",
            _("Residence permits expiring within 30 days"),
            files.active().permit_expiring(PERMIT_DAYS),
            # The list the line opens shows exactly what it counts: active files only.
            reverse("registry:person_list") + "?permit_expiring=1&status=active",
        ),
    ]
    # A zero is shown too ("nothing waits"); a role that may not open the page gets no line.
    return [
        _todo(label, queryset, url)
        for url_name, label, queryset, url in candidates
        if may_open(user, url_name)
    ]


PANELS = [Panel("ledger", _("Waiting for me in the ledger"), ledger_todos, order=10)]
