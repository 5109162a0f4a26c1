"""Export of the ledger: a form with the list's filters, then the file, audited.

The form is forms.ledger.ExportForm, the file ledger.export's. Identified exports (full ID and
phone numbers) are offered only to IDENTIFIED_EXPORT_ROLES and need a reason; a POST that asks
for one without the role is refused (403, audited by the policy middleware).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone

from tongcheng.audit.services import audit_record
from tongcheng.lib.areacodes import in_subtree
from tongcheng.lib.roles import AREA_ROLES, Role
from tongcheng.org.access import ReadOnly
from tongcheng.org.models import Area, User
from tongcheng.registry.forms.ledger import ExportForm
from tongcheng.registry.ledger import export as exporter
from tongcheng.registry.models import Person, PersonQuerySet
from tongcheng.registry.policy import IDENTIFIED_EXPORT_ROLES


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _areas(user: User) -> list[Area]:
    """Streets and communities of the user's record scope, for the area filter."""
    prefixes = user.scope_prefixes(AREA_ROLES)
    return [
        area
        for area in Area.objects.visible_to(user).exclude(level=Area.Level.CITY).order_by("code")
        if in_subtree(area.code, prefixes)
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
