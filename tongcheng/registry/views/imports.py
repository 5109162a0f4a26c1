"""Excel import (§5): template, upload, the report with a dry-run preview, commit, cancel.

Small ledgers (≤ importer.SYNC_ROWS rows) are checked and written inside the request; larger
ones run in the background (importer.start_background) and the report page polls for
progress with htmx every second. The forms live here because only these pages use them.
"""

from __future__ import annotations

import io
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.org.models import Area, User
from tongcheng.registry import importer
from tongcheng.registry.access import get_import_for_user
from tongcheng.registry.exporter import import_template_bytes
from tongcheng.registry.models import ImportJob

MAX_UPLOAD = 50 * 1024 * 1024
ACTIVE = (ImportJob.State.VALIDATING, ImportJob.State.IMPORTING)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _communities(user: User) -> list[Area]:
    return list(Area.objects.communities().writable_by(user, AREA_ROLES).order_by("code"))


class UploadForm(BootstrapMixin, forms.Form):
    community = forms.ChoiceField(label=_("Community"))
    file = forms.FileField(
        label=_("Ledger (.xlsx)"),
        help_text=_("An Excel workbook of at most 50 MB; the first worksheet is read."),
    )

    def __init__(self, *args: Any, communities: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.communities = {area.code: area for area in communities}
        choices = [(a.code, a.name) for a in communities]
        self.fields["community"].choices = choices  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("Only Excel workbooks saved as .xlsx can be imported (not .xls, .xlsm or .csv).")
            )
        return upload


def import_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = UploadForm(request.POST or None, request.FILES or None, communities=_communities(user))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job, ledger = importer.job_create(
                user=user,
                audit_as=request,
                community=form.communities[form.cleaned_data["community"]],
                file_name=upload.name,
                content=upload.read(),
            )
        except importer.ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            if job.rows_total <= importer.SYNC_ROWS:
                importer.job_validate(job, ledger)
            else:
                importer.start_background(job)
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


def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_import_for_user(_user(request), pk, write=True)
    if request.method != "POST":
        return redirect("registry:import_detail", pk=job.pk)
    if job.state != ImportJob.State.READY:
        messages.error(request, _g("This import cannot be committed in its current state."))
        return redirect("registry:import_detail", pk=job.pk)
    job.state = ImportJob.State.IMPORTING
    job.summary = {**(job.summary or {}), "role": getattr(request, "acting_role", "") or ""}
    job.save(update_fields=["state", "summary"])
    if job.rows_total <= importer.SYNC_ROWS:
        job = importer.job_commit(job, audit_as=request)
        _tell(request, job)
    else:
        importer.start_background(job)
    return redirect("registry:import_detail", pk=job.pk)


def _tell(request: HttpRequest, job: ImportJob) -> None:
    if job.state == ImportJob.State.DONE:
        result = (job.summary or {}).get("result", {})
        messages.success(
            request,
            _g("Imported: %(created)d new files, %(updated)d updated.")
            % {"created": result.get("created", 0), "updated": result.get("updated", 0)},
        )
    else:
        messages.error(request, (job.summary or {}).get("failure") or _g("Nothing was imported."))


def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_import_for_user(_user(request), pk, write=True)
    if request.method != "POST":
        return redirect("registry:import_detail", pk=job.pk)
    if job.state in (*ACTIVE, ImportJob.State.DONE, ImportJob.State.CANCELLED):
        messages.error(request, _g("This import cannot be cancelled in its current state."))
        return redirect("registry:import_detail", pk=job.pk)
    importer.job_cancel(job, audit_as=request)
    messages.success(request, _g("The import was cancelled; nothing was imported."))
    return redirect("registry:import_list")
