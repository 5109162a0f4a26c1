"""REST operations on a case's attachments: the list, attaching one file (multipart), opening
one, removing one.

The same policy ("api:case_attachment_*"), scope (access.get_case_for_user and
get_attachment_for_user), checks (attachments.rules.check_upload), actions and audit as the
case page's panel: the list writes one `attachment.list` event with the ids shown, an opening
one `attachment.download` naming the attachment and its case. Attaching does not change the
case's version: it is not a move, so no If-Match is asked.
"""

# No `from __future__ import annotations`: ninja reads the operations' annotations at runtime.
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from tongcheng.audit.services import audit_record
from tongcheng.cases.access import get_attachment_for_user, get_case_for_user
from tongcheng.cases.api.cases import bad_request, caller, responses
from tongcheng.cases.api.schemas import Ruled
from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.attachments.actions import attachment_remove, attachments_add
from tongcheng.cases.attachments.forms import RemovalForm
from tongcheng.cases.attachments.reads import attachment_panel
from tongcheng.cases.attachments.rules import check_upload
from tongcheng.cases.attachments.views import attachment_response, opened
from tongcheng.cases.errors import AttachmentUnavailable, CaseRefused
from tongcheng.cases.forms import LINE_LIMIT
from tongcheng.lib.filetypes import TYPES
from tongcheng.org.apiauth import write_auth
from tongcheng.org.apierrors import declared
from tongcheng.registry.api.common import form_errors

router = Router()


class AttachmentOut(Schema):
    """An attachment as the case page lists it; `download` is the path that opens it (none once
    it was removed: a removal erases the file and keeps who removed it, when and why)."""

    id: int
    case: int
    name: str
    kind: CaseAttachment.Kind
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    removed: bool
    removed_at: datetime | None
    removed_by: str | None
    removal_reason: str
    download: str | None


class AttachmentList(Schema):
    items: list[AttachmentOut]
    held: int
    limit: int
    max_mb: int


class RemovalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Ruled(LINE_LIMIT, RemovalForm.base_fields["reason"].label)] | None = None


def attachment_out(attachment: CaseAttachment) -> dict[str, Any]:
    present = not attachment.is_removed
    download = reverse(
        "api:case_attachment_download",
        kwargs={"pk": attachment.case_id, "attachment_pk": attachment.pk},
    )
    return {
        "id": attachment.pk,
        "case": attachment.case_id,
        "name": attachment.name,
        "kind": attachment.kind,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_by": str(attachment.uploaded_by),
        "uploaded_at": attachment.uploaded_at,
        "removed": not present,
        "removed_at": attachment.removed_at,
        "removed_by": str(attachment.removed_by) if attachment.removed_by else None,
        "removal_reason": attachment.removal_reason,
        "download": download if present else None,
    }


@router.get(
    "/cases/{pk}/attachments",
    response=responses({200: AttachmentList}, 404, 422),
    url_name="case_attachment_list",
    summary="The case's attachments, the removed ones too (who removed them, when and why)",
)
def case_attachment_list(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = caller(request)
    case = get_case_for_user(user, pk)
    panel = attachment_panel(user, case)
    audit_record(
        actor=request, action="attachment.list", object_type="case", object_id=case.pk,
        area_code=case.area_code, detail={"ids": [row.attachment.pk for row in panel.rows]},
    )  # fmt: skip
    return {
        "items": [attachment_out(row.attachment) for row in panel.rows],
        "held": panel.held,
        "limit": panel.limit,
        "max_mb": panel.max_mb,
    }


@router.post(
    "/cases/{pk}/attachments",
    response=responses({201: AttachmentOut}, 404, 409, 422),
    url_name="case_attachment_upload",
    auth=write_auth("api:case_attachment_upload"),
    summary="Attach one file to the case (multipart/form-data, field `file`)",
    description=(
        "PDF, Word (.docx) and Excel (.xlsx) documents and JPEG, PNG, WEBP or HEIC photos, told "
        "by their bytes (not their name), at most ATTACHMENT_MAX_MB each and "
        "ATTACHMENT_MAX_PER_CASE on one case. A file of another type, an empty or a too large "
        "one is 400 naming it; a closed case, a full one or a file already on the case is 409."
    ),
)
def case_attachment_upload(
    request: HttpRequest,
    pk: int,
    file: File[UploadedFile | None] = None,
) -> Any:
    user = caller(request)
    case = get_case_for_user(user, pk, write=True)
    if file is None:
        message = _("Send the file in the multipart field “file”.")
        return bad_request(message, [{"field": "file", "code": "required", "message": message}])
    try:
        checked = check_upload(file)
    except CaseRefused as refused:
        error = {"field": "file", "code": "refused", "message": refused.message}
        return bad_request(refused.message, [error])
    try:
        (added,) = attachments_add(actor=user, case_id=case.pk, files=[checked])
    except AttachmentUnavailable as failed:
        return Status(503, {"detail": failed.message})
    except CaseRefused as refused:
        return Status(409, {"detail": refused.message})
    return Status(201, attachment_out(added))


BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/cases/{pk}/attachments/{attachment_pk}",
    response=declared({}, 404, 422),
    url_name="case_attachment_download",
    summary="The attachment's bytes, in its type (a photo inline, anything else as a download)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file.",
                "content": {kind.content_type: BINARY for kind in TYPES},
            }
        }
    },
)
def case_attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> Any:
    attachment = get_attachment_for_user(caller(request), pk, attachment_pk)
    try:
        content = opened(request, attachment)
    except AttachmentUnavailable as lost:
        return Status(503, {"detail": lost.message})
    return attachment_response(attachment, content)


@router.post(
    "/cases/{pk}/attachments/{attachment_pk}/removal",
    response=responses({200: AttachmentOut}, 404, 409, 422),
    url_name="case_attachment_remove",
    auth=write_auth("api:case_attachment_remove"),
    summary="Remove an attachment, with the reason: its file is erased, its row stays",
)
def case_attachment_remove(
    request: HttpRequest, pk: int, attachment_pk: int, payload: RemovalIn
) -> Any:
    user = caller(request)
    attachment = get_attachment_for_user(user, pk, attachment_pk, write=True)
    form = RemovalForm({"reason": payload.reason or ""})
    if not form.is_valid():
        return bad_request(_("The removal has errors."), form_errors(form, {}))
    try:
        removed = attachment_remove(
            actor=user, attachment_id=attachment.pk, reason=form.cleaned_data["reason"]
        )
    except CaseRefused as refused:
        return Status(409, {"detail": refused.message})
    return Status(200, attachment_out(removed))
