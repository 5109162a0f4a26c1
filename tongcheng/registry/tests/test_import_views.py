"""The import pages: template, upload → report → commit / cancel, ladder and audit."""

from __future__ import annotations

import io
import logging
import signal
import threading
from typing import Any

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django_tasks_db.management.commands import db_worker as worker_module
from django_tasks_db.models import DBTaskResult

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.actions import imports
from tongcheng.registry.models import ImportJob, Person
from tongcheng.registry.tests.test_import import COMMUNITY_A, good_rows, ledger_bytes

pytestmark = pytest.mark.django_db

LIST = "/registry/import/"
# The jobs' own tasks: an upload also queues its expiry, due 24 hours later.
JOB_TASKS = {"task_path": "tongcheng.registry.actions.imports.process_job_task"}


def upload(client: Client, data: bytes, name: str = "台账.xlsx", community: str = COMMUNITY_A):
    return client.post(
        LIST, {"community": community, "file": SimpleUploadedFile(name, data)}, follow=False
    )


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_refuses_the_read_only_inspector_and_other_roles(cast) -> None:
    assert cast.client("inspector").get(LIST).status_code == 403
    assert cast.client("leader").get(LIST).status_code == 403


def test_it_shows_the_upload_form_with_the_writable_communities(cast) -> None:
    response = cast.client("street").get(LIST)
    assert response.status_code == 200
    choices = dict(response.context["form"].fields["community"].choices)
    assert COMMUNITY_A in choices and "140403002001" not in choices


