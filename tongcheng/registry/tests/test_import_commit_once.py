"""An import job commits once, and one file makes one job, under real concurrency.

Real threads, each with its own database connection (`run_concurrently`), through the real
views and the worker's task. On PostgreSQL they run at once: the job's row lock
(`job_start_commit`, `bulk.commit._claim`) lets one commit write, and the partial unique
constraint on (community, file fingerprint) of pending jobs lets one upload make a job. On
SQLite the IMMEDIATE transactions serialise them, and the same checks must hold.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast, run_concurrently
from tongcheng.registry.actions import imports
from tongcheng.registry.models import ImportJob, Person
from tongcheng.registry.tests.test_import import COMMUNITY_A, good_rows, ledger_bytes

THREADS = 3
LIST = "/registry/import/"


def no_id_rows(count: int) -> list[list[Any]]:
    """Rows without an ID number: nothing but the job stops a second import of them."""
    rows = good_rows(count)
    for n, row in enumerate(rows):
        row[4] = ""
        row[5] = f"1370000{n:04d}"
    return rows


def upload(client: Client, data: bytes) -> Any:
    return client.post(
        LIST, {"community": COMMUNITY_A, "file": SimpleUploadedFile("台账.xlsx", data)}
    )


def texts(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def ready_job(cast: Cast, data: bytes) -> ImportJob:
    response = upload(cast.client("community_a"), data)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.READY
    return job


def test_it_commits_a_job_once_when_three_requests_commit_it(committed_cast: Cast) -> None:
    job = ready_job(committed_cast, ledger_bytes(no_id_rows(4)))
    clients = [committed_cast.client("community_a") for _ in range(THREADS)]

    def commit(index: int) -> tuple[int, list[str]]:
        response = clients[index].post(f"/registry/import/{job.pk}/commit/")
        return response.status_code, texts(response)

    results = run_concurrently(commit, THREADS)
    assert all(not isinstance(r, BaseException) for r in results), results
    assert [status for status, _texts in results] == [302] * THREADS  # type: ignore[misc]
    said = sorted(" ".join(words) for _status, words in results)  # type: ignore[misc]
    with translation.override("zh-hans"):
        imported = gettext("Imported: %(created)d new files, %(updated)d updated.") % {
            "created": 4,
            "updated": 0,
        }
        already = imports._refusal(ImportJob.State.DONE)
    assert said == sorted([imported] + [already] * (THREADS - 1))
    assert Person.objects.count() == 4
    assert AuditEvent.objects.filter(action="person.import").count() == 1
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE


def test_it_commits_a_job_once_when_three_workers_run_its_task(
    committed_cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replayed task or a second worker: one writes; the job stays imported, not failed."""
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    data = ledger_bytes(no_id_rows(5))
    upload(committed_cast.client("community_a"), data)
    job = ImportJob.objects.get()
    imports.process_job_task.call(job.pk)  # the dry run
    job.refresh_from_db()
    assert job.state == ImportJob.State.READY
    imports.job_start_commit(actor=committed_cast.community_a, job=job)
    assert ImportJob.objects.get().state == ImportJob.State.IMPORTING

    results = run_concurrently(lambda _i: imports.process_job_task.call(job.pk), THREADS)
    assert results == [None] * THREADS
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.summary.get("failure")
    assert Person.objects.count() == 5
    assert AuditEvent.objects.filter(action="person.import").count() == 1


def test_it_makes_one_job_of_two_simultaneous_uploads(committed_cast: Cast) -> None:
    """The same bytes uploaded at the same moment: one job; the other uploader is sent to it
    and told which it is."""
    data = ledger_bytes(no_id_rows(3))
    clients = [committed_cast.client("community_a") for _ in range(2)]

    def send(index: int) -> tuple[int, str, str]:
        response = upload(clients[index], data)
        return response.status_code, response.get("Location", ""), " ".join(texts(response))

    results = run_concurrently(send, 2)
    assert all(not isinstance(r, BaseException) for r in results), results
    job = ImportJob.objects.get()
    assert [r[:2] for r in results] == [(302, f"/registry/import/{job.pk}/")] * 2  # type: ignore[index]
    told = [said for _status, _location, said in results]  # type: ignore[misc]
    assert sum(f"{job.pk}" in said for said in told) == 1, told
    assert AuditEvent.objects.filter(action="import.upload").count() == 1


def test_it_imports_rows_without_an_id_number_once_when_two_upload_and_commit(
    committed_cast: Cast,
) -> None:
    """Each of two uploaders of the same bytes commits what they were shown, at once: the rows
    (which no ID number ties to a file) are created once; the second is told about the first
    job (sent to it while pending, or refused as imported)."""
    data = ledger_bytes(no_id_rows(3))
    clients = [committed_cast.client("community_a") for _ in range(2)]

    def upload_and_commit(index: int) -> tuple[int, str]:
        response = upload(clients[index], data)
        if response.status_code == 302:
            clients[index].post(f"{response['Location']}commit/")
            return 302, response["Location"]
        return response.status_code, " ".join(response.context["form"].errors["file"])

    results = run_concurrently(upload_and_commit, 2)
    assert all(not isinstance(r, BaseException) for r in results), results
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE
    assert (302, f"/registry/import/{job.pk}/") in results
    assert all(str(job.pk) in said for _status, said in results), results  # type: ignore[misc]
    assert Person.objects.count() == 3
    assert AuditEvent.objects.filter(action="person.import").count() == 1


def test_it_refuses_a_second_pending_job_of_one_file_in_the_database(
    committed_cast: Cast,
) -> None:
    """The constraint itself, behind the check: what two racing inserts meet."""
    job = ready_job(committed_cast, ledger_bytes(no_id_rows(1)))
    fields = {
        "community": job.community,
        "area_code": job.area_code,
        "file_name": "again.xlsx",
        "file_sha256": job.file_sha256,
        "created_by": job.created_by,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportJob.objects.create(state=ImportJob.State.IMPORTING, **fields)
    # An ended job does not count: the same file may be uploaded again after a failure.
    ImportJob.objects.create(state=ImportJob.State.FAILED, **fields)
    assert ImportJob.objects.count() == 2
