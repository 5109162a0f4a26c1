"""The registry dashboard: counts for the user's level, charts with a table beside each."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongcheng.org.models import User
from tongcheng.registry.forms.stats import StatsPeriodForm
from tongcheng.registry.stats import SMALL_CELL, registry_dashboard


def registry_stats(request: HttpRequest) -> HttpResponse:
    """Aggregates only (no personal data): leaders see small counts suppressed. A refused
    period is named in the form and the default period shown."""
    form = StatsPeriodForm(request.GET or None)
    dashboard = registry_dashboard(cast(User, request.user), months=form.period())
    context = {
        "dashboard": dashboard,
        "chart_data": dashboard.chart_data(),
        "small_cell": SMALL_CELL,
        "form": form,
    }
    return render(request, "registry/stats.html", context)
