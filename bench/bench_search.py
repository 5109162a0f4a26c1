"""Search over a million files: p50/p95 per kind of query, SQLite and PostgreSQL.

`run()` (called by bench/run.py) starts one child process per engine, each with its own
database: SQLite in a cached file under bench/data/ (generated once per size, reused after:
delete the file to regenerate), PostgreSQL in a temporary database at 127.0.0.1:5432 (user
postgres), dropped at the end. The child generates BENCH_PERSONS files (default 1,000,000) with
bench/ledger_data.py, then times `search_persons` for BENCH_QUERIES queries (default 200) of
each kind, as a city-wide user and as a community officer of 潞州区. Target: p95 ≤ 20 ms for
each kind, scope and state.

Each measurement is repeated BENCH_ROUNDS times (default 3) and the spread of the rounds' p95 is
printed (lowest–highest), not the best round. On PostgreSQL it is done in two states:
"fresh" — right after the bulk load, before any statistics or visibility map exist (autovacuum
is held off the two tables meanwhile, so the state cannot change half-way) — and "analysed",
after VACUUM ANALYZE, as autovacuum leaves a live database.

    .venv/bin/python bench/run.py search             # both engines
    BENCH_ENGINES=sqlite BENCH_PERSONS=100000 .venv/bin/python bench/run.py search
    .venv/bin/python bench/bench_search.py sqlite    # one engine, directly
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
# Bump when ledger_data.py changes what it writes: cached databases are then regenerated.
DATA_VERSION = 2
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGET_MS = 20.0
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
COMMUNITY = "140403001001"
CITY = "140400000000"

Row = tuple[str, float | int, str]


def persons_wanted() -> int:
    return int(os.environ.get("BENCH_PERSONS", "1000000"))


def sqlite_path(n: int) -> Path:
    return DATA / f"ledger-v{DATA_VERSION}-{n}.sqlite3"


# --- Parent side: one child process per engine ------------------------------------------------


def run_child(script: Path, engine: str, extra: list[str] | None = None) -> list[Row]:
    """Run `script` for one engine in a child process; echo its output, collect its rows."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    command = [sys.executable, str(script), engine, *(extra or [])]
    rows: list[Row] = []
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("ROW\t"):
                name, figure, unit = json.loads(line[4:])
                rows.append((name, figure, unit))
            else:
                print(line, end="", flush=True)
    if child.returncode:
        print(f"  {script.stem} [{engine}]: child exited with {child.returncode}")
    return rows


def engines() -> list[str]:
    return [e for e in os.environ.get("BENCH_ENGINES", "sqlite,postgresql").split(",") if e]


def run() -> list[Row]:
    rows: list[Row] = []
    for engine in engines():
        rows += run_child(Path(__file__), engine)
    return rows


# --- Child side: a database of n files ---------------------------------------------------------


def emit(name: str, figure: float | int, unit: str) -> None:
    print("ROW\t" + json.dumps([name, figure, unit]), flush=True)


@contextlib.contextmanager
def ledger_database(engine: str, n: int) -> Iterator[None]:
    """Set up Django on a database holding n generated files (cached for SQLite)."""
    for name in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "HASH_KEY"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tongcheng.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH))
    pg_name = ""
    if engine == "sqlite":
        DATA.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_path(n)}"
    else:
        import psycopg

        pg_name = f"tongcheng_bench_{os.getpid()}"
        with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = PG_URL.format(name=pg_name)
    try:
        import django

        django.setup()
        from django.conf import settings

        mmap = os.environ.get("BENCH_SQLITE_MMAP")
        if engine == "sqlite" and mmap:
            # Experiment: memory-mapped reads (a connection per request keeps no page cache).
            options = settings.DATABASES["default"]["OPTIONS"]
            options["init_command"] += f" PRAGMA mmap_size={int(mmap)};"
        from django.core.management import call_command

        from tongcheng.org.models import Area
        from tongcheng.registry.models import Person

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        if not Area.objects.exists():
            call_command("load_reference", verbosity=0)
        have = Person.objects.count()
        if have != n:
            import ledger_data

            if have:
                from tongcheng.registry.models import NameKey

                NameKey.objects.all().delete()
                Person.objects.all().delete()
            print(f"  [{engine}] generating {n:,} files …", flush=True)
            # PostgreSQL: measured first as loaded, then analysed (child()).
            timings = ledger_data.generate(n, analyse=engine == "sqlite")
            emit(f"[{engine}] generate {n:,} files: rows", round(timings["rows"], 1), "s")
            emit(f"[{engine}] generate {n:,} files: indexes", round(timings["indexes"], 1), "s")
        else:
            print(f"  [{engine}] reusing {sqlite_path(n).name} ({n:,} files)", flush=True)
        settings.DEBUG = False
        print(f"  [{engine}] database ready in {time.perf_counter() - started:.1f} s", flush=True)
        yield
    finally:
        if pg_name and os.environ.get("BENCH_KEEP_PG"):
            print(f"  [{engine}] kept database {pg_name} (BENCH_KEEP_PG)", flush=True)
        elif pg_name:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def bench_user(username: str, role: str, area_code: str) -> Any:
    from tongcheng.org.models import Area, Membership, User

    user, _ = User.objects.get_or_create(username=username, defaults={"display_name": username})
    Membership.objects.get_or_create(user=user, role=role, area=Area.objects.get(code=area_code))
    return user


