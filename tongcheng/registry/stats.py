"""Registry statistics over the user's scope, with small-cell suppression.

The dashboard reads the per-community summary (actions.summary, AreaSummary) that the actions
keep in step with the files: it sums a few thousand summary rows instead of grouping a million
files, in a fixed number of queries, whatever the size of the ledger.
`live_figures` computes the same figures with GROUP BY queries over the files themselves: the
tests check the summary against it after series of writes.

Aggregate-only roles (leaders) see every count below SMALL_CELL as "<5": a count of a handful of
people in one community, of one ethnicity, from one county, can identify them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.roles import AGGREGATE_ONLY_ROLES
from tongcheng.org.models import Area, Ethnicity, Region
from tongcheng.registry.completeness import due_cutoff, months_before
from tongcheng.registry.models import AreaSummary, Occupation, Person
from tongcheng.registry.rules import all_known_q, all_verified_q

if TYPE_CHECKING:
    from collections.abc import Callable

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


@dataclass
class Figures:
    """The dashboard's numbers before labels and suppression (live or from the summary)."""

    by_area: dict[str, int]  # child area prefix → files
    by: dict[str, dict[str, int]]  # dimension → key → files (arrivals keyed "YYYY-MM")
    total: int
    active: int
    known: int
    verified: int


def child_areas(tops: list[Area]) -> list[Area]:
    """The areas a dashboard breaks down into: the children of each top area (a community
    stays itself)."""
    children: list[Area] = []
    parents = [t for t in tops if CHILD_LEVEL[Area.Level(t.level)] != t.level]
    by_parent: dict[int, list[Area]] = {}
    if parents:
        for area in Area.objects.filter(parent__in=parents).order_by("code"):
            by_parent.setdefault(area.parent_id or 0, []).append(area)
    for top in tops:
        children.extend(by_parent.get(top.pk, []) if top in parents else [top])
    return children


def _arrival_window(today: date) -> tuple[date, list[date]]:
    start = months_before(today.replace(day=1), ARRIVAL_MONTHS - 1)
    months = [months_before(today.replace(day=1), o) for o in range(ARRIVAL_MONTHS - 1, -1, -1)]
    return start, months


# --- From the summary (what the page shows) ---------------------------------------------------


def summary_figures(tops: list[Area], children: list[Area], today: date) -> Figures:
    """Sums of the summary rows of the communities in scope: 3 + one query per child code length."""
    rows = AreaSummary.objects.in_areas([a.prefix for a in tops]).order_by()
    by_area: dict[str, int] = {}
    for length in sorted({len(c.prefix) for c in children}):
        grouped = (
            rows.filter(dimension=AreaSummary.Dimension.TOTAL)
            .annotate(prefix=Substr("area_code", 1, length))
            .values("prefix")
            .annotate(n=Sum("count"))
        )
        by_area |= {r["prefix"]: r["n"] for r in grouped}
    start, _months = _arrival_window(today)
    cutoff = due_cutoff(today)
    Dim = AreaSummary.Dimension
    plain = [Dim.TOTAL, Dim.STATUS, Dim.ETHNICITY, Dim.ORIGIN, Dim.OCCUPATION, Dim.KNOWN]
    by: dict[str, dict[str, int]] = {d: {} for d in Dim.values}
    for query in (
        rows.filter(dimension__in=plain),
        # Ranged dimensions: only recent keys, each its own range on the (dimension, key) index
        # (one OR-ed query costs SQLite a multi-index OR and a temporary B-tree).
        rows.filter(dimension=Dim.ARRIVAL, key__gte=f"{start:%Y-%m}", key__lte=f"{today:%Y-%m}"),
        rows.filter(dimension=Dim.VERIFIED, key__gte=cutoff.isoformat()),
    ):
        for r in query.values("dimension", "key").annotate(n=Sum("count")):
            by[r["dimension"]][r["key"]] = r["n"]
    return Figures(
        by_area=by_area,
        by=by,
        total=by[Dim.TOTAL].get("", 0),
        active=by[Dim.STATUS].get(Person.Status.ACTIVE, 0),
        known=by[Dim.KNOWN].get("", 0),
        verified=sum(by[Dim.VERIFIED].values()),
    )


# --- Live over the files (the check the tests hold the summary to) ----------------------------


def _grouped(files: QuerySet[Person], column: str) -> dict[str, int]:
    rows = files.values(column).annotate(n=Count("id")).order_by()
    return {str(r[column] or ""): r["n"] for r in rows}


