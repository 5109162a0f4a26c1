"""The working calendar's pages: the years list, and entering or editing a year.

The calendar belongs to no area: the policy gives both pages to the city office administrator
and the system administrator, city-wide, and that is the whole check. Neither shows a resident.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.org.calendar_forms import CalendarYearForm, initial_for, preview_of
from tongcheng.org.models import CalendarYear
from tongcheng.org.views.common import user_of
from tongcheng.org.workcalendar import (
    PACKAGE_YEARS,
    calendar_year_save,
    current_calendar,
    year_problem,
    years_overview,
)


def calendar_years(request: HttpRequest) -> HttpResponse:
    """Which years come from the package, which were entered, and which are missing."""
    today = timezone.localdate()
    context = {
        "rows": years_overview(today),
        "package_first": PACKAGE_YEARS[0],
        "package_last": PACKAGE_YEARS[-1],
        "periods": current_calendar().periods,
    }
    return render(request, "org/calendar_years.html", context)


def calendar_year_edit(request: HttpRequest, year: int) -> HttpResponse:
    """Enter or edit a year: the lines are checked and previewed, then saved as previewed."""
    problem = year_problem(year, timezone.localdate())
    entry = CalendarYear.objects.filter(year=year).select_related("entered_by").first()
    posted = request.POST if request.method == "POST" else None
    initial = initial_for(entry) if posted is None else {}
    form = CalendarYearForm(posted, year=year, initial=initial)
    preview = None
    if problem is None and posted is not None and form.is_valid():
        if "save" in posted and form.was_previewed():
            if _save(request, form, year):
                return redirect("org:calendar_years")
        else:
            if "save" in posted:
                messages.warning(request, _("The lines changed since the preview: check it again."))
            preview = preview_of(year, form.cleaned_data["days"])
            form.mark_previewed()
    context = {"year": year, "problem": problem, "entry": entry, "form": form, "preview": preview}
    status = 400 if problem or form.errors else 200
    return render(request, "org/calendar_year_edit.html", context, status=status)


def _save(request: HttpRequest, form: CalendarYearForm, year: int) -> bool:
    """Save the previewed year; False (the form holds why) when the save refuses it."""
    try:
        calendar_year_save(
            actor=user_of(request),
            year=year,
            notice=form.cleaned_data["notice"],
            days=form.cleaned_data["days"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(request, _("The working calendar of %(year)d was saved.") % {"year": year})
    return True
