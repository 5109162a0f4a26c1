"""Keeping the KPI summary: the counters a move adds, and the same rows recounted from the cases.

`kpi_count_step` is called by `actions.steps.record_step`, and `kpi_count_open` by the intake,
in the transaction of the move: a move and its counters are written together or not at all.
Which counters a step adds depends only on the state it leads from and to (docs/cases.md,
"KPIs"), so a move that changes no state (a co-handling unit's part, extensions, supervision,
催办, 通报) adds none.

Each addition is one statement per table (the summary, then its rollups by unit, by service
and by district), `INSERT … ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`, the same on
both engines: the first move of a month inserts the row, the next ones add to it inside the
database, so two moves on different cases adding to one row at once cannot lose an addition
(PostgreSQL locks the conflicting row for the second one until the first commits). Every
addition takes the four tables in the same order, so two moves adding once each never wait on
each other's rows in a circle.

`kpi_recount` computes every row from the cases, their lead units and their deadlines as they
stand: the tests compare it with the summary after random series of moves, and
`manage.py rebuild_case_kpi` writes it (after a raw load, a back-dated demo or a repair);
`kpi_rollups` adds recounted rows up the way the rollups keep them, for the same comparison.
Both sides share the functions below that say what one dispatch or one closure counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from tongcheng.cases.kpimodels import (
    COUNTERS,
    NO_UNIT,
    CaseKpi,
    CaseKpiByDistrict,
    CaseKpiByService,
    CaseKpiByUnit,
    KpiRow,
    district_of,
)
from tongcheng.cases.models import Case, CaseUnit, State
from tongcheng.lib.workdays import WorkCalendar
from tongcheng.org.workcalendar import current_calendar

# (month, district code, unit id or NO_UNIT, service id)
Key = tuple[date, str, int, int]
# The summary and its rollups, each with the columns of its key (its unique constraint's, the
# upsert's conflict target): every addition goes to one row of each, in this order.
SUMMARIES: tuple[tuple[type[KpiRow], tuple[str, ...]], ...] = (
    (CaseKpi, ("month", "district_code", "unit", "service_id")),
    (CaseKpiByUnit, ("district_code", "month", "unit")),
    (CaseKpiByService, ("district_code", "month", "service_id")),
    (CaseKpiByDistrict, ("district_code", "month")),
)
ROLLUPS = SUMMARIES[1:]
# A rollup's rows by table name: its key's values → the counters.
Rollups = dict[str, dict[tuple[object, ...], Counter[str]]]


def month_of(moment: datetime) -> date:
    """The first day of the local month of `moment` (China Standard Time)."""
    return timezone.localtime(moment).date().replace(day=1)


def dispatch_key(case: Case, unit: int, dispatched_at: datetime) -> Key:
    return (month_of(dispatched_at), district_of(case.area_code), unit, case.service_id)


def signed_on_time(signed_at: datetime | None, sign_due: datetime | None) -> bool:
    """A signature counts in the 响应率 when it came no later than the signing deadline."""
    return signed_at is not None and (sign_due is None or signed_at <= sign_due)


def closure_key(case: Case) -> Key:
    assert case.closed_at is not None
    unit = NO_UNIT if case.closure == Case.Closure.DIRECT else (case.lead_department_id or 0)
    return (month_of(case.closed_at), district_of(case.area_code), unit, case.service_id)


def closure_counts(case: Case, calendar: WorkCalendar) -> dict[str, int]:
    """What a closed case counts in its close month (docs/cases.md, "KPIs")."""
    if case.closure == Case.Closure.DIRECT:
        return {"direct": 1}
    assert case.dispatched_at is not None and case.replied_at is not None
    # The calendar counts wall-clock time: both moments in local time (the database gives UTC).
    start, end = timezone.localtime(case.dispatched_at), timezone.localtime(case.replied_at)
    hours = calendar.working_hours_between(start, end).value
    followed_up = case.closure == Case.Closure.FOLLOWED_UP
    counts = {
        "closed": 1,
        "closed_on_time": int(case.handle_due is None or case.replied_at <= case.handle_due),
        "handling_minutes": max(0, round(hours * 60)),
        "reopened": int(case.reopened > 0),
        "unreachable": int(case.closure == Case.Closure.UNREACHABLE),
        "followed_up": int(followed_up),
        "resolved": int(followed_up and case.outcome == Case.Outcome.RESOLVED),
        "satisfied": int(followed_up and case.satisfaction == Case.Satisfaction.SATISFIED),
        "basic": int(followed_up and case.satisfaction == Case.Satisfaction.BASIC),
    }
    return {name: n for name, n in counts.items() if n}


def _values(key: Key) -> dict[str, date | str | int]:
    month, district, unit, service = key
    return {"month": month, "district_code": district, "unit": unit, "service_id": service}


def _upsert(model: type[KpiRow], columns: tuple[str, ...], key: Key,
            counts: dict[str, int]) -> None:  # fmt: skip
    """Add `counts` to the row of `model` whose `columns` hold `key`'s values (one statement)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    quoted = [quote(c) for c in (*columns, *COUNTERS)]
    added = [quote(c) for c in COUNTERS if counts.get(c)]
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in added)
    keyed = _values(key)
    values: list[str | int | None] = [
        connection.ops.adapt_datefield_value(v) if isinstance(v, date) else v
        for v in (keyed[c] for c in columns)
    ]
    values += [counts.get(c, 0) for c in COUNTERS]
    # Names from the models' own metadata, values as parameters: nothing typed reaches the SQL.
    placeholders = ", ".join(["%s"] * len(values))
    sql = (
        f"INSERT INTO {table} ({', '.join(quoted)}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(quoted[: len(columns)])}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _add(key: Key, counts: dict[str, int]) -> None:
    """Add `counts` to the summary row of `key` and to its rollups' rows, creating each at
    its first addition (one statement each)."""
    if any(counts.values()):
        for model, columns in SUMMARIES:
            _upsert(model, columns, key, counts)


def kpi_count_open(case: Case) -> None:
    """A case opened: one more received in its receipt month, on the intake row (no unit)."""
    key = (month_of(case.received_at), district_of(case.area_code), NO_UNIT, case.service_id)
    _add(key, {"received": 1})


def kpi_count_step(case: Case, from_state: str) -> None:
    """The counters of one step of `case` from `from_state` to its state now (saved already)."""
    to_state = case.state
    if to_state == from_state:
        return
    unit = case.lead_department_id or NO_UNIT
    if to_state == State.DISPATCHED:
        assert case.dispatched_at is not None
        _add(dispatch_key(case, unit, case.dispatched_at), {"dispatched": 1})
    elif to_state == State.RETURNED:
        assert case.dispatched_at is not None
        _add(dispatch_key(case, unit, case.dispatched_at), {"returned": 1})
    elif from_state == State.DISPATCHED and to_state == State.IN_PROGRESS:
        assert case.dispatched_at is not None
        on_time = signed_on_time(case.signed_at, case.sign_due)
        _add(dispatch_key(case, unit, case.dispatched_at), {"signed_on_time": int(on_time)})
    elif to_state == State.CLOSED:
        _add(closure_key(case), closure_counts(case, current_calendar()))


# --- The recount -------------------------------------------------------------------------------

CASE_FIELDS = (
    "area_code", "service_id", "lead_department_id", "received_at", "dispatched_at",
    "replied_at", "closed_at", "closure", "outcome", "satisfaction", "reopened", "handle_due",
    "sign_due", "state",
)  # fmt: skip


def _lead_units() -> Iterator[
    tuple[str, int, int, datetime, str, datetime | None, datetime | None]
]:
    """Every dispatch: the lead unit's row of each (dispatch, re-dispatch, upheld dispatch)."""
    return (
        CaseUnit.objects.filter(is_lead=True)
        .order_by()
        .values_list(
            "case__area_code",
            "case__service_id",
            "department_id",
            "dispatched_at",
            "state",
            "signed_at",
            "case__sign_due",
        )
        .iterator(chunk_size=5000)
    )


def kpi_recount() -> dict[Key, Counter[str]]:
    """Every summary row, counted from the cases as they stand (rows without a count left out)."""
    calendar = current_calendar()
    rows: dict[Key, Counter[str]] = {}

    def add(key: Key, counts: dict[str, int]) -> None:
        rows.setdefault(key, Counter()).update(counts)

    for case in Case.objects.order_by().only(*CASE_FIELDS).iterator(chunk_size=5000):
        add((month_of(case.received_at), district_of(case.area_code), NO_UNIT, case.service_id),
            {"received": 1})  # fmt: skip
        if case.state == State.CLOSED:
            add(closure_key(case), closure_counts(case, calendar))
    for area_code, service, unit, dispatched_at, state, signed_at, sign_due in _lead_units():
        key = (month_of(dispatched_at), district_of(area_code), unit, service)
        add(key, {"dispatched": 1, "returned": int(state == CaseUnit.State.RETURNED)})
        add(key, {"signed_on_time": int(signed_on_time(signed_at, sign_due))})
    return {key: +counts for key, counts in rows.items() if +counts}


def kpi_summary() -> dict[Key, Counter[str]]:
    """The summary rows as stored, in the shape of `kpi_recount` (zero rows left out)."""
    rows: dict[Key, Counter[str]] = {}
    key_fields = ("month", "district_code", "unit", "service_id")
    for row in CaseKpi.objects.order_by().values(*key_fields, *COUNTERS):
        counts = +Counter({c: row[c] for c in COUNTERS})
        if counts:
            rows[(row["month"], row["district_code"], row["unit"], row["service_id"])] = counts
    return rows


def kpi_rollups(rows: dict[Key, Counter[str]]) -> Rollups:
    """The rollups' rows that summary `rows` (as `kpi_recount` gives them) add up to, by table."""
    rollups: Rollups = {}
    for model, columns in ROLLUPS:
        summed = rollups.setdefault(model._meta.db_table, {})
        for key, counts in rows.items():
            keyed = _values(key)
            summed.setdefault(tuple(keyed[c] for c in columns), Counter()).update(counts)
    return rollups


def kpi_rollups_stored() -> Rollups:
    """The rollups' rows as stored, in the shape of `kpi_rollups` (zero rows left out)."""
    rollups: Rollups = {}
    for model, columns in ROLLUPS:
        stored = rollups.setdefault(model._meta.db_table, {})
        for row in model._default_manager.order_by().values_list(*columns, *COUNTERS):
            counts = +Counter(dict(zip(COUNTERS, row[len(columns) :], strict=True)))
            if counts:
                stored[tuple(row[: len(columns)])] = counts
    return rollups


def kpi_rebuild_rollups() -> None:
    """Write the rollups again from the summary as it stands (after the summary was written
    other than by the moves: the rebuild, a benchmark's generated rows)."""
    quote = connection.ops.quote_name
    counters = ", ".join(quote(c) for c in COUNTERS)
    sums = ", ".join(f"SUM({quote(c)})" for c in COUNTERS)
    with transaction.atomic(), connection.cursor() as cursor:
        for model, columns in ROLLUPS:
            model._default_manager.all().delete()
            key = ", ".join(quote(c) for c in columns)
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({key}, {counters}) "  # noqa: S608
                f"SELECT {key}, {sums} FROM {quote(CaseKpi._meta.db_table)} GROUP BY {key}"
            )


@transaction.atomic
def kpi_rebuild() -> int:
    """Write the summary and its rollups again from the recount; the summary's rows written."""
    counted = kpi_recount()
    CaseKpi.objects.all().delete()
    CaseKpi.objects.bulk_create(
        (
            CaseKpi(month=m, district_code=d, unit=u, service_id=s, **counts)
            for (m, d, u, s), counts in sorted(counted.items())
        ),
        batch_size=2000,
    )
    kpi_rebuild_rollups()
    return len(counted)
