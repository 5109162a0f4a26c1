"""The import job: upload → check (dry run) → commit, in the request or in the background.

An ImportJob goes VALIDATING → READY or INVALID (or FAILED when the file cannot be read);
READY → IMPORTING → DONE or FAILED; a job that is not running or done can be CANCELLED. A
ledger of up to SYNC_ROWS rows is checked and written inside the request. A larger one is
handed to the background: `process_job_task`, a task of Django's task framework, which
`manage.py db_worker` runs. The database backend (settings.TASKS) writes the task in the same
transaction as the job's state: the worker sees both or neither. A background commit acts as
whoever asked for the commit, through the role they asked with, exactly as a commit inside the
request does: they are named on the files, their history and the audit event. A job is
committed once: its row is locked and its state checked by each commit (bulk.commit._claim).

The dry run writes nothing of the ledger and no audit event; it does write its progress as it
goes (`rows_done`, outside any transaction, so that the report page sees it move).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import Actor, acting, audit_record
from tongcheng.org.models import User
from tongcheng.registry.actions.bulk.commit import Result, commit_import
from tongcheng.registry.errors import ImportInvalid, ImportRefused
from tongcheng.registry.ledger.plan import plan_import
from tongcheng.registry.ledger.read import Ledger, read_ledger, sha256_of
from tongcheng.registry.models import ImportJob

if TYPE_CHECKING:
    from tongcheng.org.models import Area
    from tongcheng.registry.ledger.rows import Progress

# Imports up to this many rows are checked and written inside the request; larger ones run
# in the background (process_job_task).
SYNC_ROWS = 2000
# States in which the background works on a job.
ACTIVE = (ImportJob.State.VALIDATING, ImportJob.State.IMPORTING)
# States in which a job can no longer be cancelled.
UNCANCELLABLE = (*ACTIVE, ImportJob.State.DONE, ImportJob.State.CANCELLED)


def check_resubmission(sha256: str, community: Area) -> None:
    """Refuse a file already imported into this community (ImportRefused)."""
    done = (
        ImportJob.objects.filter(
            file_sha256=sha256, community=community, state=ImportJob.State.DONE
        )
        .order_by("-finished_at")
        .first()
    )
    if done is not None:
        when = timezone.localtime(done.finished_at or done.created_at)
        raise ImportRefused(
            _(
                "This file was already imported into %(community)s on %(date)s (import "
                "%(number)d); it was not imported again."
            )
            % {"community": community.name, "date": f"{when:%Y-%m-%d %H:%M}", "number": done.pk},
            "resubmitted",
        )


@transaction.atomic
def job_create(
    *, actor: User, community: Area, file_name: str, content: bytes
) -> tuple[ImportJob, Ledger]:
    """Refuse unsafe or re-submitted files (ImportRefused); record the job, state validating."""
    sha256 = sha256_of(content)
    check_resubmission(sha256, community)
    ledger = read_ledger(content, file_name=file_name)
    job = ImportJob.objects.create(
        community=community,
        area_code=community.code,
        file_name=file_name[:255],
        file_sha256=sha256,
        content=content,
        state=ImportJob.State.VALIDATING,
        rows_total=len(ledger.rows),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="import.upload",
        object_type="import",
        object_id=job.pk,
        area_code=community.code,
        detail={"rows": len(ledger.rows)},
    )
    return job, ledger


@transaction.atomic
def job_upload(*, actor: User, community: Area, file_name: str, content: bytes) -> ImportJob:
    """job_create, then the dry run: now for a small ledger, else in the background."""
    job, ledger = job_create(actor=actor, community=community, file_name=file_name, content=content)
    if job.rows_total <= SYNC_ROWS:
        return job_validate(job=job, ledger=ledger)
    _to_background(job)
    return job


def job_validate(*, job: ImportJob, ledger: Ledger | None = None) -> ImportJob:
    """The dry run: the report (errors, warnings, what would be created/updated) on the job.

    Not one transaction: the progress is written as the rows are checked, for the report page
    to show while it runs; the report itself is one statement."""

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        ledger = ledger or _job_ledger(job)
        plan = plan_import(ledger, job.community, progress=progress)
    except ImportRefused as exc:
        return _job_failed(job, exc.message)
    job.summary = plan.summary(ledger)
    job.errors = [issue.as_dict() for issue in plan.errors]
    job.rows_total = plan.rows_total
    job.rows_done = plan.rows_total
    job.state = ImportJob.State.INVALID if plan.error_count else ImportJob.State.READY
    job.save(update_fields=["summary", "errors", "rows_total", "rows_done", "state"])
    return job


@transaction.atomic
def job_start_commit(*, actor: User, job: ImportJob) -> ImportJob:
    """Commit a checked job: now for a small ledger, else in the background (ImportRefused
    unless the job is ready). The acting role is kept for the background's events."""
    # Locked: of two clicks on "import", the second waits, then finds the job no longer ready
    # (one commit, one background task).
    locked = ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("state")
    if [state for (state,) in locked] != [ImportJob.State.READY]:
        raise ImportRefused(_("This import cannot be committed in its current state."), "state")
    job.state = ImportJob.State.IMPORTING
    # Who commits, and through which role: a background commit acts as them.
    job.summary = {**(job.summary or {}), "role": Actor.of(actor).role, "committed_by": actor.pk}
    job.save(update_fields=["state", "summary"])
    if job.rows_total <= SYNC_ROWS:
        return job_commit(actor=actor, job=job)
    _to_background(job)
    return job


