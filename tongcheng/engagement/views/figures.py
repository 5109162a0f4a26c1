"""The compliance figures (a table and a chart per area, officer and period) and the festival
dates (the computed and entered dates of each year; the city office enters them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.engagement import cadence
from tongcheng.engagement.actions.festivals import festival_save
from tongcheng.engagement.compliance import figures, top_area
from tongcheng.engagement.forms import ComplianceFilter, FestivalForm
from tongcheng.engagement.models import FestivalDate, Period
from tongcheng.engagement.scope import figure_prefixes
from tongcheng.engagement.views.common import add_problem, user_of
from tongcheng.lib.areacodes import in_subtree
from tongcheng.org.access import NotInScope
from tongcheng.org.contributions import may_open
from tongcheng.org.models import Area

# The years the festival page lists around this one.
YEARS_BEFORE, YEARS_AFTER = 1, 3
FIRST_YEAR, LAST_YEAR = 2000, 2076


def compliance(request: HttpRequest) -> HttpResponse:
    """Done, due and missed per area below the one chosen, per officer and per period."""
    user = user_of(request)
    prefixes = figure_prefixes(user)
    form = ComplianceFilter(request.GET)
    kind, code = Period.WEEK, ""
    if form.is_valid():
        kind = form.cleaned_data["kind"] or Period.WEEK
        code = form.cleaned_data["area"]
    area = Area.objects.filter(code=code).first() if code else top_area(prefixes)
    if area is None or not in_subtree(area.code, prefixes):
        raise NotInScope("area", code)
    found = figures(area, kind)
    chart = {
        "labels": [row.label for row in found.periods],
        "series": [
            {"name": _("Due"), "values": [row.due for row in found.periods]},
            {"name": _("Done"), "values": [row.done for row in found.periods]},
        ],
    }
    tables = [
        (_("Area"), found.areas, area.level != Area.Level.COMMUNITY),
        (_("Officer"), found.officers, False),
        (_("Period"), found.periods, False),
    ]
    context = {"form": form, "figures": found, "chart": chart, "tables": tables,
               "may_see_missed": may_open(user, "engagement:missed_list")}  # fmt: skip
    return render(request, "engagement/compliance.html", context)


def festival_list(request: HttpRequest) -> HttpResponse:
    """Each year's computed and entered dates (the entered one wins), two queries."""
    this_year = timezone.localdate().year
    entered = {row.year: row for row in FestivalDate.objects.filter(
        year__range=(this_year - YEARS_BEFORE, this_year + YEARS_AFTER)
    ).select_related("entered_by")}  # fmt: skip
    years = [
        {
            "year": year,
            "entered": entered.get(year),
            "adha": cadence.computed_adha(year),
            "fitr": cadence.computed_fitr(year),
        }
        for year in range(this_year - YEARS_BEFORE, this_year + YEARS_AFTER + 1)
    ]
    context = {"years": years, "may_edit": may_open(user_of(request), "engagement:festival_edit")}
    return render(request, "engagement/festival_list.html", context)


def festival_edit(request: HttpRequest, year: int) -> HttpResponse:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotInScope("festival", year, "no such year")
    row = FestivalDate.objects.filter(year=year).first()
    initial = {
        "eid_al_adha": (row.eid_al_adha if row else None) or cadence.computed_adha(year),
        "eid_al_fitr": (row.eid_al_fitr if row else None) or cadence.computed_fitr(year),
        "source": row.source if row else "",
    }
    form = FestivalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            festival_save(actor=user_of(request), year=year, eid_al_adha=data["eid_al_adha"],
                          eid_al_fitr=data["eid_al_fitr"], source=data["source"])  # fmt: skip
        except ValidationError as problem:
            add_problem(form, problem)
        else:
            messages.success(request, _("Saved."))
            return redirect("engagement:festival_list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "year": year, "row": row,
               "computed": (cadence.computed_adha(year), cadence.computed_fitr(year))}  # fmt: skip
    return render(request, "engagement/festival_form.html", context, status=status)