def percentiles(latencies: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return round(cuts[49] * 1000, 2), round(cuts[94] * 1000, 2)


def sample_queries(n: int, rng: random.Random) -> dict[str, list[str]]:
    """Real values to search for, from files picked at random (the officer's own and others)."""
    import ledger_data

    from tongcheng.registry.models import Person

    counties = ledger_data.county_codes()
    community_ids = list(
        Person.objects.filter(area_code=COMMUNITY).values_list("id", flat=True)[:5000]
    )
    picks = [rng.randrange(1, n + 1) for _ in range(QUERIES)]
    # Half of the picks from the officer's community: searches there find something.
    picks[: QUERIES // 2] = [rng.choice(community_ids) for _ in range(QUERIES // 2)]
    people = {
        p["id"]: p
        for p in Person.objects.filter(id__in=picks).values(
            "id", "name", "name_pinyin", "name_initials"
        )
    }
    queries: dict[str, list[str]] = {k: [] for k in
        ("name, 1 char", "name, 2 chars", "name, 3 chars", "pinyin prefix", "initials",
         "ID last 4", "full ID", "phone")}  # fmt: skip
    for pk in picks:
        person = people[pk]
        part = max(person["name"].split("·"), key=len)
        pinyin = person["name_pinyin"]
        queries["name, 1 char"].append(part[rng.randrange(len(part))])
        start = rng.randrange(max(1, len(part) - 1))
        queries["name, 2 chars"].append(part[start : start + 2])
        queries["name, 3 chars"].append(part[:3] if len(part) >= 3 else person["name"][:3])
        queries["pinyin prefix"].append(pinyin[: rng.randrange(2, max(3, len(pinyin)) + 1)])
        queries["initials"].append(person["name_initials"])
        number = ledger_data.id_number(pk - 1, counties)
        queries["ID last 4"].append(number[-4:].lower())
        queries["full ID"].append(number)
        queries["phone"].append(ledger_data.phone(pk - 1))
    return queries


def time_queries(search: Callable[[str], Any], queries: list[str]) -> list[float]:
    for query in queries[:5]:  # warm-up
        search(query)
    latencies = []
    for query in queries:
        t0 = time.perf_counter()
        search(query)
        latencies.append(time.perf_counter() - t0)
    return latencies


def measure_state(engine: str, state: str, users: dict[str, Any], queries: Any) -> float:
    """ROUNDS rounds of every kind of query for every user; prints the spread; the worst p95."""
    from tongcheng.org.models import User
    from tongcheng.registry.search import search_persons

    worst = 0.0
    for label, user in users.items():
        for kind, values in queries.items():

            def search(q: str, username: str = user.username) -> Any:
                # A fresh user per request, as in a view (memberships read each time).
                return search_persons(User.objects.get(username=username), q)

            rounds = [percentiles(time_queries(search, values)) for _ in range(ROUNDS)]
            p50s = sorted(p50 for p50, _ in rounds)
            p95s = sorted(p95 for _, p95 in rounds)
            worst = max(worst, p95s[-1])
            name = f"[{engine}, {state}] {label}: {kind}"
            emit(f"{name} p50 (median of {ROUNDS})", p50s[len(p50s) // 2], "ms")
            emit(f"{name} p95, lowest of {ROUNDS}", p95s[0], "ms")
            emit(f"{name} p95, highest of {ROUNDS}", p95s[-1], "ms")
    verdict = "met" if worst <= TARGET_MS else f"MISSED by {worst - TARGET_MS:.1f} ms"
    print(f"  [{engine}, {state}] worst p95 {worst:.2f} ms: target {TARGET_MS:.0f} ms {verdict}")
    return worst


def child(engine: str) -> None:
    n = persons_wanted()
    with ledger_database(engine, n):
        import ledger_data

        users = {
            "city": bench_user("bench.city", "city_admin", CITY),
            "community": bench_user("bench.community", "community_officer", COMMUNITY),
        }
        queries = sample_queries(n, random.Random(7))
        if engine != "postgresql":
            measure_state(engine, "analysed", users, queries)
            return
        ledger_data.autovacuum(False)
        try:
            measure_state(engine, "fresh", users, queries)
        finally:
            ledger_data.autovacuum(True)
        ledger_data.analyse_tables()
        measure_state(engine, "analysed", users, queries)


if __name__ == "__main__":
    child(sys.argv[1] if len(sys.argv) > 1 else "sqlite")
