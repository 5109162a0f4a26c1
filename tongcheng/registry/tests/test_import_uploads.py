"""An upload is kept encrypted while its job is pending and erased when the job ends.

Imported, has errors, failed, cancelled, or left for 24 hours (the expiry task the upload
queues, run by the real worker, and `manage.py purge_imports`): the content is gone, the job
says when and why, the audit trail has the erasure. The job's reports keep no long number.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.crypto import DecryptionError
from tongcheng.org.models import Membership
from tongcheng.registry.actions import imports, uploads
from tongcheng.registry.identifiers import open_upload
from tongcheng.registry.models import ImportJob, Person
from tongcheng.registry.tests.test_import import good_rows, id_number, ledger_bytes
from tongcheng.registry.tests.test_import_views import run_worker, upload

pytestmark = pytest.mark.django_db

EXPIRE_TASK = "tongcheng.registry.actions.uploads.expire_job_task"
# Why the job page says the upload was deleted, per end.
WHY = {
    "done": "its rows were imported.",
    "invalid": "it has errors; correct them in your copy of the file and upload it again.",
    "failed": "the import failed.",
    "cancelled": "the import was cancelled.",
    "expired": "nobody continued this import for 24 hours.",
}


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def page(client: Any, job: ImportJob) -> str:
    return client.get(f"/registry/import/{job.pk}/").content.decode()


def assert_erased(job: ImportJob, reason: str, page_text: str) -> None:
    job.refresh_from_db()
    assert job.state == reason
    assert job.content is None and job.content_erased_at is not None
    event = AuditEvent.objects.get(action="import.erase", object_id=str(job.pk))
    assert event.detail == {"reason": reason}
    assert zh(WHY[reason]) in page_text


def test_it_keeps_the_upload_encrypted_and_bound_to_its_job(cast) -> None:
    data = ledger_bytes(good_rows(2))
    upload(cast.client("community_a"), data)
    job = ImportJob.objects.get()
    stored = bytes(job.content)
    assert not stored.startswith(b"PK") and data not in stored
    assert id_number(0).encode() not in stored
    assert uploads.job_content(job) == data
    with pytest.raises(DecryptionError):  # another job's upload cannot be opened as this one
        open_upload(stored, job_id=job.pk + 1)
    kept = zh(
        "The uploaded file is kept encrypted until this import ends, and deleted then; an "
        "import nobody continues for 24 hours ends by itself."
    )
    assert kept in page(cast.client("community_a"), job)


def test_it_erases_the_upload_once_imported(cast) -> None:
    client = cast.client("community_a")
    upload(client, ledger_bytes(good_rows(2)))
    job = ImportJob.objects.get()
    client.post(f"/registry/import/{job.pk}/commit/")
    assert_erased(job, "done", page(client, job))


def test_it_erases_the_upload_of_a_ledger_with_errors(cast) -> None:
    client = cast.client("community_a")
    rows = good_rows(2)
    for row in rows:  # no valid row: nothing to import from this upload
        row[2] = "火星族"
    upload(client, ledger_bytes(rows))
    assert_erased(ImportJob.objects.get(), "invalid", page(client, ImportJob.objects.get()))


def test_it_erases_the_upload_when_cancelled(cast) -> None:
    client = cast.client("community_a")
    upload(client, ledger_bytes(good_rows(2)))
    job = ImportJob.objects.get()
    client.post(f"/registry/import/{job.pk}/cancel/")
    assert_erased(job, "cancelled", page(client, job))


def test_it_erases_the_upload_when_the_background_commit_fails(cast, monkeypatch) -> None:
    """The street officer asks for the commit, then loses the role before the worker runs it:
    the scope check after writing refuses, nothing is imported, the job failed."""
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    upload(cast.client("community_a"), ledger_bytes(good_rows(5)))
    run_worker()
    job = ImportJob.objects.get()
    cast.client("street").post(f"/registry/import/{job.pk}/commit/")
    Membership.objects.filter(user=cast.street).delete()
    run_worker()
    assert Person.objects.count() == 0
    assert_erased(job, "failed", page(cast.client("community_a"), job))


def test_it_queues_the_expiry_24_hours_after_the_upload(cast) -> None:
    upload(cast.client("community_a"), ledger_bytes(good_rows(2)))
    job = ImportJob.objects.get()
    task = DBTaskResult.objects.get(task_path=EXPIRE_TASK)
    assert task.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk}}
    # Due 24 hours after the upload (the dry run since touched the job: the task then queues
    # the next expiry, see below).
    assert abs(task.run_after - job.created_at - dt.timedelta(hours=24)) < dt.timedelta(seconds=5)


def make_due(job: ImportJob, *, touched_hours_ago: float) -> None:
    """The clock moved on: the expiry task is due; the job was last touched this long ago."""
    now = timezone.now()
    DBTaskResult.objects.filter(task_path=EXPIRE_TASK).update(run_after=now)
    ImportJob.objects.filter(pk=job.pk).update(
        touched_at=now - dt.timedelta(hours=touched_hours_ago)
    )


def test_it_expires_a_job_left_for_24_hours_through_the_worker(cast) -> None:
    client = cast.client("community_a")
    upload(client, ledger_bytes(good_rows(2)))
    job = ImportJob.objects.get()
    make_due(job, touched_hours_ago=25)
    run_worker()
    assert_erased(job, "expired", page(client, job))
    assert AuditEvent.objects.get(action="import.erase").username == uploads.EXPIRY_ACTOR
    response = client.post(f"/registry/import/{job.pk}/commit/", follow=True)
    assert zh("This import has ended and its file was deleted; upload the file again.") in (
        response.content.decode()
    )
    assert Person.objects.count() == 0


def test_it_gives_a_job_touched_since_a_new_expiry(cast) -> None:
    upload(cast.client("community_a"), ledger_bytes(good_rows(2)))
    job = ImportJob.objects.get()
    make_due(job, touched_hours_ago=1)
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.READY and job.content is not None
    waiting = DBTaskResult.objects.filter(task_path=EXPIRE_TASK, status="READY").get()
    assert waiting.run_after == job.touched_at + dt.timedelta(hours=24)


def test_it_sweeps_left_jobs_and_leftover_uploads_with_purge_imports(cast) -> None:
    client = cast.client("community_a")
    upload(client, ledger_bytes(good_rows(2)))
    left = ImportJob.objects.get()
    make_due(left, touched_hours_ago=30)  # its task was lost: the worker never ran it
    DBTaskResult.objects.all().delete()
    upload(client, ledger_bytes(good_rows(2, start=10)))
    ended = ImportJob.objects.exclude(pk=left.pk).get()
    # An upload an ended job still holds (erased by nothing: a crash between the two writes).
    ImportJob.objects.filter(pk=ended.pk).update(state=ImportJob.State.FAILED)
    out = io.StringIO()
    call_command("purge_imports", stdout=out)
    assert out.getvalue().strip() == "Imports: 1 expired, 1 other uploads erased."
    assert_erased(left, "expired", page(client, left))
    ended.refresh_from_db()
    assert ended.content is None and ended.content_erased_at is not None
    again = io.StringIO()
    call_command("purge_imports", stdout=again)
    assert again.getvalue().strip() == "Imports: 0 expired, 0 other uploads erased."
    assert AuditEvent.objects.filter(action="import.erase").count() == 2


def test_it_stars_out_long_numbers_in_the_report(cast) -> None:
    """An ID number or phone in the wrong column is quoted by its message: not in the job."""
    rows = good_rows(2)
    rows[0][2] = id_number(7)  # the ethnicity column
    rows[1][6] = "13912345678"  # the origin column
    upload(cast.client("community_a"), ledger_bytes(rows))
    job = ImportJob.objects.get()
    report = f"{job.errors} {job.summary}"
    assert job.errors and "*" * 18 in report
    assert id_number(7) not in report and "13912345678" not in report
    assert "民族 (C)" in report  # the column and the row stay


def test_it_tells_a_second_committer_that_the_job_is_imported(cast) -> None:
    client = cast.client("community_a")
    upload(client, ledger_bytes(good_rows(1)))
    job = ImportJob.objects.get()
    client.post(f"/registry/import/{job.pk}/commit/")
    response = client.post(f"/registry/import/{job.pk}/commit/", follow=True)
    assert zh("This import was already committed; nothing was imported again.") in (
        response.content.decode()
    )
    assert Person.objects.count() == 1