def test_it_serves_the_template_with_drop_downs(cast) -> None:
    response = cast.client("community_a").get("/registry/import/template.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names[:2] == ["台账", "填写说明"]
    rows = list(book.get_sheet_by_name("台账").iter_rows())
    assert rows[0][:3] == ["序号", "姓名", "民族"]
    options = list(book.get_sheet_by_name("选项").iter_rows())
    assert options[0][1:3] == ["男", "拉面馆/餐馆经营者"]  # the screens' words
    assert "回族" in [row[0] for row in options]


def test_it_uploads_checks_and_commits_a_small_ledger(cast) -> None:
    client = cast.client("community_a")
    response = upload(client, ledger_bytes(good_rows(3)))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/registry/import/{job.pk}/"
    assert job.state == ImportJob.State.READY
    assert job.summary["create"] == 3
    page = client.get(f"/registry/import/{job.pk}/")
    assert page.status_code == 200
    assert Person.objects.count() == 0  # a dry run so far
    response = client.post(f"/registry/import/{job.pk}/commit/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Person.objects.filter(area_code=COMMUNITY_A).count() == 3
    event = AuditEvent.objects.get(action="person.import")
    assert event.user_id == cast.community_a.pk
    assert event.object_id == str(job.pk)
    assert event.detail["created"] == 3


def test_it_reports_errors_by_row_and_column_and_cannot_commit(cast) -> None:
    client = cast.client("community_a")
    rows = good_rows(3)
    rows[1][2] = "火星族"
    upload(client, ledger_bytes(rows))
    job = ImportJob.objects.get()
    # Two valid rows: the job waits for a choice (the valid rows only, or a corrected file).
    assert job.state == ImportJob.State.READY and job.summary["errors"] == 1
    assert [(e["row"], e["column"]) for e in job.errors] == [(6, "民族 (C)")]
    page = client.get(f"/registry/import/{job.pk}/").content.decode()
    assert "火星族" in page and "民族 (C)" in page
    assert f'/registry/import/{job.pk}/commit/"' not in page  # no all-or-nothing commit
    client.post(f"/registry/import/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.READY
    assert Person.objects.count() == 0


def test_it_ends_a_job_whose_rows_all_have_errors(cast) -> None:
    client = cast.client("community_a")
    rows = good_rows(2)
    for row in rows:
        row[2] = "火星族"
    upload(client, ledger_bytes(rows))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.INVALID
    client.post(f"/registry/import/{job.pk}/commit-valid/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.INVALID
    assert Person.objects.count() == 0


def test_it_refuses_unsafe_files_in_the_form(cast) -> None:
    client = cast.client("community_a")
    response = upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    response = upload(client, ledger_bytes(good_rows(1)), name="台账.xls")
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_it_refuses_a_resubmitted_file(cast) -> None:
    client = cast.client("community_a")
    data = ledger_bytes(good_rows(2))
    upload(client, data)
    job = ImportJob.objects.get()
    client.post(f"/registry/import/{job.pk}/commit/")
    response = upload(client, data, name="again.xlsx")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]  # "already imported …"
    assert ImportJob.objects.count() == 1


def test_it_hides_imports_of_other_communities(cast) -> None:
    upload(cast.client("community_a"), ledger_bytes(good_rows(1)))
    job = ImportJob.objects.get()
    assert cast.client("community_b").get(f"/registry/import/{job.pk}/").status_code == 404
    assert cast.client("other_district").post(f"/registry/import/{job.pk}/commit/").status_code == (
        404
    )
    assert cast.client("street").get(f"/registry/import/{job.pk}/").status_code == 200


def test_it_cancels_an_import(cast) -> None:
    client = cast.client("community_a")
    upload(client, ledger_bytes(good_rows(1)))
    job = ImportJob.objects.get()
    response = client.post(f"/registry/import/{job.pk}/cancel/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED and job.content is None
    assert AuditEvent.objects.filter(action="import.cancel", object_id=str(job.pk)).exists()


def run_worker() -> None:
    """`manage.py db_worker` (the worker `make run` starts), through every task that waits.

    The command takes over the process's stop signals and sets its loggers' levels: both are
    given back afterwards."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    loggers = [logging.getLogger(name) for name in ("django.tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    # The worker closes connections that are not in autocommit between tasks (a dropped or
    # stale connection in production); the test's connection is inside the test's transaction,
    # which must stay open (PostgreSQL would lose it; SQLite's in-memory test database never
    # closes). Everything else of the worker runs as it is.
    close = worker_module.close_old_connections
    worker_module.close_old_connections = lambda: None
    try:
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0,
            stdout=io.StringIO(),
        )  # fmt: skip
    finally:
        worker_module.close_old_connections = close
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@pytest.fixture
def no_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Threads started meanwhile (by name): the background is the task worker, not a thread."""
    started: list[str] = []
    real_start = threading.Thread.start

    def start(self: threading.Thread, *args: Any, **kwargs: Any) -> None:
        started.append(self.name)
        real_start(self, *args, **kwargs)

    monkeypatch.setattr(threading.Thread, "start", start)
    return started


def test_it_runs_large_imports_in_the_background_with_progress(
    cast, monkeypatch, no_threads, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    client = cast.client("community_a")
    # Anything started when the request's transaction commits would run here.
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ledger_bytes(good_rows(5)))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.VALIDATING  # waits for the worker
    task = DBTaskResult.objects.filter(**JOB_TASKS).get()
    assert task.task_path == "tongcheng.registry.actions.imports.process_job_task"
    assert task.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk}}
    assert list(ImportJob.objects.filter(state__in=imports.ACTIVE)) == [job]
    partial = client.get(f"/registry/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.READY and job.rows_done == 5
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/registry/import/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.IMPORTING
    assert Person.objects.count() == 0  # nothing written in the request
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert not ImportJob.objects.filter(state__in=imports.ACTIVE).exists()
    assert Person.objects.count() == 5
    event = AuditEvent.objects.get(action="person.import")
    assert event.user_id == cast.community_a.pk
    assert event.role == job.summary["role"] != ""  # the role the commit was asked with
    assert set(DBTaskResult.objects.filter(**JOB_TASKS).values_list("status", flat=True)) == {
        "SUCCESSFUL"
    }
    assert DBTaskResult.objects.filter(**JOB_TASKS).count() == 2
    assert no_threads == []


def test_it_leaves_a_failed_job_when_the_background_commit_crashes(cast, monkeypatch) -> None:
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    client = cast.client("community_a")
    upload(client, ledger_bytes(good_rows(5)))
    run_worker()
    job = ImportJob.objects.get()

    def crash(*args: Any, **kwargs: Any) -> None:
        raise MemoryError

    monkeypatch.setattr(imports, "commit_import", crash)
    client.post(f"/registry/import/{job.pk}/commit/")
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "MemoryError" in job.summary["failure"]
    assert Person.objects.count() == 0
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1


def test_it_commits_a_job_once_and_names_who_committed_it(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two clicks on "import" give one background task; the street officer who commits the
    community's upload is named on the files and the event, through the role they acted with."""
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)
    upload(cast.client("community_a"), ledger_bytes(good_rows(5)))
    run_worker()
    job = ImportJob.objects.get()
    street = cast.client("street")
    street.post(f"/registry/import/{job.pk}/commit/")
    street.post(f"/registry/import/{job.pk}/commit/")
    assert DBTaskResult.objects.filter(**JOB_TASKS).count() == 2  # the dry run and ONE commit
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert set(Person.objects.values_list("created_by__username", flat=True)) == {"street"}
    event = AuditEvent.objects.get(action="person.import")
    assert (event.username, event.role) == ("street", "street_officer")
    # A commit of a job that is done writes nothing (a second worker, a replayed task).
    imports.process_job(job_id=job.pk)
    with pytest.raises(imports.ImportRefused):
        imports.job_start_commit(actor=cast.street, job=job)
    assert Person.objects.count() == 5
