"""Import of a generated 100,000-row ledger (15 columns, some messiness) vs the floor.

floor  = reading the same file with python-calamine + inserting the same rows in one
         transaction the way the import writes them: COPY on PostgreSQL, executemany on SQLite
         (SQLite has no COPY). "The same rows" are the rows the import writes into the persons
         table — every column as stored (encrypted, hashed, pinyin) — inserted into that table,
         with its indexes, CHECK and foreign keys, and committed: the raw engine's cost of what
         the import must write, which no importer of this schema can go below ("schema
         floor"). Printed beside it, for reference: the same cell values as 15 text columns
         into a scratch table without indexes, by the same COPY or executemany ("scratch floor").
import = ledger.read.read_ledger (safety checks, header detection) + ledger.commit.commit_import
         (every row validated, encrypted, hashed, pinyin — in this process and helper
         processes, registry/ledger/helpers.py; persons, name keys and history rows written
         chunk by chunk in one transaction — COPY on PostgreSQL, executemany on SQLite; the
         dashboard summary; one audit event).
Target: import ≤ 3× the floor, peak memory ≤ 500 MB, on SQLite and on PostgreSQL (a temporary
database at 127.0.0.1:5432, user postgres, when one answers). Peak memory is the importing
process's peak RSS during the import (VmHWM, reset before it through /proc/self/clear_refs),
and, separately, the helper processes' (their own peak RSS, from getrusage).

    .venv/bin/python bench/run.py bench_import          # SQLite here, PostgreSQL in a child
    BENCH_IMPORT_ROWS=20000 .venv/bin/python bench/run.py bench_import
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

Row = tuple[str, float | int, str]

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
COMMUNITY = "140403001001"
HEADERS = ["序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "手机号", "籍贯", "暂住地址",
           "所属社区", "从业情况", "工作单位", "来长时间", "居住证号", "备注"]  # fmt: skip
SURNAMES = "马白丁杨李王张刘海穆沙冶哈韩周马马白"
GIVEN = "晓梅建国玉兰海燕文明小平春花秋菊志强永福金凤秀英德胜忠义成龙桂兰红霞学军丽娟振华"
ETHNIC = ["回族", "回", "维吾尔族", "蒙古族", "满族", "藏族", "土家族", "东乡族", "撒拉族"]
ORIGINS = [("622924", "甘肃省临夏州广河县"), ("640302", "宁夏吴忠市利通区"),
           ("630102", "青海省西宁市城东区"), ("653101", "新疆喀什市"), ("410102", "河南郑州中原区"),
           ("150102", "内蒙古呼和浩特新城区")]  # fmt: skip
OCCUPATIONS = [
    "拉面",
    "餐饮服务",
    "建筑务工",
    "个体商贩",
    "运输",
    "工厂务工",
    "学生",
    "无业",
    "牛肉面馆经营",
]


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def generate(path: Path, rows: int = ROWS) -> None:
    """A ledger as communities keep them: title, unit row, header variants, mixed date forms,
    full-width digits, spaces and dashes in numbers, lowercase x, a merged title, blank tail."""
    import xlsxwriter

    from tongcheng.lib.idnumber import make_id_number

    rng = random.Random(20240305)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("台账")
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, "和平社区少数民族流动人口信息台账")
    sheet.write_string(1, 0, "填报单位：东街街道和平社区")
    for column, text in enumerate(HEADERS):
        sheet.write_string(3, column, text)
    first = date(1960, 1, 1)
    for n in range(rows):
        area, origin = ORIGINS[n % len(ORIGINS)]
        born = first + timedelta(days=(n // 500) % 14000)
        sex = "male" if n % 2 else "female"
        id_number = make_id_number(area, born, n % 500, sex)
        if n % 10 == 1:
            id_number = id_number.lower()
        if n % 17 == 2:
            id_number = _wide(id_number)
        phone = f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}"
        if n % 5 == 0:
            phone = f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
        elif n % 7 == 0:
            phone = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        arrived = date(2005, 1, 1) + timedelta(days=rng.randint(0, 6000))
        forms = [
            f"{arrived.year}.{arrived.month}.{arrived.day}",
            arrived.isoformat(),
            f"{arrived.year}年{arrived.month}月{arrived.day}日",
            f"{arrived.year}{arrived.month:02d}",
        ]
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        row = 4 + n
        sheet.write_number(row, 0, n + 1)
        sheet.write_string(row, 1, name)
        sheet.write_string(row, 2, "男" if sex == "male" else "女")
        sheet.write_string(row, 3, ETHNIC[n % len(ETHNIC)])
        sheet.write_string(row, 4, born.isoformat())
        sheet.write_string(row, 5, id_number)
        sheet.write_string(row, 6, phone)
        sheet.write_string(row, 7, origin)
        sheet.write_string(row, 8, f"东街街道建设路{n % 300}号{n % 7}单元")
        sheet.write_string(row, 9, "和平社区")
        sheet.write_string(row, 10, OCCUPATIONS[n % len(OCCUPATIONS)])
        if n % 3 == 0:
            sheet.write_string(row, 11, f"{name[0]}家拉面馆")
        if n % 4 == 3:
            sheet.write_number(row, 12, (arrived - date(1899, 12, 30)).days)  # an Excel serial
        else:
            sheet.write_string(row, 12, forms[n % 4])
        if n % 6 == 0:
            sheet.write_string(row, 13, f"14040300{n:08d}")
        if n % 50 == 0:
            sheet.write_string(row, 14, "常住")
    book.close()


def _reset_peak() -> None:
    """Start the peak afresh, from the process as a worker would be between two imports: the
    memory freed by the earlier measurements given back to the system first (glibc)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _insert(table: str, columns: str, rows: list[Any]) -> float:
    """Seconds to insert `rows` in one committed transaction, as the import writes: COPY on
    PostgreSQL, one executemany on SQLite."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    return time.perf_counter() - started


def _floor(path: Path) -> tuple[float, float, float]:
    import python_calamine
    from django.db import connection

    started = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = list(book.get_sheet_by_index(0).iter_rows())[4:]
    read = time.perf_counter() - started
    columns = ", ".join(f"c{i} TEXT" for i in range(len(HEADERS)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(f"CREATE TABLE bench_floor ({columns})")
    names = ", ".join(f"c{i}" for i in range(len(HEADERS)))
    insert = _insert("bench_floor", names, [[str(c) for c in row] for row in rows])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor")
    return read + insert, read, insert


def _floor_in_table(path: Path, community: Any, user: Any, read: float) -> float:
    """The second floor: the same read, plus the import's own person rows (every column as
    stored: encrypted, hashed, pinyin) inserted into the persons table itself — its indexes,
    CHECK and foreign keys — by COPY (PostgreSQL) or one executemany (SQLite) in one
    transaction, committed. The rows are built beforehand, untimed, then deleted again."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tongcheng.registry.actions.bulk.write import allocate_ids, row_spec
    from tongcheng.registry.ledger.read import read_ledger
    from tongcheng.registry.ledger.rows import pinyin_row, process_rows
    from tongcheng.registry.models import Person
    from tongcheng.registry.validation import ReferenceCache

    ledger = read_ledger(path, file_name=path.name)
    spec = row_spec(community, user, timezone.now())
    outcomes = process_rows(
        ledger.person_keys(), ledger.rows, ReferenceCache.load(), timezone.localdate(), spec
    )
    del ledger
    with transaction.atomic():
        ids = allocate_ids(len(outcomes))
    rows = [
        [pk, *pinyin_row(o.new.row, spec)] for o, pk in zip(outcomes, ids, strict=True) if o.new
    ]
    del outcomes
    columns = ", ".join(
        connection.ops.quote_name(Person._meta.get_field(name).column)
        for name in ["id", *spec.fields]
    )
    insert = _insert(connection.ops.quote_name(Person._meta.db_table), columns, rows)
    Person.objects.filter(pk__in=ids).delete()
    return read + insert


