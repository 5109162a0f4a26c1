"""Compliance of the action items, per member unit: open, overdue, done on time, done late.

One grouped query. For an aggregate-only reader (a leader) the counts go through
`lib.suppression` as the cases' KPI page's do (cases/kpi/protect.py, threshold 5): each column's
total is the sum of its units' cells (one line per column; the columns share no cell), a count
of 1–4 is shown "<5" and whatever would let a reader work it out is withheld too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from tongcheng.cases.kpi.protect import THRESHOLD
from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.roles import Role
from tongcheng.lib.suppression import Line, Mark, suppress
from tongcheng.meetings.models import ActionItem
from tongcheng.meetings.scope import DISTRICT_PREFIX
from tongcheng.org.models import Department, User

COLUMNS = ("open", "overdue", "on_time", "late")
TOTAL = 0  # the key of the totals row


@dataclass(frozen=True)
class Row:
    department: Department | None  # None: the total
    cells: dict[str, str]  # column → the figure as shown


def _queryset(user: User, aggregate: bool) -> object:
    if aggregate:
        prefixes = {p[:DISTRICT_PREFIX] for p in user.scope_prefixes([Role.LEADER])}
        return ActionItem.objects.filter(subtree_q(prefixes))
    return ActionItem.objects.visible_to(user)


def compliance(user: User, *, aggregate: bool) -> list[Row]:
    """The table's rows (units with items, then the total); `aggregate`: protected counts."""
    today = timezone.localdate()
    items = _queryset(user, aggregate)
    done = ActionItem.State.DONE
    counts = list(
        items.values("department_id")  # type: ignore[attr-defined]
        .annotate(
            open=Count("pk", filter=~Q(state=done) & Q(due_on__gte=today)),
            overdue=Count("pk", filter=~Q(state=done) & Q(due_on__lt=today)),
            on_time=Count("pk", filter=Q(state=done, done_on_time=True)),
            late=Count("pk", filter=Q(state=done, done_on_time=False)),
        )
        .order_by("department_id")
    )
    units = Department.objects.in_bulk([c["department_id"] for c in counts])
    values: dict[tuple[int, str], int] = {}
    for c in counts:
        for column in COLUMNS:
            values[(c["department_id"], column)] = c[column]
    for column in COLUMNS:
        values[(TOTAL, column)] = sum(c[column] for c in counts)
    shown = _protected(values, [c["department_id"] for c in counts]) if aggregate else {
        key: str(value) for key, value in values.items()
    }  # fmt: skip
    ordered = sorted(units.values(), key=lambda d: (d.area_id, d.order, d.code))
    rows = [Row(d, {col: shown[(d.pk, col)] for col in COLUMNS}) for d in ordered]
    return [*rows, Row(None, {col: shown[(TOTAL, col)] for col in COLUMNS})]


def _protected(
    values: dict[tuple[int, str], int], unit_ids: list[int]
) -> dict[tuple[int, str], str]:
    lines = [Line((TOTAL, column), tuple((pk, column) for pk in unit_ids)) for column in COLUMNS]
    marks = suppress(values, lines, threshold=THRESHOLD).marks
    words = {Mark.SMALL: f"<{THRESHOLD}", Mark.WITHHELD: "—", Mark.OMITTED: "—"}
    return {key: words.get(marks.get(key, Mark.SHOWN), str(value)) for key, value in values.items()}
