"""The KPI dashboard's figures: sums of the summary rows in the user's scope, per dimension.

Three grouped sums over the rows the user may read in the chosen months (by unit; by month; by
district and service, added up here per district and per service) give every table: the query
count does not depend on the number of cases or rows. Each reads the coarsest of the summary and
its rollups that holds the keys the filters and the scope name (`_sources`). Labels come from
three small queries (units, services, districts). The definitions of every counter and rate:
docs/cases.md, "KPIs". Aggregate-only readers (leaders) get the figures through `kpi.protect`:
no count of 1–4 cases can be read or worked out.

Long because the rates, the tables and the way each cell is shown must change together: a rate
added without its protection would leak.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.kpi.protect import THRESHOLD, Kind, RateCell, protect_counts, protect_rate
from tongcheng.cases.kpimodels import (
    COUNTERS,
    NO_UNIT,
    CaseKpi,
    CaseKpiByDistrict,
    CaseKpiByService,
    CaseKpiByUnit,
)
from tongcheng.cases.models import Service
from tongcheng.cases.scope import department_ids
from tongcheng.lib.roles import AGGREGATE_ONLY_ROLES
from tongcheng.lib.suppression import UNBOUNDED, Line, Mark
from tongcheng.org.models import Area, Department
from tongcheng.org.workcalendar import working_periods

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from tongcheng.org.models import User


@dataclass(frozen=True)
class Rate:
    key: str
    title: str | Promise
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]


CLOSED = ("followed_up", "unreachable")
RATES = (
    Rate("response", _("Response rate"), ("signed_on_time",), ("dispatched",)),
    Rate("resolution", _("Resolution rate"), ("resolved",), ("followed_up",)),
    Rate("satisfaction", _("Satisfaction rate"), ("satisfied", "basic"), ("followed_up",)),
    Rate("on_time", _("On-time rate"), ("closed_on_time",), CLOSED),
    Rate("returns", _("Return rate"), ("returned",), ("dispatched",)),
    Rate("reopens", _("Reopen rate"), ("reopened",), CLOSED),
)
# The counts shown (the rest are only parts of rates): none is a sum of the others in a row.
COUNTS = (
    ("received", _("Received")),
    ("direct", _("Answered during the call")),
    ("dispatched", _("Dispatched")),
    ("followed_up", _("Closed after the follow-up call")),
    ("unreachable", _("Caller unreachable")),
)
# The three rates (三率) the unit ranking averages.
RANKED = ("response", "resolution", "satisfaction")
# A unit is ranked when each of the three rests on at least this many cases.
RANK_MINIMUM = THRESHOLD
DIMENSIONS = (
    ("unit", _("By member unit")),
    ("district", _("By district")),
    ("service", _("By service")),
    ("month", _("By month")),
)
TOTAL = ("total", "")


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    district: str = ""  # a district's 12-digit code, or "" for every district in scope
    group: str = ""  # a 三必帮 group, or "" for every service


@dataclass
class Row:
    key: str
    label: str | Promise
    counts: Counter[str]
    shown: dict[str, str] = field(default_factory=dict)  # count or rate key → text
    # (column title, shown) in the order of the table's columns (titles label a phone's cards)
    cells: list[tuple[str, str]] = field(default_factory=list)
    values: dict[str, float | None] = field(default_factory=dict)  # rates, for charts and rank
    rank: int | None = None


@dataclass
class Table:
    key: str
    title: str | Promise
    rows: list[Row]
    counts: tuple[tuple[str, str | Promise], ...]

    @property
    def columns(self) -> list[tuple[str, str | Promise]]:
        rates = [(rate.key, rate.title) for rate in RATES]
        return [*self.counts, *rates, ("handling", _("Average handling, working days"))]

    def fill(self) -> None:
        columns = [(key, str(title)) for key, title in self.columns]  # translated once
        for row in self.rows:
            row.cells = [(title, row.shown[key]) for key, title in columns]


@dataclass
class Dashboard:
    total: Row
    tables: list[Table]
    suppressed: bool
    day_minutes: int

    @property
    def overview(self) -> list[tuple[str | Promise, str]]:
        """The totals: every count, rate and the average, with their titles."""
        full = Table("total", "", [], COUNTS)
        return [(title, self.total.shown[key]) for key, title in full.columns]

    def chart_data(self) -> dict[str, object]:
        months = next(t for t in self.tables if t.key == "month")
        return {
            "labels": [str(r.label) for r in months.rows],
            "series": [
                {
                    "name": str(rate.title),
                    "values": [r.values.get(rate.key) for r in months.rows],
                }
                for rate in RATES
                if rate.key in RANKED
            ],
        }


def _sums(rows: QuerySet[Any], *fields: str) -> dict[tuple[Any, ...], Counter[str]]:
    grouped = rows.order_by().values_list(*fields).annotate(*(Sum(c) for c in COUNTERS))
    n = len(fields)
    return {tuple(row[:n]): Counter(dict(zip(COUNTERS, row[n:], strict=True))) for row in grouped}


def _months(start: date, end: date) -> list[date]:
    months, month = [], start
    while month <= end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


class Sources(NamedTuple):
    """The rows each grouped sum reads."""

    units: QuerySet[Any]  # by unit
    services: QuerySet[Any]  # by district and service
    months: QuerySet[Any]  # by month


def _sources(user: User, filters: Filters) -> Sources:
    """The rows each grouped sum reads: the coarsest summary that still holds every key the
    filters and the reader's scope ask for.

    A liaison's scope names its unit: every sum reads the full summary. For an area reader the
    sum by district and service needs no unit (`CaseKpiByService`, joined to its service for a
    group); the sums by unit and by month need no service (`CaseKpiByUnit`, `CaseKpiByDistrict`)
    unless a group is chosen (then the full summary and `CaseKpiByService`)."""

    def chosen(rows: QuerySet[Any]) -> QuerySet[Any]:
        rows = rows.filter(month__gte=filters.start, month__lte=filters.end)
        return rows.filter(district_code=filters.district) if filters.district else rows

    full = chosen(CaseKpi.objects.visible_to(user))
    if filters.group:
        full = full.filter(service__group=filters.group)
    if department_ids(user):
        return Sources(full, full, full)
    by_service = chosen(CaseKpiByService.objects.visible_to(user))
    if filters.group:
        by_service = by_service.filter(service__group=filters.group)
        return Sources(full, by_service, by_service)
    return Sources(
        chosen(CaseKpiByUnit.objects.visible_to(user)),
        by_service,
        chosen(CaseKpiByDistrict.objects.visible_to(user)),
    )


# Long because: the grouped sums and the labels of the four tables, read together.
def _tables(user: User, filters: Filters) -> tuple[Row, list[Table]]:
    sources = _sources(user, filters)
    units = department_ids(user)
    # Three grouped sums: the database adds the rows up, a few hundred come back.
    by: dict[str, dict[str, Counter[str]]] = {
        "unit": {
            str(k): c for (k,), c in _sums(sources.units.exclude(unit=NO_UNIT), "unit").items()
        },
        "district": {},
        "service": {},
        "month": {f"{k:%Y-%m}": c for (k,), c in _sums(sources.months, "month").items()},
    }
    sums = _sums(sources.services, "district_code", "service_id")
    for (district, service), counts in sums.items():
        by["district"].setdefault(district, Counter()).update(counts)
        by["service"].setdefault(str(service), Counter()).update(counts)
    total: Counter[str] = sum(by["month"].values(), Counter())
    names = {
        "unit": {
            str(pk): name
            for pk, name in Department.objects.filter(
                pk__in=[int(k) for k in by["unit"]]
            ).values_list("pk", "name")
        },
        "service": {str(pk): name for pk, name in Service.objects.values_list("pk", "name")},
        "district": dict(
            Area.objects.filter(code__in=list(by["district"])).values_list("code", "name")
        ),
        "month": {
            f"{m:%Y-%m}": f"{m.year}-{m.month:02d}" for m in _months(filters.start, filters.end)
        },
    }
    by["month"] = {k: by["month"].get(k, Counter()) for k in names["month"]}
    tables = []
    for dimension, title in DIMENSIONS:
        table_rows = [
            Row(key, names[dimension].get(key, key), counts)
            for key, counts in sorted(by[dimension].items())
        ]
        counts_shown = COUNTS[2:] if dimension == "unit" else COUNTS
        if dimension == "unit" and units:
            # A liaison reads its own unit only, never the others' ranking.
            table_rows = [r for r in table_rows if int(r.key) in units]
        tables.append(Table(dimension, title, table_rows, counts_shown))
    return Row(TOTAL[0], _("All cases in scope"), total), tables


def _rate_cell(rate: Rate, counts: Counter[str]) -> tuple[int, int]:
    n = d = 0
    for c in rate.numerator:  # loops, not sum(): called for every cell of every rate
        n += counts[c]
    for c in rate.denominator:
        d += counts[c]
    return n, d


def _percent(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%"


def _show_exact(total: Row, tables: list[Table], day_minutes: int) -> None:
    for row in [total, *(r for t in tables for r in t.rows)]:
        row.shown = {key: str(row.counts[key]) for key, _title in COUNTS}
        for rate in RATES:
            n, d = _rate_cell(rate, row.counts)
            row.values[rate.key] = round(100 * n / d, 1) if d else None
            row.shown[rate.key] = _percent(n, d) if d else "—"
        closed = sum(row.counts[c] for c in CLOSED)
        row.shown["handling"] = (
            f"{row.counts['handling_minutes'] / closed / day_minutes:.1f}" if closed else "—"
        )


# Long because: the counts' marks, each rate's kinds and the averages are one protection.
def _show_protected(total: Row, tables: list[Table], day_minutes: int) -> None:
    """The leader's view: counts through lib.suppression, rates through kpi.protect."""
    values: dict[tuple[str, str, str], int] = {}
    lines: list[Line[tuple[str, str, str]]] = []
    for key, _title in COUNTS:
        values[("total", "", key)] = total.counts[key]
        for table in tables:
            if key not in dict(table.counts):
                continue
            values |= {(table.key, r.key, key): r.counts[key] for r in table.rows}
            parts = tuple((table.key, r.key, key) for r in table.rows)
            lines.append(Line(("total", "", key), parts))
    counts = protect_counts(values, lines)
    withheld = str(_("withheld"))
    everyone = [("total", total)] + [(t.key, r) for t in tables for r in t.rows]
    # Each row's counts as published: (mark, the reader's bounds), read once for every use.
    published: list[dict[str, tuple[Mark, tuple[int, int]]]] = []
    for place, row in everyone:
        own = row.key if place != "total" else ""
        cells = {
            key: (
                counts.marks.get((place, own, key), Mark.OMITTED),
                counts.bounds.get((place, own, key), (0, UNBOUNDED)),
            )
            for key, _title in COUNTS
        }
        published.append(cells)
        for key, _title in COUNTS:
            row.shown[key] = _count_text(cells[key][0], row.counts[key], withheld)
    for rate in RATES:
        rate_cells: dict[tuple[str, str], RateCell] = {}
        for (place, row), cells in zip(everyone, published, strict=True):
            n, d = _rate_cell(rate, row.counts)
            marks = [cells[c] for c in rate.denominator]
            exact = all(m is Mark.SHOWN for m, _b in marks)
            high = sum(b[1] for _m, b in marks)
            rate_cells[(place, row.key)] = RateCell(n, d, exact, high)
        kinds = protect_rate(
            ("total", total.key), rate_cells, [[(t.key, r.key) for r in t.rows] for t in tables]
        )
        for place, row in everyone:
            c, kind = rate_cells[(place, row.key)], kinds[(place, row.key)]
            row.values[rate.key] = round(100 * c.numerator / c.denominator, 1) if (
                kind is Kind.EXACT and c.denominator
            ) else None  # fmt: skip
            row.shown[rate.key] = _rate_text(kind, c, withheld)
    for (_place, row), cells in zip(everyone, published, strict=True):
        n = sum(row.counts[c] for c in CLOSED)
        shown = all(cells[c][0] is Mark.SHOWN for c in CLOSED) and n >= THRESHOLD
        row.shown["handling"] = (
            f"{row.counts['handling_minutes'] / n / day_minutes:.1f}" if shown else "—"
        )