def live_figures(tops: list[Area], children: list[Area], today: date) -> Figures:
    """The same figures with GROUP BY queries over the files (slow at a million files)."""
    files = Person.objects.filter(subtree_q([a.prefix for a in tops]))
    by_area: dict[str, int] = {}
    for length in {len(c.prefix) for c in children}:
        rows = (
            files.annotate(key=Substr("area_code", 1, length))
            .values("key")
            .annotate(n=Count("id"))
            .order_by()
        )
        by_area |= {r["key"]: r["n"] for r in rows}
    start, _months = _arrival_window(today)
    arrivals = (
        files.filter(arrived_on__gte=start, arrived_on__lte=today)
        .annotate(month=TruncMonth("arrived_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    cutoff = due_cutoff(today)
    totals = files.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Person.Status.ACTIVE)),
        known=Count("id", filter=Q(status=Person.Status.ACTIVE) & all_known_q()),
        verified=Count("id", filter=Q(status=Person.Status.ACTIVE) & all_verified_q(cutoff)),
    )
    Dim = AreaSummary.Dimension
    return Figures(
        by_area=by_area,
        by={
            Dim.STATUS: _grouped(files, "status"),
            Dim.ETHNICITY: _grouped(files, "ethnicity_id"),
            Dim.ORIGIN: _grouped(files, "origin_province"),
            Dim.OCCUPATION: _grouped(files, "occupation"),
            Dim.ARRIVAL: {f"{r['month']:%Y-%m}": r["n"] for r in arrivals},
        },
        total=totals["total"],
        active=totals["active"],
        known=totals["known"],
        verified=totals["verified"],
    )


# --- Labels and suppression -----------------------------------------------------------------


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Largest first; zero rows (left by the summary's refreshes) are not shown."""
    return sorted(((k, n) for k, n in counts.items() if n), key=lambda kn: (-kn[1], kn[0]))


def _breakdowns(
    figures: Figures, children: list[Area], months: list[date], suppress: bool
) -> list[Breakdown]:
    Dim = AreaSummary.Dimension
    ethnicities = dict(Ethnicity.objects.values_list("code", "name"))
    origins = _ranked(figures.by.get(Dim.ORIGIN, {}))
    provinces = dict(
        Region.objects.filter(code__in=[f"{c}0000" for c, _n in origins if c]).values_list(
            "code", "name"
        )
    )
    occupations = dict(Occupation.choices)
    statuses = dict(Person.Status.choices)
    arrivals = figures.by.get(Dim.ARRIVAL, {})

    def cells(dim: str, label: Callable[[str], str | Promise]) -> list[Cell]:
        return [_cell(label(k), n, suppress) for k, n in _ranked(figures.by.get(dim, {}))]

    return [
        Breakdown(
            "area",
            _("Files by area"),
            [_cell(c.name, figures.by_area.get(c.prefix, 0), suppress) for c in children],
        ),
        Breakdown(
            "ethnicity", _("Ethnic group"), cells(Dim.ETHNICITY, lambda k: ethnicities.get(k, k))
        ),
        Breakdown(
            "origin",
            _("Province of origin"),
            [
                _cell(provinces.get(f"{k}0000", k) if k else _("Not recorded"), n, suppress)
                for k, n in origins
            ],
        ),
        Breakdown(
            "occupation",
            _("Occupation"),
            cells(Dim.OCCUPATION, lambda k: occupations.get(k, _("Not recorded"))),
            chart="pie",
        ),
        Breakdown(
            "arrivals",
            _("Arrivals per month"),
            [_cell(f"{m:%Y-%m}", arrivals.get(f"{m:%Y-%m}", 0), suppress) for m in months],
            chart="line",
        ),
        Breakdown(
            "status", _("Status"), cells(Dim.STATUS, lambda k: statuses.get(k, k)), chart="pie"
        ),
    ]


def registry_dashboard(user: User, today: date | None = None, *, live: bool = False) -> Dashboard:
    """The dashboard of the acting memberships' areas (leaders included: not `visible_to`).

    `live=True` computes it from the files instead of the summary (tests, checks).
    """
    today = today or timezone.localdate()
    tops = top_areas(user)
    children = child_areas(tops)
    figures = (live_figures if live else summary_figures)(tops, children, today)
    suppress = is_aggregate_only(user)
    _start, months = _arrival_window(today)
    return Dashboard(
        total=_cell(_("All files"), figures.total, suppress),
        breakdowns=_breakdowns(figures, children, months, suppress),
        completeness=[
            _cell(_("Active files"), figures.active, suppress),
            _cell(_("Origin, address and occupation all known"), figures.known, suppress),
            _cell(_("All three verified by a recent visit"), figures.verified, suppress),
        ],
        suppressed=suppress,
        areas=tops,
    )
