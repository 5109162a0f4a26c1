"""The home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongcheng.audit.models import AuditEvent
from tongcheng.org.contributions import panels
from tongcheng.org.models import Department, ServicePoint
from tongcheng.org.refdata.rollout import rollout_state
from tongcheng.org.views.common import user_of


def home(request: HttpRequest) -> HttpResponse:
    """What waits for this account (every app's panels), its roles, areas, service points,
    unit and recent actions."""
    user = user_of(request)
    memberships = user.all_memberships()
    areas = list({m.area.code: m.area for m in memberships}.values())
    department_ids = {m.department_id for m in memberships if m.department_id}
    context = {
        "memberships": memberships,
        "area_states": [(area, rollout_state(area)) for area in areas],
        "service_points": ServicePoint.objects.visible_to(user).select_related("area")[:10],
        "departments": Department.objects.filter(pk__in=department_ids).prefetch_related(
            "categories"
        ),
        "recent_events": AuditEvent.objects.filter(user_id=user.pk)[:10],
        # Each app's to-dos for this account; a panel without lines is not shown.
        "panels": [(panel, todos) for panel in panels() if (todos := panel.todos(user))],
    }
    return render(request, "org/home.html", context)
