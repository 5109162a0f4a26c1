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

A file is imported into a community once: while one job of the same bytes (the SHA-256 of the
upload) is pending there or was imported, another upload of them is refused, and two uploads at
the same moment meet the database's constraint (ImportJob.Meta). The upload is stored encrypted
and erased when the job ends (imported, INVALID, FAILED, CANCELLED) or EXPIRED after 24 hours
untouched (actions.uploads). Reports keep no long number of the file (`_scrubbed`).

The dry run writes nothing of the ledger and no audit event; it does write its progress as it
goes (`rows_done`, outside any transaction, so that the report page sees it move). A large
workbook is never parsed in the upload's request: the request checks it and counts its rows in
its XML (ledger.read.inspect_upload), and the worker reads it (`_background_check`). What the
user may choose after the dry run (another sheet, the valid rows only, the rejected rows) is in
actions.import_choices.

Long because the job's states and their transitions are one story, read top to bottom.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import Actor, acting, audit_record
from tongcheng.org.models import User
from tongcheng.registry.actions.bulk.commit import CLAIMED, Result, commit_import
from tongcheng.registry.actions.searches import ledger_lookups_record, ledger_lookups_reserve
from tongcheng.registry.actions.uploads import job_content, upload_erase, upload_store
from tongcheng.registry.errors import (
    ImportInvalid,
    ImportLookupLimitReached,
    ImportPending,
    ImportRefused,
)
from tongcheng.registry.ledger.plan import plan_import
from tongcheng.registry.ledger.read import Ledger, Upload, inspect_upload, read_ledger, sha256_of
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
UNCANCELLABLE = (
    *ACTIVE,
    ImportJob.State.DONE,
    ImportJob.State.CANCELLED,
    ImportJob.State.EXPIRED,
)
# A run of digits (ASCII or full-width, with spaces or dashes) as long as a phone or an ID
# number: no report of a job keeps one (a value quoted in a message, a header written as one).
_LONG_NUMBER = re.compile(r"[0-9０-９][0-9０-９ \-－]{5,}[0-9０-９XxＸｘ]")


def check_resubmission(sha256: str, community: Area) -> None:
    """Refuse a file already imported into this community (ImportRefused), or whose import
    there is still pending (ImportPending, naming that job)."""
    pending = ImportJob.objects.pending().filter(file_sha256=sha256, community=community).first()
    if pending is not None:
        raise ImportPending(
            _(
                "This file was already uploaded into %(community)s (import %(number)d, "
                "%(state)s); that import is shown instead of a second one."
            )
            % {
                "community": community.name,
                "number": pending.pk,
                "state": pending.get_state_display(),
            },
            pending.pk,
        )
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


def _job_insert(
    *, actor: User, community: Area, file_name: str, sha256: str, state: str, rows: int
) -> ImportJob:
    """The job row, or the same-file refusal. A savepoint: the same file uploaded at the same
    moment fails this insert (the constraint; on PostgreSQL once the other upload commits),
    and is then sent to the other job (check_resubmission) or told to try again."""
    try:
        with transaction.atomic():
            return ImportJob.objects.create(
                community=community,
                area_code=community.code,
                file_name=file_name[:255],
                file_sha256=sha256,
                state=state,
                rows_total=rows,
                created_by=actor,
            )
    except IntegrityError:
        check_resubmission(sha256, community)
        raise ImportRefused(
            _("The same file is being uploaded right now; try again in a moment."), "pending"
        ) from None


@transaction.atomic
def job_create(
    *, actor: User, community: Area, file_name: str, content: bytes
) -> tuple[ImportJob, Upload]:
    """Refuse unsafe, too large or re-submitted files (ImportRefused, ImportPending); record
    the job, state validating, its upload encrypted. The workbook is not parsed here: its rows
    are counted in its XML (read.inspect_upload), and the dry run reads it."""
    sha256 = sha256_of(content)
    check_resubmission(sha256, community)
    upload = inspect_upload(content, file_name=file_name)
    job = _job_insert(
        actor=actor,
        community=community,
        file_name=file_name,
        sha256=sha256,
        state=ImportJob.State.VALIDATING,
        rows=upload.rows,
    )
    upload_store(job=job, content=content)
    audit_record(
        actor=actor,
        action="import.upload",
        object_type="import",
        object_id=job.pk,
        area_code=community.code,
        detail={"rows": upload.rows},
    )
    return job, upload