def measure(path: Path, label: str) -> list[Row]:
    from django.db import connection

    from tongcheng.lib.roles import Role
    from tongcheng.org.models import Area, Membership, User
    from tongcheng.registry.actions.bulk.commit import commit_import
    from tongcheng.registry.ledger.plan import plan_import
    from tongcheng.registry.ledger.read import read_ledger
    from tongcheng.registry.models import NameKey, Person, PersonChange

    community = Area.objects.get(code=COMMUNITY)
    user, _ = User.objects.get_or_create(username="bench.import", defaults={"display_name": "b"})
    Membership.objects.get_or_create(user=user, role=Role.COMMUNITY_OFFICER, area=community)
    floor, read, _insert = _floor(path)

    started = time.perf_counter()
    ledger = read_ledger(path, file_name=path.name)
    plan = plan_import(ledger, community)
    dry_run = time.perf_counter() - started
    errors = plan.error_count
    del plan, ledger

    _reset_peak()
    before = _rss_mb()
    with _HelperWatch() as helpers:
        started = time.perf_counter()
        ledger = read_ledger(path, file_name=path.name)
        result = commit_import(ledger, community, actor=user)
        total = time.perf_counter() - started
    peak = _peak_mb()
    created = Person.objects.filter(area_code=COMMUNITY).count()
    del ledger
    # Leave the database as it was for the other benchmarks.
    ids = Person.objects.filter(area_code=COMMUNITY, created_by=user).values("pk")
    NameKey.objects.filter(person__in=ids).delete()
    PersonChange.objects.filter(person__in=ids).delete()
    Person.objects.filter(area_code=COMMUNITY, created_by=user).delete()
    floor_table = _floor_in_table(path, community, user, read)
    vendor = connection.vendor
    name = f"{label} {vendor}"
    how = "COPY" if vendor == "postgresql" else "executemany"
    return [
        (f"{name}: rows in the ledger", ROWS, "rows"),
        (f"{name}: rows with errors (expected 0)", errors, "rows"),
        (f"{name}: files created", result.created, "files"),
        (f"{name}: files in the community after import", created, "files"),
        (f"{name}: calamine read", round(read, 2), "s"),
        (f"{name}: {how} into the persons table", round(floor_table - read, 2), "s"),
        (f"{name}: schema floor (read + {how})", round(floor_table, 2), "s"),
        (f"{name}: dry run (read + validate + plan)", round(dry_run, 2), "s"),
        (f"{name}: import total (read + validate + write)", round(total, 2), "s"),
        (f"{name}: import / schema floor (target ≤ 3)", round(total / floor_table, 2), "×"),
        (f"{name}: import rows per second", round(ROWS / total), "rows/s"),
        (f"{name}: RSS before the import", round(before, 1), "MB"),
        (f"{name}: peak RSS during the import", round(peak, 1), "MB"),
        (f"{name}: peak RSS of the helper process(es)", round(helpers.peak_kb / 1024, 1), "MB"),
        (
            f"{name}: peak memory, importer + helpers (≤ 500)",
            round(peak + helpers.peak_kb / 1024, 1),
            "MB",
        ),
        (f"{name}: scratch floor (read + 15 text columns, {how})", round(floor, 2), "s"),
        (f"{name}: import / scratch floor", round(total / floor, 2), "×"),
    ]


