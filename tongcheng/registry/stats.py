"""Registry statistics over the user's scope, with small-cell suppression.

The dashboard reads the per-community summary (actions.summary, AreaSummary) that the actions
keep in step with the files: it sums a few thousand summary rows instead of grouping a million
files, in a fixed number of queries, whatever the size of the ledger.
`live_figures` computes the same figures with GROUP BY queries over the files themselves: the
tests check the summary against it after series of writes.

Aggregate-only roles (leaders) see every count of 1 … SMALL_CELL-1 as "<5": a count of a handful
of people in one community, of one ethnicity, from one county, can identify them. Every breakdown
adds up to the total shown at the top (and the active files to their known and verified parts),
so a lone "<5" would be the total minus the other rows: lib.suppression withholds more figures
until no hidden count can be worked out, the same way for the tables and the chart data.
Percentages stand only beside a shown count of a shown total (they would give the count back).
The arrivals per month have no total and no percentages: periods of different lengths would be
sums over the same months.

Long because the figures (summary and live), their labels and the suppression's lines over them
must change together: a breakdown added without its line would leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.roles import AGGREGATE_ONLY_ROLES
from tongcheng.lib.suppression import Line, Mark, suppress
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
# The periods the arrivals chart offers (the summary keeps every month).
PERIODS = (6, 12, 24, 36)
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
    # The cell's name in the suppression's lines ("status:active" is one cell in two tables).
    key: str = ""
    mark: Mark = Mark.SHOWN
    of: Cell | None = None  # the total its percentage is of
    percent: str = ""  # only when the cell and its total are both shown

    @property
    def suppressed(self) -> bool:
        return self.mark is not Mark.SHOWN

    @property
    def shown(self) -> str:
        if self.mark is Mark.SMALL:
            return f"<{SMALL_CELL}"
        if self.mark is Mark.WITHHELD:
            return str(_("withheld"))
        return str(self.count)

    @property
    def chart_value(self) -> int | None:
        # A suppressed cell has no value in the chart's data either (it is sent to the browser).
        return None if self.suppressed else self.count


@dataclass
class Breakdown:
    key: str
    title: str | Promise
    cells: list[Cell] = field(default_factory=list)
    chart: str = "bar"  # "bar": categories, one horizontal bar each; "months": a time series
    whole: Cell | None = None  # the total its cells add up to (none for the arrivals)
    axis_labels: list[str] = field(default_factory=list)
    note: str = ""  # the partial month
    left_out: bool = False  # rows left out because no suppression could protect them

    def chart_data(self) -> dict[str, object]:
        last = len(self.cells) - 1
        return {
            "id": self.key,
            "type": self.chart,
            "labels": [str(c.label) for c in self.cells],
            "axisLabels": self.axis_labels or [str(c.label) for c in self.cells],
            "values": [c.chart_value for c in self.cells],
            "shown": [c.shown for c in self.cells],
            "percents": [c.percent for c in self.cells],
            "partial": last if self.note and last >= 0 else None,
        }


@dataclass
class Dashboard:
    total: Cell
    breakdowns: list[Breakdown]
    completeness: Breakdown
    suppressed: bool
    areas: list[Area]
    months: int = ARRIVAL_MONTHS

    @property
    def charts(self) -> list[Breakdown]:
        return [self.completeness, *self.breakdowns]

    def chart_data(self) -> list[dict[str, object]]:
        return [b.chart_data() for b in self.charts]


def is_aggregate_only(user: User) -> bool:
    """Any acting aggregate-only membership makes the whole page suppressed (the safe side)."""
    return bool(user.roles() & AGGREGATE_ONLY_ROLES)


def top_areas(user: User) -> list[Area]:
    """The acting memberships' areas that are not inside another one."""
    areas = sorted(
        {m.area.code: m.area for m in user.active_memberships()}.values(), key=lambda a: a.code
    )
    return [a for a in areas if not any(o is not a and o.contains(a) for o in areas)]


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


def _arrival_window(today: date, count: int = ARRIVAL_MONTHS) -> tuple[date, list[date]]:
    start = months_before(today.replace(day=1), count - 1)
    months = [months_before(today.replace(day=1), o) for o in range(count - 1, -1, -1)]
    return start, months


# --- From the summary (what the page shows) ---------------------------------------------------


def summary_figures(
    tops: list[Area], children: list[Area], today: date, months: int = ARRIVAL_MONTHS
) -> Figures:
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
    start, _months = _arrival_window(today, months)
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


def live_figures(
    tops: list[Area], children: list[Area], today: date, months: int = ARRIVAL_MONTHS
) -> Figures:
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
    start, _months = _arrival_window(today, months)
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


def _month_label(month: date) -> str:
    return gettext("%(month)d/%(year)d") % {"year": month.year, "month": month.month}


def _axis_label(month: date, first: bool) -> str:
    """ "3月"; the year under the first month and under every January."""
    short = gettext("Month %(month)d") % {"month": month.month}
    if first or month.month == 1:
        year = gettext("Year %(year)d") % {"year": month.year}
        return f"{short}\n{year}"
    return short


