"""An import job's upload: kept encrypted while the job is pending, erased when it ends.

An uploaded ledger holds the ID numbers and phones of every row in clear, so the database
never holds it so: `upload_store` seals it (AES-GCM, bound to the job, identifiers.seal_upload)
and `job_content` is the one place that opens it, for the code that reads the workbook. When
the job ends (imported, has errors, failed, cancelled) the job's transition calls
`upload_erase`; a job left pending expires 24 hours after its last step (`expire_job_task`,
queued at upload to run then, and `manage.py purge_imports`, which also catches what a lost task
or a killed process left behind). Every erasure writes an `import.erase` event with the reason.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import Actor, audit_record
from tongcheng.org.models import User
from tongcheng.registry.errors import ImportRefused
from tongcheng.registry.identifiers import open_upload, seal_upload
from tongcheng.registry.models import ImportJob

# A pending job nobody moved on for this long expires and its upload is erased.
EXPIRY = dt.timedelta(hours=24)
# Who the audit trail names for an expiry (the task) and for the operator's sweep.
EXPIRY_ACTOR = "import_expiry"
PURGE_ACTOR = "purge_imports"


def upload_store(*, job: ImportJob, content: bytes) -> None:
    """Keep the upload of a job just created, sealed, and queue its expiry."""
    job.content = seal_upload(content, job_id=job.pk)
    job.save(update_fields=["content"])
    schedule_expiry(job)


def job_content(job: ImportJob) -> bytes:
    """The clear bytes of the job's upload (ImportRefused once it was erased). Callers keep
    them in memory only: never in a file or another column."""
    if job.content is None:
        raise ImportRefused(
            _("The uploaded file was deleted when this import ended; upload it again."), "erased"
        )
    return open_upload(bytes(job.content), job_id=job.pk)


def upload_erase(*, actor: User | Actor, job: ImportJob, now: dt.datetime | None = None) -> bool:
    """Erase the job's upload and say so in the audit trail (the job's state is the reason).

    Idempotent: an upload already erased (or never kept, an operator's import) writes nothing.
    Runs in the caller's transaction, beside the state change that ends the job."""
    now = now or timezone.now()
    erased = ImportJob.objects.filter(pk=job.pk, content__isnull=False).update(
        content=None, content_erased_at=now
    )
    job.content = None
    if not erased:
        return False
    job.content_erased_at = now
    audit_record(
        actor=actor,
        action="import.erase",
        object_type="import",
        object_id=job.pk,
        area_code=job.area_code,
        detail={"reason": str(job.state)},
    )
    return True


def schedule_expiry(job: ImportJob) -> None:
    """Queue the job's expiry for 24 hours after its last step (in the caller's transaction)."""
    expire_job_task.using(run_after=job.touched_at + EXPIRY).enqueue(job_id=job.pk)


@transaction.atomic
def job_expire(*, actor: Actor, job_id: int, now: dt.datetime | None = None) -> bool:
    """End a pending job left for 24 hours: state expired, upload erased. A job touched since
    gets a new expiry; one that ended, or that a commit holds right now, is left alone."""
    now = now or timezone.now()
    # skip_locked: a commit in progress holds the row and will end the job itself.
    job = (
        ImportJob.objects.select_for_update(skip_locked=True)
        .filter(pk=job_id, state__in=ImportJob.PENDING)
        .first()
    )
    if job is None:
        return False
    if job.touched_at + EXPIRY > now:
        schedule_expiry(job)
        return False
    job.state = ImportJob.State.EXPIRED
    job.finished_at = now
    job.save(update_fields=["state", "finished_at"])
    upload_erase(actor=actor, job=job, now=now)
    return True


@task()
def expire_job_task(job_id: int) -> None:
    """The expiry queued at upload (run by `manage.py db_worker` once it is due)."""
    job_expire(actor=Actor.system(EXPIRY_ACTOR), job_id=job_id)


def imports_purge(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """The operator's sweep (manage.py purge_imports): expire every pending job untouched for
    24 hours, erase any upload an ended job still holds. Idempotent; (expired, erased)."""
    now = now or timezone.now()
    actor = Actor.system(PURGE_ACTOR)
    stale = ImportJob.objects.untouched_since(now - EXPIRY).values_list("pk", flat=True)
    expired = sum(job_expire(actor=actor, job_id=pk, now=now) for pk in list(stale))
    erased = 0
    for pk in list(ImportJob.objects.ended_with_upload().values_list("pk", flat=True)):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=pk).first()
            if job is not None and job.state not in ImportJob.PENDING:
                erased += upload_erase(actor=actor, job=job, now=now)
    return expired, erased
