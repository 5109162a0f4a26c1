"""The registry dashboard: counts for the user's level, charts with a table beside each."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongcheng.org.models import User
from tongcheng.registry.stats import SMALL_CELL, registry_dashboard


def registry_stats(request: HttpRequest) -> HttpResponse:
    """Aggregates only (no personal data): leaders see small counts suppressed."""
    dashboard = registry_dashboard(cast(User, request.user))
    context = {
        "dashboard": dashboard,
        "chart_data": dashboard.chart_data(),
        "small_cell": SMALL_CELL,
    }
    return render(request, "registry/stats.html", context)
