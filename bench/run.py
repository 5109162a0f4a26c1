"""Run every benchmark in bench/ and print its figures: `make bench`.

Benchmarks are not tests: this runner always exits 0, printing a benchmark's error instead of
failing. Each `bench/bench_*.py` defines `run()` returning a list of (name, figure, unit) rows
(or printing its own output and returning None). They share one fresh SQLite database in a
temporary folder, migrated and loaded with the reference data before the first one runs.

    .venv/bin/python bench/run.py [name-filter]
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def setup_django(folder: Path) -> None:
    # Development settings on a database of our own: never the developer's db.sqlite3.
    for name in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "HASH_KEY"):
        os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tongcheng.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference", verbosity=0)
    # Time requests as production runs them: no query log kept in memory.
    settings.DEBUG = False
    print(
        f"setup: fresh SQLite database with reference data in {time.perf_counter() - started:.1f} s"
    )


def discover(pattern: str) -> list[Path]:
    return [p for p in sorted(BENCH.glob("bench_*.py")) if pattern in p.stem]


def run_one(path: Path) -> None:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    started = time.perf_counter()
    rows = module.run()
    for name, figure, unit in rows or []:
        shown = f"{figure:,.1f}" if isinstance(figure, float) else f"{figure:,}"
        print(f"  {name:<52} {shown:>12} {unit}")
    print(f"  ({path.stem} took {time.perf_counter() - started:.1f} s)")


def main() -> int:
    pattern = sys.argv[1] if len(sys.argv) > 1 else ""
    paths = discover(pattern)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="tongcheng-bench-") as folder:
        try:
            setup_django(Path(folder))
        except Exception:
            traceback.print_exc()
            print("bench: setup failed; no figures (benchmarks never fail the build)")
            return 0
        for path in paths:
            print(f"\n== {path.stem} ==")
            try:
                run_one(path)
            except Exception:
                failures += 1
                traceback.print_exc()
                print(f"  {path.stem}: error (printed above)")
    print(f"\nbench: {len(paths)} benchmark(s), {failures} with errors (never fails the build)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