def job_commit(*, actor: User, job: ImportJob) -> ImportJob:
    """Write the job's rows, all or nothing (commit_import: one transaction, which also marks
    the job done). On failure the job says why, and 0 rows are written."""
    try:
        commit_import(_job_ledger(job), job.community, actor=actor, job=job)
    except ImportInvalid:
        # The ledger changed underneath (e.g. a file was created meanwhile): check again.
        job.state = ImportJob.State.VALIDATING
        job_validate(job=job)
        return _job_failed(job, _("Rows no longer pass the checks; nothing was imported."))
    except ImportRefused as exc:
        return _job_failed(job, exc.message)
    job.refresh_from_db()
    return job


@transaction.atomic
def job_cancel(*, actor: User, job: ImportJob) -> ImportJob:
    """Drop the upload; nothing was imported (ImportRefused while running, done or cancelled)."""
    if job.state in UNCANCELLABLE:
        raise ImportRefused(_("This import cannot be cancelled in its current state."), "state")
    job.state = ImportJob.State.CANCELLED
    job.content = None
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "content", "finished_at"])
    audit_record(
        actor=actor,
        action="import.cancel",
        object_type="import",
        object_id=job.pk,
        area_code=job.area_code,
    )
    return job


def process_job(*, job_id: int) -> None:
    """Do what the job waits for (check or commit): the background's work on one job.

    A crash leaves a readable job (failed, nothing imported), not one stuck importing; the
    error is raised again for the worker to record and log."""
    job = ImportJob.objects.select_related("community", "created_by").filter(pk=job_id).first()
    if job is None:
        return
    if job.state == ImportJob.State.VALIDATING:
        job_validate(job=job)
    elif job.state == ImportJob.State.IMPORTING:
        summary = job.summary or {}
        committed_by = int(summary.get("committed_by") or job.created_by_id)
        committer = User.objects.filter(pk=committed_by).first() or job.created_by
        with acting(str(summary.get("role", ""))):
            try:
                job_commit(actor=committer, job=job)
            except Exception as exc:
                _job_failed(
                    job,
                    _("The import failed (%(error)s); nothing was imported.")
                    % {"error": type(exc).__name__},
                )
                raise


@task()
def process_job_task(job_id: int) -> None:
    """The background task of one import job (run by `manage.py db_worker`)."""
    process_job(job_id=job_id)


def ledger_import(
    *,
    actor: User | None,
    community: Area,
    ledger: Ledger,
    file_name: str,
    content: bytes,
    progress: Progress | None = None,
) -> Result:
    """An operator's import of a checked ledger (manage.py import_ledger), all or nothing.

    With an account (`actor`) it is recorded as that account's import job, and its scope is
    checked again after writing; without one the audit event names the operator. Not one
    transaction: the job is recorded first, so that it can say it failed when the commit (one
    transaction) writes nothing."""
    job = None
    if actor is not None:
        job = ImportJob.objects.create(
            community=community,
            area_code=community.code,
            file_name=file_name[:255],
            file_sha256=sha256_of(content),
            state=ImportJob.State.IMPORTING,
            rows_total=len(ledger.rows),
            created_by=actor,
        )
    try:
        return commit_import(
            ledger, community, actor=actor, job=job, progress=progress, check_scope=job is not None
        )
    except (ImportInvalid, ImportRefused):
        if job is not None:
            job.state = ImportJob.State.FAILED
            job.save(update_fields=["state"])
        raise


def _job_ledger(job: ImportJob) -> Ledger:
    return read_ledger(bytes(job.content or b""), file_name=job.file_name)


def _job_failed(job: ImportJob, message: str) -> ImportJob:
    job.state = ImportJob.State.FAILED
    job.summary = {**(job.summary or {}), "failure": message}
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "summary", "finished_at"])
    return job


def _to_background(job: ImportJob) -> None:
    """Queue the job's task, in the caller's transaction (the database backend's queue)."""
    process_job_task.enqueue(job_id=job.pk)