@transaction.atomic
def job_upload(*, actor: User, community: Area, file_name: str, content: bytes) -> ImportJob:
    """job_create, then the dry run: now for a small workbook, else in the background, where
    the workbook is first read (a large one is never parsed in the request: process_job)."""
    job, upload = job_create(actor=actor, community=community, file_name=file_name, content=content)
    if not upload.fits(SYNC_ROWS):
        _to_background(job)
        return job
    ledger = _job_ledger(job)
    try:
        # The dry run looks up every ID number city-wide: counted per day (actions.searches).
        ledger_lookups_reserve(actor=actor, job=job, ledger=ledger)
    except ImportLookupLimitReached as exc:
        raise ImportRefused(exc.message, "lookup_limit") from exc
    return job_validate(job=job, ledger=ledger)


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
    job.summary = _scrubbed(plan.summary(ledger))
    job.errors = _scrubbed([issue.as_dict() for issue in plan.errors])
    job.rows_total = plan.rows_total
    job.rows_done = plan.rows_total
    job.state = ImportJob.State.INVALID if plan.error_count else ImportJob.State.READY
    if plan.error_count and plan.valid_count():
        # Some rows are valid: the job waits for the user to import those only
        # (job_start_commit_valid) or download the rejected ones; INVALID when none is.
        job.state = ImportJob.State.READY
    job.touched_at = timezone.now()
    fields = ["summary", "errors", "rows_total", "rows_done", "state", "touched_at"]
    with transaction.atomic():
        # Its look-ups are done whatever comes next; the event ends the upload's reservation.
        ledger_lookups_record(actor=job.created_by, job=job, hashes=plan.looked_up)
        # Not over an end reached meanwhile (expired, cancelled while the check ran).
        pending = ImportJob.objects.filter(pk=job.pk, state__in=ImportJob.PENDING)
        if not pending.update(**{name: getattr(job, name) for name in fields}):
            job.refresh_from_db()
            return job
        if job.state == ImportJob.State.INVALID:
            # Errors are corrected in the file and it is uploaded again: this upload is done.
            upload_erase(actor=job.created_by, job=job)
    return job


@transaction.atomic
def job_start_commit(*, actor: User, job: ImportJob) -> ImportJob:
    """Commit a checked job: now for a small ledger, else in the background (ImportRefused
    unless the job is ready). The acting role is kept for the background's events."""
    # Locked: of two clicks on "import", the second waits, then finds the job no longer ready
    # (one commit, one background task).
    locked = ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("state")
    states = [state for (state,) in locked]
    if states != [ImportJob.State.READY]:
        raise ImportRefused(_refusal(states[0] if states else ""), CLAIMED)
    if (job.summary or {}).get("errors") and not (job.summary or {}).get("valid_only"):
        message = _(
            "Some rows have errors: import the valid rows only, or correct the file and upload "
            "it again."
        )
        raise ImportRefused(message, "has_errors")  # see job_start_commit_valid
    job.state = ImportJob.State.IMPORTING
    job.touched_at = timezone.now()
    # Who commits, and through which role: a background commit acts as them.
    job.summary = {**(job.summary or {}), "role": Actor.of(actor).role, "committed_by": actor.pk}
    job.save(update_fields=["state", "summary", "touched_at"])
    if job.rows_total <= SYNC_ROWS:
        return job_commit(actor=actor, job=job)
    _to_background(job)
    return job


def job_commit(*, actor: User, job: ImportJob) -> ImportJob:
    """Write the job's rows, all or nothing (commit_import: one transaction, which also marks
    the job done). On failure the job says why, and 0 rows are written; a commit that finds
    the job taken (committed, or being committed by another worker) leaves it as it is."""
    try:
        commit_import(_job_ledger(job), job.community, actor=actor, job=job)
    except ImportRefused as exc:
        if exc.code == CLAIMED:
            job.refresh_from_db()
            return job
        return _job_failed(job, exc.message)
    except ImportInvalid:
        # The ledger changed underneath (e.g. a file was created meanwhile): check again.
        job.state = ImportJob.State.VALIDATING
        job_validate(job=job)
        return _job_failed(job, _("Rows no longer pass the checks; nothing was imported."))
    job.refresh_from_db()
    return job


