"""Excel import: template, upload, the report with a dry-run preview, commit, cancel.

Small ledgers (≤ actions.imports.SYNC_ROWS rows) are checked and written inside the request;
larger ones run in the background (a task the worker runs) and the report page polls for
progress with htmx every second. Every write is an action of actions.imports.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongcheng.lib.roles import AREA_ROLES
from tongcheng.org.models import Area, User
from tongcheng.registry.access import get_import_for_user
from tongcheng.registry.actions.import_choices import (
    job_choose_sheet,
    job_rejected_rows,
    job_start_commit_valid,
)
from tongcheng.registry.actions.imports import (
    ACTIVE,
    job_cancel,
    job_start_commit,
    job_upload,
)
from tongcheng.registry.errors import ImportPending, ImportRefused
from tongcheng.registry.forms.ledger import UploadForm
from tongcheng.registry.ledger.template import import_template_bytes
from tongcheng.registry.models import ImportJob


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _communities(user: User) -> list[Area]:
    return list(Area.objects.communities().writable_by(user, AREA_ROLES).order_by("code"))


def import_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = UploadForm(request.POST or None, request.FILES or None, communities=_communities(user))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = job_upload(
                actor=user,
                community=form.communities[form.cleaned_data["community"]],
                file_name=upload.name,
                content=upload.read(),
            )
        except ImportPending as exc:  # the same file's import is under way: open it
            messages.info(request, exc.message)
            return redirect("registry:import_detail", pk=exc.job_id)
        except ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("registry:import_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=user).select_related("community")[:50]
    return render(request, "registry/import_list.html", {"form": form, "jobs": jobs})


def import_template(request: HttpRequest) -> HttpResponseBase:
    return FileResponse(
        io.BytesIO(import_template_bytes()),
        as_attachment=True,
        filename="ledger-template.xlsx",
    )


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_import_for_user(_user(request), pk)
    context = {"job": job, "active": job.state in ACTIVE, "summary": job.summary or {}}
    if request.headers.get("HX-Request"):
        return render(request, "registry/import_progress.html", context)
    return render(request, "registry/import_detail.html", context)


def _job_step(
    request: HttpRequest, pk: int, step: Callable[[User, ImportJob], HttpResponse | None]
) -> HttpResponse:
    """A POST-only step of an import (commit, cancel, sheet): the job in the user's writable
    scope, then the step; its refusal becomes a message. A GET, and a step that answers None,
    lead back to the job's report."""
    user = _user(request)
    job = get_import_for_user(user, pk, write=True)
    answer: HttpResponse | None = None
    if request.method == "POST":
        try:
            answer = step(user, job)
        except ImportRefused as exc:
            messages.error(request, exc.message)
    return answer or redirect("registry:import_detail", pk=job.pk)


def _started(request: HttpRequest, job: ImportJob) -> None:
    """After a commit starts: say what it did, unless it goes on in the background."""
    if job.state == ImportJob.State.IMPORTING:
        return
    if job.state == ImportJob.State.DONE:
        result = (job.summary or {}).get("result", {})
        messages.success(
            request,
            _("Imported: %(created)d new files, %(updated)d updated.")
            % {"created": result.get("created", 0), "updated": result.get("updated", 0)},
        )
    else:
        messages.error(request, (job.summary or {}).get("failure") or _("Nothing was imported."))


def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_step(
        request, pk, lambda user, job: _started(request, job_start_commit(actor=user, job=job))
    )


def import_commit_valid(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the rows without errors only, in one transaction; the others are left out."""
    return _job_step(
        request,
        pk,
        lambda user, job: _started(request, job_start_commit_valid(actor=user, job=job)),
    )


def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def cancel(user: User, job: ImportJob) -> HttpResponse:
        job_cancel(actor=user, job=job)
        messages.success(request, _("The import was cancelled; nothing was imported."))
        return redirect("registry:import_list")

    return _job_step(request, pk, cancel)


def import_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the upload again on the sheet the user chose (the dry run lists the sheets)."""

    def choose(user: User, job: ImportJob) -> None:
        job_choose_sheet(actor=user, job=job, sheet=request.POST.get("sheet", ""))

    return _job_step(request, pk, choose)


def import_rejected(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The rejected rows with a 错误原因 column (the uploader's rows; audited)."""
    user = _user(request)
    job = get_import_for_user(user, pk, write=True)
    try:
        data = job_rejected_rows(actor=user, job=job)
    except ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("registry:import_detail", pk=job.pk)
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=f"rejected-rows-{job.pk}.xlsx"
    )
    response["Cache-Control"] = "no-store"
    return response