class _HelperWatch:
    """Peak RSS of this process's import helpers, added up: their VmHWM, read every 50 ms
    while they run (a helper's peak is its own; it ends with its import)."""

    def __init__(self) -> None:
        import threading

        self.peaks: dict[str, int] = {}  # helper pid → its peak (kB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _HelperWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_kb(self) -> int:
        return sum(self.peaks.values())

    def _watch(self) -> None:
        me = str(os.getpid())
        while not self._stop.wait(0.05):
            for status in Path("/proc").glob("[0-9]*/status"):
                with contextlib.suppress(OSError):
                    text = status.read_text()
                    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
                    if fields.get("PPid", "").strip() != me:
                        continue
                    if "ledger.helper_main" not in (status.parent / "cmdline").read_text():
                        continue
                    pid = status.parent.name
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(fields["VmHWM"].split()[0]))


def _postgres(path: Path) -> list[Row]:
    """The same measurement in a child process on a temporary PostgreSQL database."""
    root = Path(__file__).resolve().parent.parent
    child = subprocess.run(
        [sys.executable, __file__, "--postgres", str(path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    for line in reversed(child.stdout.splitlines()):
        if line.startswith("ROWS "):
            return [tuple(r) for r in json.loads(line[5:])]  # type: ignore[misc]
    tail = (child.stderr or child.stdout)[-1500:]
    print(f"  postgres: no figures ({tail.strip()})")
    return []


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="tongcheng-import-") as folder:
        path = Path(folder) / "ledger-100k.xlsx"
        started = time.perf_counter()
        generate(path)
        print(f"  generated {ROWS:,} rows ({path.stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        rows = measure(path, "import")
        rows += _postgres(path)
    return rows


def _child(path: Path) -> None:
    """Entry point of the PostgreSQL child: a temporary database, migrated, then dropped."""
    import psycopg

    name = f"tongcheng_bench_{os.getpid()}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    try:
        for key in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "HASH_KEY"):
            os.environ.pop(key, None)
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "tongcheng.settings"
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        import django
        from django.conf import settings
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_reference", verbosity=0)
        settings.DEBUG = False
        rows = measure(path, "import")
        from django.db import connections

        connections.close_all()
        print("ROWS " + json.dumps(rows))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--postgres":
    _child(Path(sys.argv[2]))
