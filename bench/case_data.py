"""A fast generator of synthetic cases for the benchmarks (not demo data: see seed_cases).

`generate(cases, events)` writes `cases` cases over the last two years with their units
(`CaseUnit`) and about `events` history rows (`CaseEvent`) straight into the database of the
default connection, in one transaction, with the tables' secondary indexes dropped first and
built again after. Cases and units are written from Python (COPY on PostgreSQL, executemany on
SQLite); the history is expanded by the database itself from a small table of step patterns
(INSERT … SELECT: ten million rows do not pass through Python).

The shape is a city's: every community (潞州区's five times busier, as in ledger_data.py),
every service (job seeking, residence permits and school places the commonest), most cases
closed; the open ones (about 4 %) are recent, spread over every open state, their running
deadline past for about one in ten and within one working day for about one in twelve. The
sweep's marks are those an earlier sweep left, except for a backlog (`backlog`, default one in
ten) of deadlines, 催办 and 通报 it has not yet announced: the work of the next sweep. Units:
the lead unit of the district (one case in ten the city's), a co-handling unit for one case in
five, a unit that returned the case for one in twenty. Encrypted callers' names and phones
reuse a small pool of real ciphertexts (encrypting a million values would only time AES).

Long because: the shapes of a case's history, the drawing of its columns and units, and the
bulk write are one generator, read together.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import ledger_data
from django.db import connection, transaction
from django.utils import timezone

from tongcheng.cases.actions.sweep import report_due
from tongcheng.cases.deadlines import due_soon_bound, next_working_day_start
from tongcheng.cases.identifiers import caller_columns
from tongcheng.cases.models import HANDLING_STATES, Case, CaseEvent, CaseUnit, Service
from tongcheng.org.models import Area, Department
from tongcheng.org.workcalendar import current_calendar
from tongcheng.registry.models import Person

SEED = 20240601
DAYS = 730
OPEN_SHARE_RECENT = 45  # days: the open cases were received within them (a few older ones)
DIRECT_SHARE = 0.07  # closed during the call (直办): two history rows, no unit
VARIANTS = 5

# How often each service is asked for (relative weights, by code).
SERVICE_WEIGHTS = {
    "job-seeking": 12, "residence-permit": 10, "school-enrolment": 9, "social-insurance": 7,
    "labour-rights": 6, "wage-arrears": 6, "temporary-relief": 6, "medical-fee-waiver": 5,
    "public-health": 5, "legal-consultation": 5, "employment-training": 4,
    "business-registration": 4, "school-fee-waiver": 4, "hardship-certification": 3,
    "legal-aid": 3, "start-up-guidance": 2, "family-planning": 2, "rights-coordination": 2,
    "ethnic-policy": 1,
}  # fmt: skip
OPEN_STATES_WEIGHTS = [
    ("received", 5), ("dispatched", 15), ("returned", 3), ("in_progress", 55),
    ("replied", 15), ("reopened", 7),
]  # fmt: skip
NATURES = [("help", 50), ("consultation", 25), ("complaint", 15), ("suggestion", 7), ("praise", 3)]
CHANNELS = [("community", 40), ("hotline", 35), ("platform", 20), ("proactive", 5)]
OTHER_UNITS = ["civil", "edu", "justice", "police", "health", "housing", "hrss"]
TEXTS = [
    "孩子转学需要办理入学手续，不清楚需要哪些材料。",
    "在工地打工三个月，工资一直没有结清。",
    "想办理居住证，咨询需要准备的证明。",
    "家里老人生病住院，医疗费用负担重，申请减免。",
    "想找一份餐饮方面的工作，希望推荐。",
    "开了一家拉面馆，咨询个体工商户登记。",
    "社保关系从外省转过来，不知道怎么接续。",
    "邻里纠纷，希望社区帮助协调。",
]
REPLY = "已联系本人，按政策办理完毕。"

# The steps of a case's history: (action, from, to, anchor column, minutes after it, reason).
Step = tuple[str, str, str, str, int, str]
OPEN: Step = ("open", "", "received", "received_at", 0, "")
DISPATCH: Step = ("dispatch", "received", "dispatched", "dispatched_at", 0, "")
SIGN: Step = ("sign", "dispatched", "in_progress", "signed_at", 0, "")
REPLY_STEP: Step = ("reply", "in_progress", "replied", "replied_at", 0, "")
CLOSE: Step = ("follow_up", "replied", "closed", "closed_at", 0, "satisfied")
# Steps that keep the state (a co-handling unit's, extensions, supervision, 催办, a missed call).
HANDLING_FILLERS: list[Step] = [
    ("sign", "in_progress", "in_progress", "signed_at", 20, ""),
    ("request_extension", "in_progress", "in_progress", "signed_at", 60, ""),
    ("decide_extension", "in_progress", "in_progress", "signed_at", 90, "approved"),
    ("supervise", "in_progress", "in_progress", "signed_at", 120, ""),
    ("urge", "in_progress", "in_progress", "signed_at", 150, ""),
    ("report", "in_progress", "in_progress", "signed_at", 180, ""),
    ("reply", "in_progress", "in_progress", "signed_at", 210, ""),
]
RETURN_PAIR: list[Step] = [
    ("return", "dispatched", "returned", "dispatched_at", 30, "not_our_duty"),
    ("redispatch", "returned", "dispatched", "dispatched_at", 60, ""),
]
MISSED_CALL: Step = ("follow_up", "replied", "replied", "replied_at", 60, "not_reached")
# How far each state got (dispatch, sign, reply, close), its units' state, its running deadline.
REACHED = {
    "received": 0, "dispatched": 1, "returned": 1, "in_progress": 2, "replied": 3,
    "reopened": 3, "closed": 4,
}  # fmt: skip
UNIT_STATE = {
    "dispatched": "waiting", "returned": "returned", "in_progress": "signed",
    "replied": "replied", "reopened": "signed", "closed": "replied",
}  # fmt: skip
DUE_FIELD = {
    "received": "dispatch_due", "dispatched": "sign_due", "returned": "sign_due",
    "in_progress": "handle_due", "reopened": "handle_due", "replied": "follow_up_due",
}  # fmt: skip
OUTCOMES = ["resolved"] * 8 + ["partly"] * 3 + ["not_resolvable"]
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Shape:
    """The history pattern of one (state, closure, variant): its steps in order."""

    state: str
    closure: str
    variant: int
    steps: list[Step]


def _fillers(n: int) -> list[Step]:
    """n state-keeping steps: a return and re-dispatch first, then handling steps, a missed
    call last (their anchors keep them in order)."""
    picked: list[Step] = []
    pool = RETURN_PAIR + HANDLING_FILLERS + [MISSED_CALL]
    for step in pool[:n]:
        picked.append(step)
    return picked


def shapes(per_case: float) -> list[Shape]:
    """The patterns of every (state, closure, variant), closed ones long enough that a case
    has `per_case` history rows on average."""
    # 93 % of cases close after the follow-up (5 steps + fillers), 7 % directly (2 steps).
    fill = max(0.0, (per_case - 2 * DIRECT_SHARE) / (1 - DIRECT_SHARE) - 5)
    counts = [max(0, min(10, round(fill + d))) for d in (-2, -1, 0, 1, 2)]
    out: list[Shape] = []
    for v in range(VARIANTS):
        extra = _fillers(counts[v])
        before_sign = [s for s in extra if s[3] == "dispatched_at"]
        handling = [s for s in extra if s[3] == "signed_at"]
        calls = [s for s in extra if s[3] == "replied_at"]
        main = [OPEN, DISPATCH, *before_sign, SIGN, *handling, REPLY_STEP, *calls]
        out.append(Shape("closed", "followed_up", v, [*main, CLOSE]))
        out.append(Shape("closed", "unreachable", v, [*main, MISSED_CALL, MISSED_CALL,
            ("follow_up", "replied", "closed", "closed_at", 0, "not_reached")]))  # fmt: skip
        direct = ("close_direct", "received", "closed", "closed_at", 0, "")
        out.append(Shape("closed", "direct", v, [OPEN, direct]))
        out.append(Shape("received", "", v, [OPEN]))
        out.append(Shape("dispatched", "", v, [OPEN, DISPATCH, *before_sign]))
        out.append(Shape("returned", "", v, [OPEN, DISPATCH, RETURN_PAIR[0]]))
        out.append(Shape("in_progress", "", v, [OPEN, DISPATCH, SIGN, *handling[:2]]))
        out.append(Shape("replied", "", v, [OPEN, DISPATCH, SIGN, REPLY_STEP, *calls]))
        unsatisfied = ("follow_up", "replied", "reopened", "replied_at", 30, "unsatisfied")
        out.append(Shape("reopened", "", v, [OPEN, DISPATCH, SIGN, REPLY_STEP, unsatisfied]))
    return out


def _weighted(pairs: list[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    values = [v for v, _ in pairs]
    return values, list(itertools.accumulate(w for _, w in pairs))


class Generator:
    """Draws the cases one by one, each with its units; `rows()` yields them in chunks.

    Moments are naive UTC inside (text as the columns store it is made by isoformat, several
    times faster than strftime: a million cases want six million of them).
    """

    unit_columns = [
        "id", "case_id", "department_id", "is_lead", "state", "due_at", "dispatched_at",
        "signed_at", "signed_by_id", "replied_at", "reply",
    ]  # fmt: skip

    def __init__(self, cases: int, backlog: float, persons: list[tuple[int, int, str]]) -> None:
        self.n = cases
        self.backlog = backlog
        self.rng = random.Random(SEED)
        aware = timezone.now().replace(microsecond=0)
        self.now = aware.astimezone(UTC).replace(tzinfo=None)
        self.calendar = current_calendar()
        self.soon = due_soon_bound(self.calendar, aware).astimezone(UTC).replace(tzinfo=None)
        # COPY reads an offset; SQLite's columns hold naive UTC text.
        self.suffix = "" if connection.vendor == "sqlite" else "+00"
        self.persons = persons
        communities = list(Area.objects.communities().order_by("code").values_list("id", "code"))
        weights = (
            ledger_data.LUZHOU_WEIGHT if code.startswith(ledger_data.LUZHOU) else 1
            for _, code in communities
        )
        self.communities = (communities, list(itertools.accumulate(weights)))
        services = list(Service.objects.values_list("pk", "code", "unit", "group"))
        self.services = (
            services,
            list(itertools.accumulate(SERVICE_WEIGHTS.get(s[1], 1) for s in services)),
        )
        self.departments = dict(Department.objects.values_list("code", "pk"))
        self.open_states = _weighted(OPEN_STATES_WEIGHTS)  # type: ignore[arg-type]
        self.natures = _weighted(NATURES)  # type: ignore[arg-type]
        self.channels = _weighted(CHANNELS)  # type: ignore[arg-type]
        self.callers = [
            caller_columns(name, f"1391234{k:04d}")
            for k, name in enumerate(["马建国", "白玉兰", "阿依古丽·买买提", "杨海燕"] * 4)
        ]
        self.operators: list[int] = []
        self.unit_id = 0
        self.stats = {"open": 0, "overdue": 0, "due_soon": 0, "backlog": 0}
        self._columns = [f.column for f in Case._meta.concrete_fields]
        # Every column in table order, with its default: a row is this updated, then its values.
        self._fixed: dict[str, Any] = {}
        for field in Case._meta.concrete_fields:
            if field.null:
                self._fixed[field.column] = None
            else:
                self._fixed[field.column] = field.get_default() if field.has_default() else ""

    @property
    def case_columns(self) -> list[str]:
        return [f'"{c}"' for c in self._columns]  # quoted: "group" is a keyword

    def _stamp(self, moment: datetime) -> str:
        return moment.isoformat(" ", "seconds") + self.suffix

    def _pick(self, pairs: tuple[list[Any], list[int]]) -> Any:
        values, cumulative = pairs
        return values[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def _unit(self, case_id: int, department: int, *, lead: bool, state: str,
              row: dict[str, Any], due: str | None) -> tuple[Any, ...]:  # fmt: skip
        self.unit_id += 1
        replied = row["replied_at"] if state == "replied" else None
        return (self.unit_id, case_id, department, lead, state, due, row["dispatched_at"],
                row["signed_at"] if state in ("signed", "replied") else None, None, replied,
                REPLY if replied else "")  # fmt: skip

    def _department(self, district: str, key: str) -> int:
        return self.departments.get(f"{district}-{key}") or self.departments[f"city-{key}"]

    def draw(self, case_id: int) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        random_ = self.rng.random
        age = 600 + random_() * (DAYS * 86400 - 600)
        days = age / 86400
        recent = days < OPEN_SHARE_RECENT
        is_open = random_() < (0.95 - 0.75 * days / OPEN_SHARE_RECENT if recent else 0.002)
        state = self._pick(self.open_states) if is_open else "closed"
        received = self.now - timedelta(seconds=age)
        if random_() < 0.3 and self.persons:
            person_id, community_id, area_code = self.persons[int(random_() * len(self.persons))]
            caller: dict[str, str] = {}
        else:
            person_id = None
            community_id, area_code = self._pick(self.communities)
            caller = self.callers[case_id % len(self.callers)]
        service_id, _code, unit_key, group = self._pick(self.services)
        closure = ""
        if state == "closed":
            r = random_()
            closure = (
                "direct" if r < DIRECT_SHARE else ("unreachable" if r < 0.1 else "followed_up")
            )
        direct = closure == "direct"
        # The moments of the steps (dispatch, sign, reply, close): spread over the case's age.
        if state == "closed":
            scale, low = min(age, 20 * 86400), 0.02
        else:
            scale, low = age * 0.93, 0.02
        offsets = sorted(low + random_() * (1 - low) for _ in range(4))
        if direct:
            offsets = [offsets[0]] * 4
        stamps = [self._stamp(received + timedelta(seconds=o * scale)) for o in offsets]
        reached = REACHED[state]
        row: dict[str, Any] = dict(self._fixed)
        row.update(
            id=case_id, person_id=person_id, community_id=community_id, area_code=area_code,
            service_id=service_id, group=group, nature=self._pick(self.natures),
            urgency="urgent" if random_() < 0.08 else "normal",
            interpreter="ug" if random_() < 0.02 else "", description=TEXTS[case_id % 8],
            channel=self._pick(self.channels), state=state, received_at=self._stamp(received),
            dispatch_due=self._stamp(received + ONE_DAY), version=1 + reached * 2,
        )  # fmt: skip
        if caller:
            row.update(caller)
            row["text_consent"] = case_id % 3 == 0
        if not direct:
            if reached >= 1:
                row["dispatched_at"] = row["handle_started_at"] = stamps[0]
            if reached >= 2:
                row["signed_at"] = stamps[1]
            if reached >= 3:
                row["replied_at"] = stamps[2]
        if row["channel"] in ("hotline", "platform") and self.operators:
            row["created_by_id"] = self.operators[case_id % len(self.operators)]
        if state == "closed":
            row.update(closure=closure, closed_at=stamps[3], reply=REPLY,
                       outcome=OUTCOMES[case_id % len(OUTCOMES)],
                       follow_up_attempts=3 if closure == "unreachable" else 1)  # fmt: skip
            if closure == "followed_up":
                row["satisfaction"] = "satisfied" if random_() < 0.7 else "basic"
        units: list[tuple[Any, ...]] = []
        due = None if state == "closed" else self._deadline(row, state)
        row["due_at"] = due
        if not direct and reached >= 1:
            district = area_code[:6]
            city = random_() < 0.1
            lead = self.departments[f"city-{unit_key}"] if city else self._department(
                district, unit_key)  # fmt: skip
            row["lead_department_id"] = lead
            unit_state = UNIT_STATE[state]
            active_due = due if unit_state in ("waiting", "signed") else None
            units.append(self._unit(case_id, lead, lead=True, state=unit_state, row=row,
                                    due=active_due))  # fmt: skip
            if case_id % 5 == 3:
                other = self._department(district, OTHER_UNITS[case_id % len(OTHER_UNITS)])
                if other != lead:
                    units.append(self._unit(case_id, other, lead=False, state=unit_state,
                                            row=row, due=active_due))  # fmt: skip
            if case_id % 20 == 7 and state != "returned":
                other = self._department(district, OTHER_UNITS[(case_id + 3) % len(OTHER_UNITS)])
                if other != lead:
                    units.append(self._unit(case_id, other, lead=True, state="returned",
                                            row=row, due=None))  # fmt: skip
                    row["returns"] = 1
        return tuple(row.values()), units

    def _deadline(self, row: dict[str, Any], state: str) -> str | None:
        """The running deadline of an open case, and the marks an earlier sweep left on it."""
        random_ = self.rng.random
        self.stats["open"] += 1
        field = DUE_FIELD[state]
        if state == "returned":  # a returned case waits for the office: no deadline runs
            row[field] = self._stamp(self.now + ONE_DAY)
            return None
        r = random_()
        if r < 0.1:
            due = self.now - timedelta(seconds=300 + random_() * 8 * 86400)
            self.stats["overdue"] += 1
        elif r < 0.18:
            # Not in the next half hour: the benchmark's second sweep, minutes later, must find
            # none of them passed (it would rightly announce it).
            window = max(3600.0, (self.soon - self.now).total_seconds())
            due = self.now + timedelta(seconds=1800 + random_() * (window - 1800))
            self.stats["due_soon"] += 1
        else:
            due = self.soon + timedelta(seconds=3600 + random_() * 12 * 86400)
        stamp = self._stamp(due)
        row[field] = stamp
        announced = random_() >= self.backlog
        if not announced:
            self.stats["backlog"] += 1
        if due <= self.now:
            row["soon_noticed_for"] = stamp
            row["overdue_noticed_for"] = stamp if announced else None
            if state in HANDLING_STATES:
                now = self.now.replace(tzinfo=UTC)
                urge_at = next_working_day_start(self.calendar, due.replace(tzinfo=UTC)).at
                if urge_at <= now and announced:
                    row["urged_at"] = self._stamp(urge_at.astimezone(UTC).replace(tzinfo=None))
                    seen = SimpleNamespace(urged_at=urge_at, reported_at=None)
                    if report_due(self.calendar, seen, now):  # type: ignore[arg-type]
                        row["reported_at"] = self._stamp(self.now - timedelta(hours=1))
        elif due <= self.soon and announced:
            row["soon_noticed_for"] = stamp
        return stamp

    def rows(self, chunk: int) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
        cases: list[tuple[Any, ...]] = []
        units: list[tuple[Any, ...]] = []
        for case_id in range(1, self.n + 1):
            case, its_units = self.draw(case_id)
            assert len(case) == len(self._columns), "a column was misspelt in draw()"
            cases.append(case)
            units.extend(its_units)
            if len(cases) >= chunk:
                yield cases, units
                cases, units = [], []
        if cases:
            yield cases, units


def _steps_table(per_case: float) -> int:
    """The step patterns, in a scratch table the expansion joins; how many patterns."""
    patterns = shapes(per_case)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_case_steps")
        cursor.execute(
            "CREATE TABLE bench_case_steps (state varchar(12), closure varchar(12), "
            "variant integer, seq integer, action varchar(24), from_state varchar(12), "
            "to_state varchar(12), anchor varchar(16), minutes integer, reason varchar(24))"
        )
        rows = [
            (s.state, s.closure, s.variant, seq, *step)
            for s in patterns
            for seq, step in enumerate(s.steps)
        ]
        cursor.executemany(
            "INSERT INTO bench_case_steps VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows
        )
    return len(patterns)


def _expand_history() -> int:
    """Write every case's history from its pattern (INSERT … SELECT); the rows written."""
    case, event = Case._meta.db_table, CaseEvent._meta.db_table
    anchor = (
        "CASE s.anchor WHEN 'received_at' THEN c.received_at WHEN 'dispatched_at' THEN "
        "c.dispatched_at WHEN 'signed_at' THEN c.signed_at WHEN 'replied_at' THEN c.replied_at "
        "ELSE c.closed_at END"
    )
    if connection.vendor == "sqlite":
        at = f"datetime({anchor}, '+' || s.minutes || ' minutes')"
    else:
        at = f"({anchor}) + make_interval(mins => s.minutes)"
    unit = "CASE WHEN s.action IN ('open', 'close_direct') THEN NULL ELSE c.lead_department_id END"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {event} (case_id, at, actor_id, action, from_state, to_state, "
            f"department_id, reason, text) "
            f"SELECT c.id, {at}, NULL, s.action, s.from_state, s.to_state, {unit}, s.reason, '' "
            f"FROM {case} c JOIN bench_case_steps s ON s.state = c.state "
            f"AND s.closure = c.closure AND s.variant = c.id % {VARIANTS}"
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE bench_case_steps")
    return written


@contextlib.contextmanager
def _timed(figures: dict[str, float], part: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    figures[part] = time.perf_counter() - started


def _analyse(tables: list[str]) -> None:
    """The sequences past the written ids, then what autovacuum does soon after a load: the
    planner's statistics and the visibility map (PostgreSQL)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


@contextlib.contextmanager
def _bulk_load() -> Iterator[None]:
    """The connection set for one big write: on SQLite no foreign-key checks, the rollback
    journal in memory and no syncing (a benchmark's database needs no crash safety), index
    sorts in memory; back to the settings' WAL mode after. PostgreSQL is set per transaction."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.disable_constraint_checking()
    with connection.cursor() as cursor:
        for pragma in ("journal_mode = MEMORY", "synchronous = OFF", "temp_store = MEMORY",
                       "cache_size = -1000000"):  # fmt: skip
            cursor.execute(f"PRAGMA {pragma}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "temp_store = DEFAULT",
                           "cache_size = -2000"):  # fmt: skip
                cursor.execute(f"PRAGMA {pragma}")
        connection.enable_constraint_checking()


def generate(
    cases: int, events: int, *, backlog: float = 0.1, operators: list[int] | None = None
) -> dict[str, float]:
    """Write the cases, their units and history; timings (s) and counts."""
    started = time.perf_counter()
    persons = list(Person.objects.values_list("id", "community_id", "area_code"))
    generator = Generator(cases, backlog, persons)
    generator.operators = operators or []
    tables = [Case._meta.db_table, CaseUnit._meta.db_table, CaseEvent._meta.db_table]
    figures: dict[str, float] = {}
    with _bulk_load(), transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Skip the deferred foreign-key triggers for this bulk load (superuser only).
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            dropped = [index for table in tables for index in ledger_data._secondary_indexes(table)]
            for index_name, _sql in dropped:
                cursor.execute(f'DROP INDEX "{index_name}"')
        written = units = 0
        with _timed(figures, "cases and units"):
            for case_rows, unit_rows in generator.rows(100_000):
                written += ledger_data._write(tables[0], generator.case_columns, iter(case_rows))
                units += ledger_data._write(tables[1], generator.unit_columns, iter(unit_rows))
        with _timed(figures, "history"):
            _steps_table(events / max(1, cases))
            figures["events"] = _expand_history()
        with _timed(figures, "indexes"), connection.cursor() as cursor:
            for _name, sql in dropped:
                cursor.execute(sql)
    with _timed(figures, "analyse"):
        if connection.vendor == "postgresql":
            _analyse(tables)
    figures["cases"] = written
    figures["units"] = units
    figures["total"] = time.perf_counter() - started
    figures.update({f"open {k}": v for k, v in generator.stats.items()})
    return figures
