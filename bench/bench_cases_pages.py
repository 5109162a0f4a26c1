"""The case pages and the reminder sweep at 1,000,000 cases and 10,000,000 history rows, on
SQLite and PostgreSQL. Targets: a busy unit's inbox p95 ≤ 50 ms; a district's case list p95
≤ 100 ms, unfiltered, with each filter and on later pages; the sweep ≤ 5 s, announcing each due
deadline once (its second run announces nothing); query counts independent of size.

`run()` (bench/run.py) starts one child process per engine and size: first BENCH_SMALL cases
(default 2,000), then BENCH_CASES (default 1,000,000) with BENCH_EVENTS history rows (default
ten per case). Each child has its own database (bench_cases_kpi.database: SQLite in a temporary
folder, PostgreSQL in a temporary database at 127.0.0.1:5432, user postgres, dropped at the
end), loads the reference data, writes 5 % as many person files (bench/ledger_data.py) and the
cases (bench/case_data.py: bulk writes, the setup time printed), then:

- requests the pages through Django's test Client (every middleware, the policy, the view, the
  template, the audit event) as real users logged in, BENCH_PAGE_REQUESTS times each (default
  100): the inbox of a liaison of 潞州区's 人社局 (the busiest unit: job seeking, training,
  labour rights, social insurance in the busiest district), the case list of 潞州区's office (a
  third of the city's cases) and of a small district's, unfiltered, by state, by service,
  overdue only, on pages 2 and 20; for comparison, without a target, the city office's list
  and the liaison's own case list. Each prints p50 and p95, the median CPU time of this
  process per request (on a shared machine the latencies also wait for a core) and the query
  count, which must be the same at both sizes;
- runs the sweep job (`cases.sweep`, as the worker runs it) twice, timing each run and
  counting what it announced: the first finds the backlog case_data.py left (deadlines due
  soon or passed, 催办 and 通报 not yet done), the second must find nothing.

SQLite is measured as loaded (no ANALYZE: nothing runs it in production); PostgreSQL after
VACUUM ANALYZE, as autovacuum leaves a live database.

    .venv/bin/python bench/run.py cases_pages                        # both engines, both sizes
    BENCH_ENGINES=sqlite BENCH_CASES=50000 .venv/bin/python bench/run.py cases_pages
    .venv/bin/python bench/bench_cases_pages.py postgresql 50000     # one engine and size
"""

from __future__ import annotations

import functools
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
INBOX_TARGET_MS = 50.0
LIST_TARGET_MS = 100.0
SWEEP_TARGET_S = 5.0
REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "100"))
SMALL = int(os.environ.get("BENCH_SMALL", "2000"))
BUSY_UNIT = "140403-hrss"
CITY = "140400000000"

Row = tuple[str, float | int, str]


@functools.cache
def _module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases_wanted() -> int:
    return int(os.environ.get("BENCH_CASES", "1000000"))


def events_wanted(cases: int) -> int:
    if cases == cases_wanted() and os.environ.get("BENCH_EVENTS"):
        return int(os.environ["BENCH_EVENTS"])
    return cases * 10


def run() -> list[Row]:
    search = _module("bench_search")
    rows: list[Row] = []
    for engine in search.engines():
        for size in dict.fromkeys((SMALL, cases_wanted())):
            rows += search.run_child(Path(__file__), engine, [str(size)])
    return rows


# --- Child side ------------------------------------------------------------------------------

LIST_PAGES: list[tuple[str, dict[str, str]]] = [
    ("list", {}),
    ("page 2", {"page": "2"}),
    ("page 20", {"page": "20"}),
    ("state in progress", {"state": "in_progress"}),
    ("state received", {"state": "received"}),
    ("state closed, page 2", {"state": "closed", "page": "2"}),
    ("service job-seeking", {"service": "job-seeking"}),
    ("service ethnic-policy", {"service": "ethnic-policy"}),
    ("overdue", {"overdue": "1"}),
    ("overdue, page 2", {"overdue": "1", "page": "2"}),
    ("state dispatched, overdue", {"state": "dispatched", "overdue": "1"}),
]


def _users() -> dict[str, Any]:
    """The readers measured, and whoever the sweep tells: the offices of every district, two
    liaisons of every member unit, the hotline operators who opened the hotline's cases."""
    from tongcheng.org.models import Area, Department, Membership, User

    city = Area.objects.get(code=CITY)
    people: list[tuple[str, str, Any, Any]] = [("bench.city", "city_admin", city, None)]
    people += [(f"bench.hotline.{k}", "hotline_operator", city, None) for k in range(5)]
    for district in Area.objects.filter(level=Area.Level.DISTRICT):
        people.append((f"bench.office.{district.code[:6]}", "district_office", district, None))
    for department in Department.objects.select_related("area"):
        for k in range(2):
            people.append((f"bench.{department.code}.{k}", "dept_liaison", department.area,
                           department))  # fmt: skip
    users = User.objects.bulk_create(
        [
            User(username=name, display_name=name, email=f"{name}@example.org")
            for name, *_rest in people
        ]
    )
    by_name = {u.username: u for u in User.objects.filter(username__startswith="bench.")}
    Membership.objects.bulk_create(
        Membership(user=by_name[name], role=role, area=area, department=department)
        for name, role, area, department in people
    )
    assert len(users) == len(people)
    return by_name


class _Counter:
    """An execute wrapper counting the statements (the query log is reset at each request)."""

    def __init__(self) -> None:
        self.statements = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements += 1
        return execute(sql, params, many, context)


