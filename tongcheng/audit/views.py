"""The audit screen: search the trail, and per object "who looked at this". Read-only.

Only the audit administrator opens these pages (tongcheng.audit.policy), and every look at the
trail is itself an audit event ("audit.view"), so the auditor is audited too.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongcheng.audit.forms import AuditFilterForm
from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import audit_record

PER_PAGE = 50
# Actions that show an object to someone. Apps name their read events "<object>.view", and the
# reveal and export of personal data "<object>.reveal" / "<object>.export".
READ_ACTION_SUFFIXES = (".view", ".reveal", ".export")


def _reads() -> Q:
    condition = Q(pk__in=[])
    for suffix in READ_ACTION_SUFFIXES:
        condition |= Q(action__endswith=suffix)
    return condition


def event_list(request: HttpRequest) -> HttpResponse:
    """All events, filtered by the form, newest first, 50 a page."""
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound:
        events = form.filter(events) if form.is_valid() else events.none()
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit_record(
        actor=request,
        action="audit.view",
        object_type="audit_trail",
        detail={
            "filters": form.used_fields() if form.is_bound and form.is_valid() else [],
            "page": page.number,
            "shown": len(rows),
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "events": rows, "query": query.urlencode()}
    return render(request, "audit/auditevent_list.html", context)


def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """Every event about one object, and who viewed it: per account, how often and when last."""
    events = AuditEvent.objects.for_object(object_type, object_id)
    readers = list(
        events.filter(_reads())
        .values("user_id", "username")
        .annotate(views=Count("id"), last_at=Max("at"))
        .order_by("-last_at")
    )
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit_record(
        actor=request,
        action="audit.view",
        object_type="audit_trail",
        detail={"object_type": object_type, "object_id": object_id, "shown": len(rows)},
    )
    context = {
        "object_type": object_type,
        "object_id": object_id,
        "readers": readers,
        "page": page,
        "events": rows,
    }
    return render(request, "audit/auditevent_object_history.html", context)