def _count_text(mark: Mark, count: int, withheld: str) -> str:
    if mark is Mark.SHOWN:
        return str(count)
    if mark is Mark.SMALL:
        return f"<{THRESHOLD}"
    return withheld


def _rate_text(kind: Kind, cell: RateCell, withheld: str) -> str:
    if cell.den_exact and cell.denominator == 0:
        return "—"
    if kind is Kind.EXACT:
        return _percent(cell.numerator, cell.denominator)
    if kind is Kind.BELOW:
        return "<" + _percent(THRESHOLD, cell.denominator)
    if kind is Kind.ABOVE:
        return ">" + _percent(cell.denominator - THRESHOLD, cell.denominator)
    return withheld


def _rank(tables: list[Table]) -> None:
    """Units in order of the mean of their three rates (三率), each resting on enough cases."""
    units = next(t for t in tables if t.key == "unit")
    ranked = []
    for row in units.rows:
        rates = [row.values.get(key) for key in RANKED]
        enough = all(
            _rate_cell(rate, row.counts)[1] >= RANK_MINIMUM for rate in RATES if rate.key in RANKED
        )
        if enough and all(v is not None for v in rates):
            ranked.append((-sum(v or 0 for v in rates) / len(rates), str(row.label), row))
    ranked.sort(key=lambda item: (item[0], item[1]))
    for place, (_score, _label, row) in enumerate(ranked, start=1):
        row.rank = place
    units.rows.sort(key=lambda r: (r.rank is None, r.rank or 0, str(r.label)))


def is_aggregate_only(user: User) -> bool:
    return bool(user.roles() & AGGREGATE_ONLY_ROLES)


def kpi_dashboard(user: User, filters: Filters) -> Dashboard:
    """The dashboard of the user's scope for the filters (6 queries at any size)."""
    total, tables = _tables(user, filters)
    day_minutes = sum(
        (p.end.hour * 60 + p.end.minute) - (p.start.hour * 60 + p.start.minute)
        for p in working_periods()
    )
    protected = is_aggregate_only(user)
    (_show_protected if protected else _show_exact)(total, tables, day_minutes)
    _rank(tables)
    for table in tables:
        table.fill()
    return Dashboard(total, tables, protected, day_minutes)
