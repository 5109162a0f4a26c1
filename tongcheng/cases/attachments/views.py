"""The attachment pages: attaching files to a case, opening one, removing one.

Attaching and removing are POSTs from the case page's panel. Sent by htmx, they answer the
panel itself (with the new list, or with the refusal under the form: 400 a file that is not
taken, 409 a case that does not take it now, 503 a disk that refused); sent without
JavaScript, a success goes back to the case page and a refusal shows the panel on a page of its
own with the same status.

Opening one decrypts it and answers its bytes: a photo the browser shows itself inline, under
a sandboxing Content-Security-Policy, everything else as a download; never sniffed, never
cached. Each opening writes exactly one audit event, naming the attachment and its case.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.audit.services import audit_record
from tongcheng.cases.access import get_attachment_for_user, get_case_for_user
from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.attachments.actions import attachment_remove as remove
from tongcheng.cases.attachments.actions import attachments_add
from tongcheng.cases.attachments.forms import AttachmentForm, RemovalForm
from tongcheng.cases.attachments.reads import (
    Panel,
    attachment_content,
    attachment_panel,
    shows_inline,
)
from tongcheng.cases.errors import AttachmentUnavailable, CaseRefused
from tongcheng.cases.models import Case
from tongcheng.org.models import User

# The answer of an opened attachment runs nothing and loads nothing.
SANDBOX = "default-src 'none'; sandbox"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _answer(request: HttpRequest, panel: Panel, status: int) -> HttpResponse:
    if not _htmx(request):
        context = {"case": panel.case, "panel": panel}
        return render(request, "cases/case_attachments.html", context, status=status)
    response = render(request, "cases/includes/attachments_panel.html", {"panel": panel},
                      status=status)  # fmt: skip
    # The panel's own answer, refusals included (static/js/app.js swaps those in too).
    response["X-Tc-Panel"] = "attachments"
    return response


def _done(request: HttpRequest, case: Case, notice: str) -> HttpResponse:
    if _htmx(request):
        return _answer(request, attachment_panel(_user(request), case, notice=notice), 200)
    messages.success(request, notice)
    return redirect("cases:case_detail", pk=case.pk)


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = get_case_for_user(user, pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            added = attachments_add(actor=user, case_id=case.pk, files=form.cleaned_data["checked"])
        except AttachmentUnavailable as failed:
            form.add_error(None, failed.message)
            status = 503
        except CaseRefused as refused:
            form.add_error(None, refused.message)
            status = 409
        else:
            names = "、".join(attachment.name for attachment in added)
            return _done(request, case, _("Attached: %(names)s.") % {"names": names})
    return _answer(request, attachment_panel(user, case, form=form), status)


def opened(request: HttpRequest, attachment: CaseAttachment) -> bytes:
    """The clear bytes of an attachment the user may open, and the opening's audit event (the
    page's and the API's download). Http404 once it was removed; AttachmentUnavailable when its
    file cannot be read (then nothing was shown, nothing is audited)."""
    if attachment.is_removed:
        raise Http404("removed")
    content = attachment_content(attachment)
    audit_record(
        actor=request, action="attachment.download", object_type="case_attachment",
        object_id=attachment.pk, area_code=attachment.case.area_code,
        detail={"case": attachment.case_id},
    )  # fmt: skip
    return content


def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_attachment_for_user(_user(request), pk, attachment_pk)
    try:
        content = opened(request, attachment)
    except AttachmentUnavailable as lost:
        messages.error(request, lost.message)
        panel = attachment_panel(_user(request), attachment.case)
        context = {"case": attachment.case, "panel": panel}
        return render(request, "cases/case_attachments.html", context, status=503)
    return attachment_response(attachment, content)


def attachment_response(attachment: CaseAttachment, content: bytes) -> HttpResponse:
    """The bytes as the browser gets them (the page's and the API's download)."""
    response = HttpResponse(content, content_type=attachment.content_type)
    inline = shows_inline(attachment)
    response["Content-Disposition"] = content_disposition_header(not inline, attachment.name) or (
        "inline" if inline else "attachment"
    )
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    user = _user(request)
    attachment = get_attachment_for_user(user, pk, attachment_pk, write=True)
    form = RemovalForm(request.POST, prefix=f"remove-{attachment.pk}")
    if form.is_valid():
        try:
            remove(actor=user, attachment_id=attachment.pk, reason=form.cleaned_data["reason"])
        except CaseRefused as refused:
            panel = attachment_panel(user, attachment.case, error=refused.message)
            return _answer(request, panel, 409)
        notice = _("Removed: %(name)s.") % {"name": attachment.name}
        return _done(request, attachment.case, notice)
    panel = attachment_panel(user, attachment.case, failed_removal=(attachment.pk, form))
    return _answer(request, panel, 400)
