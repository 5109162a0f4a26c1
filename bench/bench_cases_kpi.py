"""The case KPI dashboard at the size of 1,000,000 cases: p95 ≤ 200 ms, query count independent
of size, on SQLite and PostgreSQL.

The dashboard reads only the KPI summary (`CaseKpi`) and its rollups (by unit, by service, by
district), all kept by the moves: no query touches the cases or their history. So the child
generates the summary rows directly, at the size a million cases over two years give: 24
months × 12 districts × 19 services × (the intake row, the district's unit of the service, the
city's unit, one other unit of the district a case was mis-dispatched to) ≈ 22,000 rows whose
counters add up to BENCH_KPI_CASES cases (default 1,000,000), written in bulk (COPY on
PostgreSQL, executemany on SQLite); the rollups are then added up from them in the database
(`kpi_rebuild_rollups`, the rows the moves would have kept). Generating a million cases and ten
million history rows would time the generator, not the page.

Each child process has its own database: SQLite in a temporary folder, PostgreSQL in a temporary
database at 127.0.0.1:5432 (user postgres), dropped at the end. The page is requested through
Django's test Client (every middleware, the policy, the view, the template) as the city office
(city-wide, the ranking of every unit), a district office, a leader (city-wide, with the
protection of small counts) and a liaison, for the default 12 months and for 36 months. Query
counts are printed at a summary of one month's rows and at the full size: they must be equal.

    .venv/bin/python bench/run.py cases_kpi                     # both engines
    BENCH_ENGINES=sqlite .venv/bin/python bench/run.py cases_kpi
    .venv/bin/python bench/bench_cases_kpi.py postgresql        # one engine, directly
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TARGET_MS = 200.0
REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "100"))
CASES = int(os.environ.get("BENCH_KPI_CASES", "1000000"))
MONTHS = 24
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"

Row = tuple[str, float | int, str]


def _bench_search() -> Any:
    spec = importlib.util.spec_from_file_location("bench_search", BENCH / "bench_search.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run() -> list[Row]:
    search = _bench_search()
    rows: list[Row] = []
    for engine in search.engines():
        rows += search.run_child(Path(__file__), engine)
    return rows


# --- Child side ------------------------------------------------------------------------------


@contextlib.contextmanager
def database(engine: str) -> Iterator[None]:
    """Django on a fresh database of its own, migrated, with the reference data."""
    for name in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "HASH_KEY"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tongcheng.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    pg_name = ""
    with tempfile.TemporaryDirectory(prefix="tongcheng-kpi-") as folder:
        if engine == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'kpi.sqlite3'}"
        else:
            import psycopg

            pg_name = f"tongcheng_kpi_bench_{os.getpid()}"
            with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{pg_name}"')
            os.environ["DATABASE_URL"] = PG_URL.format(name=pg_name)
        try:
            import django

            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
            call_command("load_reference", verbosity=0)
            yield
        finally:
            from django.db import connections

            connections.close_all()
            if pg_name:
                import psycopg

                with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def _months(last: date, n: int) -> list[date]:
    index = last.year * 12 + last.month - 1
    return [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(n - 1, -1, -1)]


# Long because: one generated row's counters, each a plausible share of the one before.
def generate(months: int, cases: int) -> tuple[int, float]:
    """Write the summary rows of `cases` cases over `months` months; (rows, seconds)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tongcheng.cases.kpi.counting import ROLLUPS, kpi_rebuild_rollups
    from tongcheng.cases.kpimodels import COUNTERS, NO_UNIT, CaseKpi
    from tongcheng.cases.models import Service
    from tongcheng.org.models import Area, Department

    rng = random.Random(2013)
    started = time.perf_counter()
    districts = list(Area.objects.filter(level=Area.Level.DISTRICT).values_list("code", flat=True))
    units = dict(Department.objects.values_list("code", "pk"))
    services = list(Service.objects.values_list("pk", "unit"))
    keys = [(d, s, u) for d in districts for s, u in services]
    per_key = max(1, cases // (months * len(keys)))
    rows: list[tuple[object, ...]] = []
    for month in _months(timezone.localdate().replace(day=1), months):
        for district, service, key in keys:
            n = max(0, int(rng.gauss(per_key, per_key / 4)))
            direct = n // 15
            rows.append((month, district, NO_UNIT, service, n, direct, *([0] * 12)))
            own = units.get(f"{district[:6]}-{key}", units[f"city-{key}"])
            other = units[f"{district[:6]}-{rng.choice(['civil', 'edu', 'justice', 'police'])}"]
            for unit, share in ((own, 0.8), (units[f"city-{key}"], 0.15), (other, 0.05)):
                d = int((n - direct) * share)
                returned = int(d * rng.uniform(0, 0.08))
                signed = int((d - returned) * rng.uniform(0.85, 1))
                closed = int((d - returned) * rng.uniform(0.8, 0.98))
                unreachable = int(closed * rng.uniform(0, 0.04))
                followed = closed - unreachable
                satisfied = int(followed * rng.uniform(0.6, 0.8))
                basic = int((followed - satisfied) * rng.uniform(0.3, 0.9))
                values = (0, 0, d, returned, signed, closed, int(closed * rng.uniform(0.8, 1)),
                          closed * rng.randrange(600, 6000), int(closed * rng.uniform(0, 0.1)),
                          unreachable, followed, int(followed * rng.uniform(0.8, 1)), satisfied,
                          basic)  # fmt: skip
                rows.append((month, district, unit, service, *values))
    # Units that met twice under one key (the district's own unit is the city's): one row.
    merged: dict[tuple[object, ...], list[int]] = {}
    for month, district, unit, service, *counts in rows:
        into = merged.setdefault((month, district, unit, service), [0] * len(COUNTERS))
        merged[(month, district, unit, service)] = [
            a + b for a, b in zip(into, counts, strict=True)
        ]  # type: ignore[operator]
    columns = ["month", "district_code", "unit", "service_id", *COUNTERS]
    table = CaseKpi._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        values = [(*key, *counts) for key, counts in merged.items()]
        if connection.vendor == "postgresql":
            with cursor.connection.cursor().copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [(m.isoformat(), *rest) for m, *rest in values],
            )
        kpi_rebuild_rollups()
        if connection.vendor == "postgresql":
            for name in (table, *(model._meta.db_table for model, _key in ROLLUPS)):
                cursor.execute(f"ANALYZE {name}")
    return len(merged), time.perf_counter() - started


