"""Registry statistics: live GROUP BY queries over the user's scope, with small-cell suppression.

Every breakdown is one aggregate query in the database, so the number of queries does not grow
with the number of files (a handful per dashboard). At a province's million files the same
figures should come from a summary table maintained by the services (PERFORMANCE.md: 7–12 ms
instead of seconds); that table is not built yet — the functions here are the single place to
switch over.

Aggregate-only roles (leaders) see every count below SMALL_CELL as "<5": a count of a handful of
people in one community, of one ethnicity, from one county, can identify them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.org.models import LEVEL_PREFIX_LENGTH, Area, Ethnicity, Region
from tongcheng.org.roles import AGGREGATE_ONLY_ROLES
from tongcheng.registry.models import Occupation, Person, area_prefix_q
from tongcheng.registry.visits import all_known_q, all_verified_q, due_cutoff, months_before

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from tongcheng.org.models import User

SMALL_CELL = 5
ARRIVAL_MONTHS = 24
# The level a dashboard breaks down into, below each membership's level.
CHILD_LEVEL = {
    Area.Level.CITY: Area.Level.DISTRICT,
    Area.Level.DISTRICT: Area.Level.STREET,
    Area.Level.STREET: Area.Level.COMMUNITY,
    Area.Level.COMMUNITY: Area.Level.COMMUNITY,
}


@dataclass
class Cell:
    label: str | Promise
    count: int
    suppressed: bool = False

    @property
    def shown(self) -> str:
        return f"<{SMALL_CELL}" if self.suppressed else str(self.count)

    @property
    def chart_value(self) -> int | None:
        # A suppressed cell has no value in the chart's data either (it is sent to the browser).
        return None if self.suppressed else self.count


@dataclass
class Breakdown:
    key: str
    title: str | Promise
    cells: list[Cell] = field(default_factory=list)
    chart: str = "bar"

    def chart_data(self) -> dict[str, object]:
        return {
            "id": self.key,
            "type": self.chart,
            "labels": [str(c.label) for c in self.cells],
            "values": [c.chart_value for c in self.cells],
        }


@dataclass
class Dashboard:
    total: Cell
    breakdowns: list[Breakdown]
    completeness: list[Cell]
    suppressed: bool
    areas: list[Area]

    def chart_data(self) -> list[dict[str, object]]:
        return [b.chart_data() for b in self.breakdowns]


def is_aggregate_only(user: User) -> bool:
    """Any acting aggregate-only membership makes the whole page suppressed (the safe side)."""
    return bool(user.roles() & AGGREGATE_ONLY_ROLES)


def top_areas(user: User) -> list[Area]:
    """The acting memberships' areas that are not inside another one."""
    areas = sorted(
        {m.area.code: m.area for m in user.active_memberships()}.values(), key=lambda a: a.code
    )
    return [a for a in areas if not any(o is not a and o.contains(a) for o in areas)]


def _cell(label: str | Promise, count: int, suppress: bool) -> Cell:
    return Cell(label, count, suppress and count < SMALL_CELL)


def _by_area(files: QuerySet[Person], tops: list[Area], suppress: bool) -> Breakdown:
    """Files per child area of each top area (one GROUP BY per child code length)."""
    children: list[Area] = []
    for top in tops:
        level = CHILD_LEVEL[Area.Level(top.level)]
        if level == top.level:
            children.append(top)
        else:
            children.extend(Area.objects.filter(parent=top).order_by("code"))
    counts: dict[str, int] = {}
    for length in {LEVEL_PREFIX_LENGTH[c.level] for c in children}:
        rows = (
            files.annotate(key=Substr("area_code", 1, length))
            .values("key")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts |= {r["key"]: r["n"] for r in rows}
    cells = [_cell(c.name, counts.get(c.prefix, 0), suppress) for c in children]
    return Breakdown("area", _("Files by area"), cells)


def _grouped(files: QuerySet[Person], column: str) -> list[tuple[str, int]]:
    rows = files.values(column).annotate(n=Count("id")).order_by("-n", column)
    return [(r[column] or "", r["n"]) for r in rows]


def _by_ethnicity(files: QuerySet[Person], suppress: bool) -> Breakdown:
    names = dict(Ethnicity.objects.values_list("code", "name"))
    cells = [
        _cell(names.get(code, code), n, suppress) for code, n in _grouped(files, "ethnicity_id")
    ]
    return Breakdown("ethnicity", _("Ethnic group"), cells)


def _by_origin(files: QuerySet[Person], suppress: bool) -> Breakdown:
    rows = _grouped(files, "origin_province")
    codes = [f"{code}0000" for code, _n in rows if code]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    cells = [
        _cell(names.get(f"{code}0000", code) if code else _("Not recorded"), n, suppress)
        for code, n in rows
    ]
    return Breakdown("origin", _("Province of origin"), cells)


def _by_occupation(files: QuerySet[Person], suppress: bool) -> Breakdown:
    labels = dict(Occupation.choices)
    cells = [
        _cell(labels.get(code, _("Not recorded")), n, suppress)
        for code, n in _grouped(files, "occupation")
    ]
    return Breakdown("occupation", _("Occupation"), cells, chart="pie")


def _by_status(files: QuerySet[Person], suppress: bool) -> Breakdown:
    labels = dict(Person.Status.choices)
    cells = [_cell(labels.get(code, code), n, suppress) for code, n in _grouped(files, "status")]
    return Breakdown("status", _("Status"), cells, chart="pie")


def _arrivals(files: QuerySet[Person], today: date, suppress: bool) -> Breakdown:
    start = months_before(today.replace(day=1), ARRIVAL_MONTHS - 1)
    rows = (
        files.filter(arrived_on__gte=start, arrived_on__lte=today)
        .annotate(month=TruncMonth("arrived_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {(r["month"].year, r["month"].month): r["n"] for r in rows}
    cells = []
    for offset in range(ARRIVAL_MONTHS - 1, -1, -1):
        month = months_before(today.replace(day=1), offset)
        cells.append(_cell(f"{month:%Y-%m}", counts.get((month.year, month.month), 0), suppress))
    return Breakdown("arrivals", _("Arrivals per month"), cells, chart="line")


def _completeness(files: QuerySet[Person], cutoff: date, suppress: bool) -> tuple[Cell, list[Cell]]:
    totals = files.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Person.Status.ACTIVE)),
        known=Count("id", filter=Q(status=Person.Status.ACTIVE) & all_known_q()),
        verified=Count("id", filter=Q(status=Person.Status.ACTIVE) & all_verified_q(cutoff)),
    )
    return _cell(_("All files"), totals["total"], suppress), [
        _cell(_("Active files"), totals["active"], suppress),
        _cell(_("Origin, address and occupation all known"), totals["known"], suppress),
        _cell(_("All three verified by a recent visit"), totals["verified"], suppress),
    ]


def registry_dashboard(user: User, today: date | None = None) -> Dashboard:
    """The dashboard of the acting memberships' areas (leaders included: not `visible_to`)."""
    today = today or timezone.localdate()
    tops = top_areas(user)
    files = Person.objects.filter(area_prefix_q([a.prefix for a in tops]))
    suppress = is_aggregate_only(user)
    total, completeness = _completeness(files, due_cutoff(today), suppress)
    return Dashboard(
        total=total,
        breakdowns=[
            _by_area(files, tops, suppress),
            _by_ethnicity(files, suppress),
            _by_origin(files, suppress),
            _by_occupation(files, suppress),
            _arrivals(files, today, suppress),
            _by_status(files, suppress),
        ],
        completeness=completeness,
        suppressed=suppress,
        areas=tops,
    )