def _breakdowns(
    figures: Figures, children: list[Area], months: list[date], today: date, total: Cell
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

    def ranked(key: str, title: str | Promise, label: Callable[[str], str | Promise]) -> Breakdown:
        cells = [
            Cell(label(k), n, f"{key}:{k}", of=total) for k, n in _ranked(figures.by.get(key, {}))
        ]
        return Breakdown(key, title, cells, whole=total)

    def province(k: str) -> str | Promise:
        return provinces.get(f"{k}0000", k) if k else _("Not recorded")

    breakdowns = [
        ranked(Dim.ETHNICITY, _("Ethnic group"), lambda k: ethnicities.get(k, k)),
        ranked(Dim.ORIGIN, _("Province of origin"), province),
        ranked(Dim.OCCUPATION, _("Occupation"), lambda k: occupations.get(k, _("Not recorded"))),
        Breakdown(
            "arrivals",
            _("Arrivals per month"),
            [
                Cell(_month_label(m), arrivals.get(f"{m:%Y-%m}", 0), f"arrival:{m:%Y-%m}")
                for m in months
            ],
            chart="months",
            axis_labels=[_axis_label(m, i == 0) for i, m in enumerate(months)],
            note=gettext("This month up to day %(day)d") % {"day": today.day},
        ),
        ranked(Dim.STATUS, _("Status"), lambda k: statuses.get(k, k)),
    ]
    # One's own community alone would be a one-bar chart of the total: no area breakdown then.
    if len(children) > 1:
        cells = [
            Cell(c.name, figures.by_area.get(c.prefix, 0), f"area:{c.prefix}", of=total)
            for c in children
        ]
        breakdowns.insert(0, Breakdown("area", _("Files by area"), cells, whole=total))
    for breakdown in breakdowns:
        rest = total.count - sum(c.count for c in breakdown.cells)
        if breakdown.whole is not None and rest > 0:
            breakdown.cells.append(Cell(_("Other"), rest, f"{breakdown.key}:~other", of=total))
    return breakdowns


def _completeness(figures: Figures, total: Cell) -> Breakdown:
    active = Cell(_("Active files"), figures.active, f"status:{Person.Status.ACTIVE}", of=total)
    cells = [
        active,
        Cell(_("Origin, address and occupation all known"), figures.known, "known", of=active),
        Cell(_("All three verified by a recent visit"), figures.verified, "verified", of=active),
    ]
    return Breakdown("completeness", _("Origin, address and occupation"), cells)


def _lines(
    total: Cell, breakdowns: list[Breakdown], completeness: Breakdown
) -> tuple[dict[str, int], list[Line[str]]]:
    """Every figure on the page and the sums a reader knows between them. The active files are
    one cell in two tables; known and verified files are parts of them, each with an
    unpublished rest ("gap:…")."""
    values = {total.key: total.count}
    lines = []
    for breakdown in [completeness, *breakdowns]:
        values |= {c.key: c.count for c in breakdown.cells}
        if breakdown.whole is not None:
            lines.append(Line(breakdown.whole.key, tuple(c.key for c in breakdown.cells)))
    active, *parts = completeness.cells
    for part in parts:
        values[f"gap:{part.key}"] = max(0, active.count - part.count)
        lines.append(Line(active.key, (part.key, f"gap:{part.key}")))
    return values, lines


def _percent(count: int, whole: int) -> str:
    return f"{100 * count / whole:.1f}%" if whole else ""


def _protect(
    total: Cell, breakdowns: list[Breakdown], completeness: Breakdown, aggregate_only: bool
) -> None:
    """Marks every cell (all shown unless the page is aggregate-only), drops omitted rows, puts
    hidden rows after the shown ones (their rank would bound them), writes the percentages."""
    marks: dict[str, Mark] = {}
    if aggregate_only:
        values, lines = _lines(total, breakdowns, completeness)
        gaps = frozenset(k for k in values if k.startswith("gap:"))
        marks = suppress(values, lines, threshold=SMALL_CELL, unpublished=gaps).marks
    total.mark = marks.get(total.key, Mark.SHOWN)
    for breakdown in [completeness, *breakdowns]:
        for cell in breakdown.cells:
            cell.mark = marks.get(cell.key, Mark.SHOWN)
        kept = [c for c in breakdown.cells if c.mark is not Mark.OMITTED]
        breakdown.left_out = len(kept) < len(breakdown.cells)
        if breakdown.whole is not None and breakdown.key != "area":
            kept = [c for c in kept if not c.suppressed] + sorted(
                (c for c in kept if c.suppressed), key=lambda c: c.key
            )
        breakdown.cells = kept
        for cell in kept:
            if cell.of is not None and not cell.suppressed and not cell.of.suppressed:
                cell.percent = _percent(cell.count, cell.of.count)


def registry_dashboard(
    user: User, today: date | None = None, *, live: bool = False, months: int = ARRIVAL_MONTHS
) -> Dashboard:
    """The dashboard of the acting memberships' areas (leaders included: not `visible_to`).

    `live=True` computes it from the files instead of the summary (tests, checks); `months` is
    the arrivals chart's period.
    """
    today = today or timezone.localdate()
    tops = top_areas(user)
    children = child_areas(tops)
    figures = (live_figures if live else summary_figures)(tops, children, today, months)
    aggregate_only = is_aggregate_only(user)
    _start, month_list = _arrival_window(today, months)
    total = Cell(_("All files"), figures.total, "total")
    breakdowns = _breakdowns(figures, children, month_list, today, total)
    completeness = _completeness(figures, total)
    _protect(total, breakdowns, completeness, aggregate_only)
    return Dashboard(total, breakdowns, completeness, aggregate_only, tops, months)