def _measure(get: Callable[[], Any]) -> tuple[list[float], int, float]:
    """Latencies of REQUESTS requests, the query count of one, and the median CPU time this
    process spent on one (SQLite's work included, PostgreSQL's server not): on a machine shared
    with other work the latencies wait for a core, the CPU time much less."""
    from django.db import connection

    for _ in range(3):  # warm-up: templates compiled, caches filled
        get()
    counter = _Counter()
    with connection.execute_wrapper(counter):
        get()
    latencies, cpu = [], []
    for _ in range(REQUESTS):
        t0, c0 = time.perf_counter(), time.process_time()
        get()
        latencies.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return latencies, counter.statements, statistics.median(cpu)


def _page(client: Any, url: str, params: dict[str, str]) -> Callable[[], Any]:
    def get() -> Any:
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        return response

    return get


def _report(
    name: str, latencies: list[float], queries: int, cpu: float, target: float | None
) -> None:
    emit = _module("bench_search").emit
    cuts = statistics.quantiles(latencies, n=100)
    emit(f"{name} p50", round(cuts[49] * 1000, 1), "ms")
    emit(f"{name} p95", round(cuts[94] * 1000, 1), "ms")
    emit(f"{name} CPU of this process, median", round(cpu * 1000, 1), "ms")
    emit(f"{name} queries", queries, "")
    if target is not None and cuts[94] * 1000 > target:
        print(f"  {name}: p95 over the {target:.0f} ms target", flush=True)


def _pages(label: str, users: dict[str, Any]) -> None:
    from django.test import Client
    from django.urls import reverse

    from tongcheng.cases.models import CaseUnit

    liaison = Client()
    liaison.force_login(users[f"bench.{BUSY_UNIT}.0"])
    shown = _page(liaison, reverse("cases:inbox"), {})().content.decode().count("tc-tap")
    active = CaseUnit.objects.filter(department__code=BUSY_UNIT).active().count()
    print(f"  {label} inbox of {BUSY_UNIT}: {active:,} active rows, {shown} shown", flush=True)
    _report(f"{label} inbox, liaison of {BUSY_UNIT}",
            *_measure(_page(liaison, reverse("cases:inbox"), {})), INBOX_TARGET_MS)  # fmt: skip
    readers: list[tuple[str, str, float | None]] = [
        ("district office 140403", "bench.office.140403", LIST_TARGET_MS),
        ("district office 140406", "bench.office.140406", LIST_TARGET_MS),
    ]
    for who, username, target in readers:
        client = Client()
        client.force_login(users[username])
        for page_label, params in LIST_PAGES:
            name = f"{label} list, {who}: {page_label}"
            _report(name, *_measure(_page(client, reverse("cases:case_list"), params)), target)
    for who, username in (("city office", "bench.city"), (f"liaison of {BUSY_UNIT}",
                                                          f"bench.{BUSY_UNIT}.0")):  # fmt: skip
        client = Client()
        client.force_login(users[username])
        for page_label, params in LIST_PAGES[:2] + LIST_PAGES[8:9]:
            name = f"{label} list, {who} (no target): {page_label}"
            _report(name, *_measure(_page(client, reverse("cases:case_list"), params)), None)


def _sweep(label: str) -> None:
    from django.db import connection

    from tongcheng.notify.models import Notification
    from tongcheng.org.contributions import recurring_jobs

    emit = _module("bench_search").emit
    job = recurring_jobs()["cases.sweep"]
    for run_label in ("first run", "second run"):
        counter = _Counter()
        before = Notification.objects.count()
        t0 = time.perf_counter()
        with connection.execute_wrapper(counter):
            result = job.run()
        seconds = time.perf_counter() - t0
        told = Notification.objects.count() - before
        print(f"  {label} sweep, {run_label}: {result}, {told:,} notifications", flush=True)
        emit(f"{label} sweep, {run_label}", round(seconds, 2), "s")
        emit(f"{label} sweep, {run_label}: queries", counter.statements, "")
        steps = sum(vars(result).values())
        if steps:
            emit(f"{label} sweep, {run_label}: per case acted on",
                 round(seconds * 1000 / steps, 2), "ms")  # fmt: skip
        if run_label == "second run" and (steps or told):
            print(f"  {label} sweep: the second run announced again", flush=True)
        if seconds > SWEEP_TARGET_S:
            print(f"  {label} sweep, {run_label}: over the {SWEEP_TARGET_S:.0f} s target")


def child(engine: str, size: int) -> None:
    kpi = _module("bench_cases_kpi")
    search = _module("bench_search")
    sys.path.insert(0, str(BENCH))
    events = events_wanted(size)
    label = f"[{engine} {size:,}]"
    with kpi.database(engine):
        import case_data
        import ledger_data
        from django.conf import settings

        settings.DEBUG = False
        started = time.perf_counter()
        users = _users()
        ledger_data.generate(max(1000, size // 20), progress=False)
        persons = time.perf_counter() - started
        operators = [users[f"bench.hotline.{k}"].pk for k in range(5)]
        figures = case_data.generate(size, events, operators=operators)
        setup = time.perf_counter() - started
        print(
            f"  {label} {figures['cases']:,} cases, {figures['units']:,} units, "
            f"{figures['events']:,} history rows; open {figures['open open']:,}, overdue "
            f"{figures['open overdue']:,}, due soon {figures['open due_soon']:,}, not yet "
            f"announced {figures['open backlog']:,}",
            flush=True,
        )
        for part in ("cases and units", "history", "indexes", "analyse"):
            search.emit(f"{label} setup: {part}", round(figures[part], 1), "s")
        search.emit(f"{label} setup: person files", round(persons, 1), "s")
        search.emit(f"{label} setup, total", round(setup, 1), "s")
        _pages(label, users)
        _sweep(label)


if __name__ == "__main__":
    engine = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    child(engine, int(sys.argv[2]) if len(sys.argv) > 2 else SMALL)
