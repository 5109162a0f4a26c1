"""An import's commit and a file registered at the same moment with one of its ID numbers.

Real threads with their own connections (committed_cast): one registers a file and holds its
transaction open; the other commits an import that was checked before. On PostgreSQL the
commit's look-up cannot see the uncommitted file, its write waits on the unique index and is
refused once the file is committed: the job fails naming the row, and nothing is imported.
SQLite lets one writer in at a time: the commit starts after the file is committed, sees it
and updates it.
"""

from __future__ import annotations

import threading
import time

from django.db import connection, transaction
from django.utils import translation

from tongcheng.conftest import Cast, run_concurrently
from tongcheng.registry.actions import imports
from tongcheng.registry.identifiers import id_number_hash
from tongcheng.registry.ledger.read import read_ledger
from tongcheng.registry.models import ImportJob, Person
from tongcheng.registry.tests.factories import make_person
from tongcheng.registry.tests.test_import import good_rows, id_number, ledger_bytes

A = "140403001001"
# How long the registering thread waits for the commit to queue behind its file, at most.
WAIT_SECONDS = 20


def commit_waits_on_a_lock() -> bool:
    """PostgreSQL: another session of this database waits on a lock (the unique index)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


def test_it_fails_the_job_by_row_when_a_file_takes_a_number_during_the_commit(
    committed_cast: Cast,
) -> None:
    data = ledger_bytes(good_rows(3))
    taken = id_number(1)  # the ledger's second row
    taken_row = read_ledger(data).rows[1][0]
    user = committed_cast.community_a
    job, _upload = imports.job_create(
        actor=user, community=committed_cast.areas["community_a"], file_name="a.xlsx", content=data
    )
    job = imports.job_validate(job=job)
    assert job.state == ImportJob.State.READY
    registered = threading.Event()

    def register() -> str:
        with transaction.atomic():
            make_person(A, name="马建国", id_number=taken)
            registered.set()
            deadline = time.monotonic() + (WAIT_SECONDS if connection.vendor == "postgresql" else 1)
            while time.monotonic() < deadline:
                if connection.vendor == "postgresql" and commit_waits_on_a_lock():
                    break
                time.sleep(0.05)
        return "registered"

    def commit() -> str:
        assert registered.wait(WAIT_SECONDS)
        with translation.override("en"):
            done = imports.job_start_commit(actor=user, job=ImportJob.objects.get(pk=job.pk))
        return str(done.state)

    results = run_concurrently(lambda index: (register, commit)[index](), 2)

    assert results[0] == "registered", results
    assert not isinstance(results[1], BaseException), results
    assert Person.objects.filter(id_number_hash=id_number_hash(taken)).count() == 1
    job.refresh_from_db()
    if connection.vendor == "postgresql":
        assert results[1] == ImportJob.State.FAILED
        failure = job.summary["failure"]
        assert f"Row {taken_row}:" in failure and "while the import ran" in failure
        assert Person.objects.count() == 1  # the registered file only: nothing imported
    else:
        assert results[1] == ImportJob.State.DONE
        assert job.summary["result"]["created"] == 2 and job.summary["result"]["updated"] == 1
