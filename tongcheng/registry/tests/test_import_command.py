"""manage.py import_ledger: report, dry run, all or nothing — and a process killed mid-write."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.models import ImportJob, Person
from tongcheng.registry.tests.test_import import COMMUNITY_A, good_rows, ledger_bytes

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_checks_without_writing_on_a_dry_run(cast, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_bytes(good_rows(4)))
    out, _err = run(str(path), "--community", COMMUNITY_A, "--dry-run")
    assert "4 to create" in out and "dry run" in out
    assert Person.objects.count() == 0


def test_it_imports_with_a_progress_bar_and_records_the_user(cast, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_bytes(good_rows(4)))
    out, _err = run(str(path), "--community", COMMUNITY_A, "--user", "community_a")
    assert "4 created" in out
    assert Person.objects.filter(area_code=COMMUNITY_A).count() == 4
    assert ImportJob.objects.get().state == ImportJob.State.DONE
    assert AuditEvent.objects.get(action="person.import").user_id == cast.community_a.pk
    with pytest.raises(CommandError):  # already imported
        run(str(path), "--community", COMMUNITY_A, "--user", "community_a")


def test_it_prints_the_errors_and_writes_nothing(cast, tmp_path: Path) -> None:
    rows = good_rows(4)
    rows[3][1] = ""
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_bytes(rows))
    with pytest.raises(CommandError, match="nothing was imported"):
        run(str(path), "--community", COMMUNITY_A)
    assert Person.objects.count() == 0


def test_it_refuses_a_user_without_the_community_in_scope(cast, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_bytes(good_rows(2)))
    with pytest.raises(CommandError, match="nothing was imported"):
        run(str(path), "--community", COMMUNITY_A, "--user", "community_b")
    assert Person.objects.count() == 0


def _env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    env["DJANGO_SETTINGS_MODULE"] = "tongcheng.settings"
    env["LOG_LEVEL"] = "WARNING"
    return env


def test_it_leaves_0_rows_when_the_process_is_killed_mid_write(tmp_path: Path) -> None:
    database = tmp_path / "kill.sqlite3"
    env = _env(database)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*manage, "load_reference", "-v", "0"], env=env, check=True, cwd=ROOT
    )
    path = tmp_path / "big.xlsx"
    path.write_bytes(ledger_bytes(good_rows(20000)))
    process = subprocess.Popen(  # noqa: S603
        [*manage, "import_ledger", str(path), "--community", COMMUNITY_A],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    # The bar "write […]" moves as the commit writes the checked rows, chunk by chunk, inside
    # its transaction. Kill once the write-ahead log shows the inserts coming.
    seen = b""
    while b"write [" not in seen:
        chunk = process.stderr.read1(4096)  # type: ignore[attr-defined]
        assert chunk, seen.decode(errors="replace")[-2000:]
        seen += chunk
    wal = Path(f"{database}-wal")
    deadline = time.monotonic() + 30
    start = wal.stat().st_size if wal.exists() else 0
    while time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > start + 256 * 1024:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the import finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM registry_person").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM registry_namekey").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM registry_personchange").fetchone()[0] == 0
