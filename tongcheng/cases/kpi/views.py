"""The KPI dashboard page: aggregates only (no case, no person), in the user's KPI scope."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongcheng.cases.kpi.figures import RATES, kpi_dashboard
from tongcheng.cases.kpi.forms import KpiFilterForm, LeaderKpiForm
from tongcheng.cases.kpi.protect import THRESHOLD
from tongcheng.cases.kpimodels import kpi_prefixes
from tongcheng.cases.scope import department_ids
from tongcheng.lib.areacodes import in_subtree
from tongcheng.lib.roles import AGGREGATE_ONLY_ROLES
from tongcheng.org.models import Area, User


def kpi(request: HttpRequest) -> HttpResponse:
    """Offices, inspectors and leaders: their districts; a liaison: its own unit."""
    user = request.user
    assert isinstance(user, User)
    prefixes = kpi_prefixes(user)
    districts = [
        area
        for area in Area.objects.filter(level=Area.Level.DISTRICT).order_by("code")
        if in_subtree(area.code, prefixes)
    ]
    aggregate_only = user.has_role(*AGGREGATE_ONLY_ROLES)
    form_class = LeaderKpiForm if aggregate_only else KpiFilterForm
    form = form_class(request.GET or None, districts=districts)
    # A district outside the scope is not among the form's choices: refused, the default shown.
    filters = form.filters()
    dashboard = kpi_dashboard(user, filters)
    context = {
        "form": form,
        "filters": filters,
        "dashboard": dashboard,
        "rates": RATES,
        "chart_data": dashboard.chart_data(),
        "small_cell": THRESHOLD,
        "no_scope": not prefixes and not department_ids(user),
    }
    return render(request, "cases/kpi.html", context)
