"""Export of the ledger (§6): a form with the list's filters, then the file, audited.

The form lives here because only this page uses it. Identified exports (full ID and phone
numbers) are offered only to IDENTIFIED_EXPORT_ROLES and need a reason; a POST that asks for
one without the role is refused (403, audited by the policy middleware).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.services import audit_record
from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.roles import AREA_ROLES, Role
from tongcheng.org.access import ReadOnly
from tongcheng.org.models import Area, Ethnicity, User
from tongcheng.registry import exporter
from tongcheng.registry.models import Occupation, Person, PersonQuerySet
from tongcheng.registry.policy import IDENTIFIED_EXPORT_ROLES


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


class ExportForm(BootstrapMixin, forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel workbook (.xlsx)")), ("csv", _("CSV text file"))],
        initial="xlsx",
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    ethnicity = forms.ModelChoiceField(
        label=_("Ethnic group"),
        queryset=Ethnicity.objects.all(),
        required=False,
        empty_label=_("Any"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Person.Status.choices], required=False
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"), choices=[("", _("Any")), *Occupation.choices], required=False
    )
    identified = forms.BooleanField(
        label=_("With full ID and phone numbers"),
        required=False,
        help_text=_("Only for a stated purpose; the export and its reason are recorded."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args: Any, areas: list[Area], allow_identified: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.areas = {area.code: area for area in areas}
        choices = [("", _("All of my areas")), *((area.code, area.name) for area in areas)]
        self.fields["area"].choices = choices  # type: ignore[attr-defined]
        if not allow_identified:
            del self.fields["identified"]
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("identified") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the full numbers are needed."))
        return data


def _areas(user: User) -> list[Area]:
    """Streets and communities of the user's record scope, for the area filter."""
    prefixes = user.scope_prefixes(AREA_ROLES)
    return [
        area
        for area in Area.objects.visible_to(user).exclude(level=Area.Level.CITY).order_by("code")
        if any(area.code.startswith(p) for p in prefixes)
    ]


def _filtered(queryset: PersonQuerySet, data: dict[str, Any], area: Area | None) -> Any:
    if area is not None:
        queryset = queryset.in_area(area)
    if data.get("ethnicity"):
        queryset = queryset.filter(ethnicity=data["ethnicity"])
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("occupation"):
        queryset = queryset.filter(occupation=data["occupation"])
    return queryset


def export_ledger(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    allow = user.has_role(*IDENTIFIED_EXPORT_ROLES)
    if request.method == "POST" and request.POST.get("identified") and not allow:
        raise ReadOnly("export", "identified", reason="identified export needs the role")
    areas = _areas(user)
    form = ExportForm(request.POST or None, areas=areas, allow_identified=allow)
    if request.method != "POST" or not form.is_valid():
        return render(request, "registry/export_form.html", {"form": form})
    data = form.cleaned_data
    area = form.areas.get(data["area"]) if data["area"] else None
    queryset = _filtered(Person.objects.visible_to(user), data, area)
    return _export_response(request, queryset, data, area or _home_area(user))


def _home_area(user: User) -> Area | None:
    """The area the user's ledger belongs to, for the title when no area was chosen."""
    areas = [m.area for m in user.active_memberships() if Role(m.role) in AREA_ROLES]
    return min(areas, key=lambda area: len(area.prefix), default=None)


def _export_response(
    request: HttpRequest, queryset: Any, data: dict[str, Any], area: Area | None
) -> HttpResponseBase:
    identified = bool(data.get("identified"))
    today = timezone.localdate()
    rows = exporter.ledger_rows(queryset, identified=identified)
    name = f"ledger-{area.code if area else 'all'}-{today:%Y%m%d}"
    filters = {k: data.get(k) for k in ("area", "ethnicity", "status", "occupation")}
    if data["format"] == "csv":
        # The count first: the stream runs after this transaction, and the audit event must
        # exist even when the download is interrupted.
        count = queryset.count()
        response: HttpResponseBase = StreamingHttpResponse(
            exporter.csv_chunks(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        layout = exporter.layout_for(area.name if area else "", today)
        handle, count = exporter.xlsx_file(rows, layout=layout)
        response = FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx")
    audit_record(
        actor=request,
        action="person.export",
        object_type="person",
        area_code=area.code if area else "",
        reason=(data.get("reason") or "").strip(),
        detail=exporter.export_detail(
            fmt=data["format"], identified=identified, rows=count, filters=filters
        ),
    )
    response["Cache-Control"] = "no-store"
    return response
