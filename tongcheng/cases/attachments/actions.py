"""Attaching files to a case, removing one, and the sweep of files no attachment holds.

`attachments_add` takes uploads that `rules.check_upload` passed. Under the case's row lock it
checks that the user may act on the case, that the case is open, that none of the files is on
the case already and that the case stays within ATTACHMENT_MAX_PER_CASE. Then, for each file:
seal it (cases.identifiers), write its file (store.put: whole or not at all), insert its row,
write its audit event.

The file comes first, its row second:
- a file the disk refuses leaves no row: none was inserted for it, the files this call wrote
  before it are erased, and the transaction rolls back (AttachmentUnavailable);
- a transaction that rolls back after its files were written (a later failure of the request)
  leaves files without a row. Nothing counts them: the list, the limit and the download all
  read the rows. `orphans_sweep` (every hour on the task worker, and `manage.py
  attachments_sweep`) erases every file no present row names once it is an hour old (an upload
  in progress has its file a moment before its row is committed).

A removal keeps the row (who, when, why) and erases the file once the removal is committed; a
removal that rolls back keeps it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import Actor, audit_record
from tongcheng.cases import access
from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.attachments import store
from tongcheng.cases.attachments.rules import Checked, max_per_case
from tongcheng.cases.errors import AttachmentUnavailable, CaseRefused
from tongcheng.cases.identifiers import seal_attachment
from tongcheng.cases.models import Case
from tongcheng.org.models import User

log = logging.getLogger("tongcheng.cases")

# A file no present attachment names is erased once it is this old.
GRACE = timedelta(hours=1)
SWEEP_ACTOR = "attachments_sweep"
REASON_MIN = 4
BATCH = 500


def _refuse_unless(condition: bool, message: str) -> None:
    if not condition:
        raise CaseRefused(message)


@transaction.atomic
def attachments_add(*, actor: User, case_id: int, files: Sequence[Checked]) -> list[CaseAttachment]:
    """Attach the checked files to the case, all of them or none."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise CaseRefused(_("This case does not exist."))
    _refuse_unless(access.may_act_on(actor, case), _("You may not attach files to this case."))
    _refuse_unless(case.is_open, _("Files can be attached only while the case is open."))
    held = {
        sha: name
        for sha, name in CaseAttachment.objects.filter(
            case=case, removed_at__isnull=True
        ).values_list("sha256", "name")
    }
    for checked in files:
        before = held.get(checked.sha256)
        _refuse_unless(
            before is None,
            _("“%(name)s” is on this case already (as “%(before)s”).")
            % {"name": checked.name, "before": before},
        )
        held[checked.sha256] = checked.name
    limit = max_per_case()
    _refuse_unless(
        len(held) <= limit,
        _(
            "A case holds at most %(limit)d attachments and this one has %(count)d: remove one "
            "before attaching more."
        )
        % {"limit": limit, "count": len(held) - len(files)},
    )
    written: list[str] = []
    try:
        return [_add(actor, case, checked, written) for checked in files]
    except BaseException:
        for key in written:
            store.erase(key)
        raise


def _add(actor: User, case: Case, checked: Checked, written: list[str]) -> CaseAttachment:
    key = store.new_key()
    try:
        store.put(key, seal_attachment(checked.content, case_id=case.pk, key=key))
    except OSError as exc:
        log.error("attachment not stored", extra={"error": type(exc).__name__})
        raise AttachmentUnavailable(
            _("The file could not be stored, so nothing was attached. Try again later.")
        ) from exc
    written.append(key)
    attachment = CaseAttachment.objects.create(
        case=case, name=checked.name, kind=checked.attachment_kind,
        content_type=checked.kind.content_type, size=checked.size, sha256=checked.sha256,
        storage_key=key, uploaded_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor, action="attachment.upload", object_type="case_attachment",
        object_id=attachment.pk, area_code=case.area_code,
        detail={"case": case.pk, "kind": attachment.kind, "type": checked.kind.code,
                "size": attachment.size},
    )  # fmt: skip
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, attachment_id: int, reason: str) -> CaseAttachment:
    """Remove an attachment: the row says who, when and why; the file goes once committed."""
    attachment = (
        CaseAttachment.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(pk=attachment_id)
        .first()
    )
    _refuse_unless(attachment is not None, _("This attachment does not exist."))
    assert attachment is not None
    _refuse_unless(not attachment.is_removed, _("This attachment was removed already."))
    _refuse_unless(
        access.attachment_remover(actor, attachment.case)(attachment),
        _("Only the person who attached a file, or the district office, may remove it."),
    )
    reason = " ".join(reason.split())
    _refuse_unless(
        len(reason) >= REASON_MIN,
        _("Give the reason for removing the file (at least 4 characters)."),
    )
    attachment.removed_at = timezone.now()
    attachment.removed_by = actor
    attachment.removal_reason = reason
    attachment.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    audit_record(
        actor=actor, action="attachment.remove", object_type="case_attachment",
        object_id=attachment.pk, area_code=attachment.case.area_code, reason=reason,
        detail={"case": attachment.case_id},
    )  # fmt: skip
    key = attachment.storage_key
    transaction.on_commit(lambda: store.erase(key))
    return attachment


@dataclass(frozen=True)
class SweepResult:
    erased: int
    temporaries: int
    missing: int

    def __str__(self) -> str:
        return f"erased={self.erased} temporaries={self.temporaries} missing={self.missing}"


def orphans_sweep(*, now: datetime | None = None) -> SweepResult:
    """Erase every stored file no present attachment names, and every left-over temporary file,
    once they are GRACE old; count the present attachments whose file is missing. Idempotent."""
    cutoff = ((now or timezone.now()) - GRACE).timestamp()
    old = [key for key, modified in store.stored() if modified < cutoff]
    erased = 0
    for start in range(0, len(old), BATCH):
        batch = old[start : start + BATCH]
        kept = set(
            CaseAttachment.objects.filter(
                storage_key__in=batch, removed_at__isnull=True
            ).values_list("storage_key", flat=True)
        )
        erased += sum(store.erase(key) for key in batch if key not in kept)
    temporaries = store.erase_temporaries(before=cutoff)
    on_disk = {key for key, _modified in store.stored()}
    missing = sum(
        key not in on_disk
        for key in CaseAttachment.objects.filter(removed_at__isnull=True).values_list(
            "storage_key", flat=True
        )
    )
    if erased or temporaries:
        audit_record(
            actor=Actor.system(SWEEP_ACTOR), action="attachment.sweep",
            object_type="case_attachment",
            detail={"erased": erased, "temporaries": temporaries, "missing": missing},
        )  # fmt: skip
    return SweepResult(erased, temporaries, missing)
