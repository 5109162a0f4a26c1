"""What the user chooses after an import's dry run: another sheet of the workbook, the valid
rows only, or the rejected rows as a workbook to correct.

The dry run reads the sheet whose header names the most fields and lists the others that have
a ledger header (ledger.read); `job_choose_sheet` checks the job again on the one the user picks.
A dry run that finds errors in some rows, but not all, leaves the job READY with its errors:
`job_start_commit_valid` commits the other rows, still in one transaction, and the summary keeps
which rows were left out; `job_rejected_rows` builds the rejected rows' workbook with a 错误原因
column from the upload (ledger.rejected), audited like any read of the upload's rows.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.org.models import User
from tongcheng.registry.actions import imports
from tongcheng.registry.actions.bulk.commit import CLAIMED
from tongcheng.registry.actions.searches import ledger_lookups_reserve
from tongcheng.registry.errors import ImportLookupLimitReached, ImportRefused
from tongcheng.registry.ledger.rejected import rejected_rows_bytes
from tongcheng.registry.models import ImportJob


@transaction.atomic
def job_choose_sheet(*, actor: User, job: ImportJob, sheet: str) -> ImportJob:
    """Check the job again on another sheet of its workbook (one the dry run listed as having
    a ledger header): now for a small workbook, else in the background."""
    state = ImportJob.objects.select_for_update().values_list("state", flat=True).get(pk=job.pk)
    sheets = {str(item.get("name")): item for item in (job.summary or {}).get("sheets", [])}
    if state != ImportJob.State.READY or sheet not in sheets:
        raise ImportRefused(_("This sheet cannot be chosen for this import now."), "state")
    job.state = ImportJob.State.VALIDATING
    job.summary = {"sheet": sheet, "sheets": (job.summary or {}).get("sheets", [])}
    job.errors = []
    job.rows_done = 0
    job.touched_at = timezone.now()
    job.save(update_fields=["state", "summary", "errors", "rows_done", "touched_at"])
    audit_record(
        actor=actor,
        action="import.sheet",
        object_type="import",
        object_id=job.pk,
        area_code=job.area_code,
        detail={"sheets": len(sheets)},
    )
    if int(sheets[sheet].get("rows") or 0) > imports.SYNC_ROWS:
        imports._to_background(job)
        return job
    ledger = imports._job_ledger(job)
    try:
        ledger_lookups_reserve(actor=actor, job=job, ledger=ledger)
    except ImportLookupLimitReached as exc:
        raise ImportRefused(exc.message, "lookup_limit") from exc
    return imports.job_validate(job=job, ledger=ledger)


@transaction.atomic
def job_start_commit_valid(*, actor: User, job: ImportJob) -> ImportJob:
    """Commit only the rows without errors, still in one transaction (job_start_commit); the
    summary keeps how many rows were left out and which."""
    state = ImportJob.objects.select_for_update().values_list("state", flat=True).get(pk=job.pk)
    if state != ImportJob.State.READY:
        raise ImportRefused(imports._refusal(state), CLAIMED)
    job.refresh_from_db(fields=["summary"])
    summary = job.summary or {}
    if not summary.get("create", 0) + summary.get("update", 0):
        raise ImportRefused(_("No row of this file can be imported."), "nothing_valid")
    job.summary = {**summary, "valid_only": True, "left_out": len(summary.get("error_rows", []))}
    return imports.job_start_commit(actor=actor, job=job)


@transaction.atomic
def job_rejected_rows(*, actor: User, job: ImportJob) -> bytes:
    """The rows the dry run rejected, as the upload had them, with a 错误原因 column: the
    uploader's own data, still audited (ids and counts only)."""
    if not (job.summary or {}).get("error_rows"):
        raise ImportRefused(_("This import has no rejected rows to download."), "state")
    if job.state not in ImportJob.PENDING:
        raise ImportRefused(
            _(
                "The uploaded file was erased when this import ended: its rejected rows can no "
                "longer be downloaded. Correct them in your own copy of the file."
            ),
            "state",
        )
    rows = set((job.summary or {}).get("error_rows") or ())
    ledger = imports._job_ledger(job)
    data = rejected_rows_bytes(ledger, rows, job.errors or [])
    audit_record(
        actor=actor,
        action="import.rejected",
        object_type="import",
        object_id=job.pk,
        area_code=job.area_code,
        detail={"rows": len(rows)},
    )
    return data