@transaction.atomic
def job_cancel(*, actor: User, job: ImportJob) -> ImportJob:
    """Drop the upload; nothing was imported (ImportRefused while running, done or cancelled)."""
    # Locked and read again: a commit that started meanwhile wins, and the cancel says so.
    job.state = ImportJob.objects.select_for_update().values_list("state", flat=True).get(pk=job.pk)
    if job.state in UNCANCELLABLE:
        raise ImportRefused(_("This import cannot be cancelled in its current state."), "state")
    job.state = ImportJob.State.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "finished_at"])
    upload_erase(actor=actor, job=job)
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
        _background_check(job)
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
        sha256 = sha256_of(content)
        check_resubmission(sha256, community)
        job = _job_insert(
            actor=actor,
            community=community,
            file_name=file_name,
            sha256=sha256,
            state=ImportJob.State.IMPORTING,
            rows=len(ledger.rows),
        )
    try:
        return commit_import(
            ledger, community, actor=actor, job=job, progress=progress, check_scope=job is not None
        )
    except (ImportInvalid, ImportRefused) as exc:
        if job is not None:
            _job_failed(job, getattr(exc, "message", "") or _("Nothing was imported."))
        raise


def _job_ledger(job: ImportJob) -> Ledger:
    """The one place the workbook of a job is read (from its decrypted upload): the sheet the
    dry run used or the user chose, and for a commit of the valid rows only, without the rows
    the dry run found errors in (their numbers are in the summary)."""
    summary = job.summary or {}
    ledger = read_ledger(
        job_content(job), file_name=job.file_name, sheet=summary.get("sheet") or None
    )
    if summary.get("valid_only") and job.state == ImportJob.State.IMPORTING:
        rejected = set(summary.get("error_rows") or ())
        ledger.rows = [(number, cells) for number, cells in ledger.rows if number not in rejected]
    return ledger


def _background_check(job: ImportJob) -> ImportJob:
    """The worker's dry run: the workbook is read here, not in the request, so the day's
    look-ups are reserved here too (ImportLookupLimitReached fails the job)."""
    try:
        ledger = _job_ledger(job)
        ledger_lookups_reserve(actor=job.created_by, job=job, ledger=ledger)
    except ImportRefused as exc:
        return _job_failed(job, exc.message)
    except ImportLookupLimitReached as exc:
        return _job_failed(job, exc.message)
    return job_validate(job=job, ledger=ledger)


@transaction.atomic
def _job_failed(job: ImportJob, message: str) -> ImportJob:
    """The job failed (nothing imported): it ends, its upload is erased. A job that ended
    meanwhile (imported by another worker, expired) keeps its end."""
    job.state = ImportJob.State.FAILED
    job.summary = _scrubbed({**(job.summary or {}), "failure": message})
    job.finished_at = timezone.now()
    fields = ("state", "summary", "finished_at")
    pending = ImportJob.objects.filter(pk=job.pk, state__in=ImportJob.PENDING)
    if not pending.update(**{name: getattr(job, name) for name in fields}):
        job.refresh_from_db()
        return job
    upload_erase(actor=job.created_by, job=job)
    return job


def _scrubbed[T](value: T) -> T:
    """`value` (a report: dicts, lists, text) with every long number starred out."""
    if isinstance(value, str):
        return _LONG_NUMBER.sub(_star, value)  # type: ignore[return-value]
    if isinstance(value, list):
        return [_scrubbed(item) for item in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}  # type: ignore[return-value]
    return value


def _star(match: re.Match[str]) -> str:
    text = match.group()
    return "*" * len(text) if sum(c.isdigit() for c in text) >= 7 else text


def _refusal(state: str) -> str:
    """Why a job cannot be committed now, as its state says."""
    if state == ImportJob.State.DONE:
        return _("This import was already committed; nothing was imported again.")
    if state == ImportJob.State.IMPORTING:
        return _("This import is already being committed; this page shows when it is done.")
    if state in (ImportJob.State.EXPIRED, ImportJob.State.CANCELLED):
        return _("This import has ended and its file was deleted; upload the file again.")
    return _("This import cannot be committed in its current state.")


def _to_background(job: ImportJob) -> None:
    """Queue the job's task, in the caller's transaction (the database backend's queue)."""
    process_job_task.enqueue(job_id=job.pk)