def _user(username: str, role: str, area: str, department: str = "") -> Any:
    from tongcheng.org.models import Area, Department, Membership, User

    user, _created = User.objects.get_or_create(
        username=username, defaults={"display_name": username}
    )
    Membership.objects.get_or_create(
        user=user, role=role, area=Area.objects.get(code=area),
        department=Department.objects.get(code=department) if department else None,
    )  # fmt: skip
    return user


def _measure(client: Any, params: dict[str, str]) -> tuple[list[float], int]:
    from django.db import connection

    for _ in range(3):
        assert client.get("/cases/kpi/", params).status_code == 200
    statements: list[str] = []

    def count(execute: Any, sql: str, p: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, p, many, context)

    with connection.execute_wrapper(count):
        client.get("/cases/kpi/", params)
    latencies = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        client.get("/cases/kpi/", params)
        latencies.append(time.perf_counter() - t0)
    return latencies, len(statements)


def child(engine: str) -> None:
    search = _bench_search()
    with database(engine):
        from django.conf import settings
        from django.test import Client

        settings.DEBUG = False
        users = {
            "city office": _user("bench.city", "city_admin", "140400000000"),
            "district office": _user("bench.district", "district_office", "140403000000"),
            "leader": _user("bench.leader", "leader", "140400000000"),
            "liaison": _user("bench.liaison", "dept_liaison", "140400000000", "city-hrss"),
        }
        for label, months, cases in (("1 month", 1, CASES // MONTHS), ("full", MONTHS, CASES)):
            rows, seconds = generate(months, cases)
            search.emit(
                f"[{engine} {label}] generate {rows:,} summary rows", round(seconds, 1), "s"
            )
            for who, user in users.items():
                client = Client()
                client.force_login(user)
                start = _months(date.today().replace(day=1), 36)[0]
                for period, params in (
                    ("12 months", {}),
                    ("36 months", {"start": f"{start:%Y-%m}"}),
                ):
                    latencies, queries = _measure(client, params)
                    cuts = statistics.quantiles(latencies, n=100)
                    name = f"[{engine} {label}] {who}, {period}"
                    search.emit(f"{name} p50", round(cuts[49] * 1000, 1), "ms")
                    search.emit(f"{name} p95", round(cuts[94] * 1000, 1), "ms")
                    search.emit(f"{name} queries", queries, "")
                    if cuts[94] * 1000 > TARGET_MS:
                        print(f"  {name}: p95 over the {TARGET_MS:.0f} ms target", flush=True)


if __name__ == "__main__":
    child(sys.argv[1] if len(sys.argv) > 1 else "sqlite")
