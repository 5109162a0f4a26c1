"""Reads of a case's attachments: the case page's panel, and one attachment's clear bytes.

The panel is one query (the case's attachments with who uploaded and who removed them), however
many there are; who may remove which is decided once for the case (access.attachment_remover).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tongcheng.cases.access import attachment_remover, may_act_on
from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.attachments import store
from tongcheng.cases.attachments.forms import AttachmentForm, RemovalForm
from tongcheng.cases.attachments.rules import MB, max_bytes, max_per_case
from tongcheng.cases.errors import AttachmentUnavailable
from tongcheng.cases.identifiers import open_attachment
from tongcheng.cases.models import Case
from tongcheng.lib.crypto import DecryptionError
from tongcheng.lib.filetypes import BY_CONTENT_TYPE
from tongcheng.org.contributions import may_open
from tongcheng.org.models import User


@dataclass
class Row:
    attachment: CaseAttachment
    removable: bool
    removal: RemovalForm | None = None


@dataclass
class Panel:
    case: Case
    rows: list[Row]
    held: int
    limit: int
    max_mb: int
    # The upload form, for a user who may attach files now, or the one just refused (else None).
    form: AttachmentForm | None
    notice: str = ""
    # What an action refused (the form's own errors are shown with the form).
    error: str = ""

    @property
    def full(self) -> bool:
        return self.held >= self.limit


def attachment_panel(
    user: User,
    case: Case,
    *,
    form: AttachmentForm | None = None,
    failed_removal: tuple[int, RemovalForm] | None = None,
    notice: str = "",
    error: str = "",
) -> Panel:
    """The attachments of the case as its page lists them, and the forms the user may use."""
    attachments = list(
        CaseAttachment.objects.filter(case=case).select_related("uploaded_by", "removed_by")
    )
    may_remove = (
        attachment_remover(user, case) if may_open(user, "cases:attachment_remove") else None
    )
    rows = []
    for attachment in attachments:
        removable = not attachment.is_removed and may_remove is not None and may_remove(attachment)
        removal = None
        if failed_removal is not None and failed_removal[0] == attachment.pk:
            removal = failed_removal[1]  # sent back with what was typed, under its error
        elif removable:
            removal = RemovalForm(prefix=f"remove-{attachment.pk}")
        rows.append(Row(attachment, removable, removal))
    uploading = (
        case.is_open and may_open(user, "cases:attachment_upload") and may_act_on(user, case)
    )
    return Panel(
        case=case,
        rows=rows,
        held=sum(not attachment.is_removed for attachment in attachments),
        limit=max_per_case(),
        max_mb=max_bytes() // MB,
        # A form sent back (with what was refused) is shown whatever the case is now.
        form=form if form is not None else (AttachmentForm() if uploading else None),
        notice=notice,
        error=error,
    )


def attachment_content(attachment: CaseAttachment) -> bytes:
    """The clear bytes of a present attachment (AttachmentUnavailable when its file is lost or
    does not open: a restore without the attachment folder, a damaged disk)."""
    try:
        sealed = store.get(attachment.storage_key)
        return open_attachment(sealed, case_id=attachment.case_id, key=attachment.storage_key)
    except (FileNotFoundError, DecryptionError) as exc:
        raise AttachmentUnavailable(
            _("The file of this attachment cannot be read; tell the system administrator.")
        ) from exc


def shows_inline(attachment: CaseAttachment) -> bool:
    """A photo every browser shows itself is opened in the browser; the rest is downloaded."""
    kind = BY_CONTENT_TYPE.get(attachment.content_type)
    return kind is not None and kind.inline
