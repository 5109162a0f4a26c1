"""Visits and 三必清: record a door-to-door visit, the visits-due list, completeness per area.

The visit form is forms.visits.VisitForm (the API's visit operation uses it too); the reads are
completeness.py; the write is actions.visits.visit_record.
"""

from __future__ import annotations

from datetime import date
from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.org.models import User
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.actions.visits import visit_record
from tongcheng.registry.completeness import (
    completeness_areas,
    completeness_by_area,
    due_cutoff,
    due_for_visit,
    due_page,
)
from tongcheng.registry.errors import StaleVersion
from tongcheng.registry.forms.visits import FACT_LABELS, VisitForm
from tongcheng.registry.history import audit_person
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import Person, Visit
from tongcheng.registry.rules import FACTS


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit form, one column with big touch targets (it is filled in on a phone)."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    initial = {"version": person.version, "visited_on": timezone.localdate()}
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit_record(
                actor=user,
                person=person,
                expected_version=form.cleaned_data["version"],
                data=form.visit_input(),
            )
        except StaleVersion:
            form.add_error(
                None,
                _(
                    "Someone else changed this file meanwhile: nothing was saved. "
                    "Reload the page and enter the visit again."
                ),
            )
        else:
            messages.success(request, _("The visit was recorded."))
            if form.cleaned_data["outcome"] == Visit.Outcome.MOVED_AWAY:
                url = reverse("registry:movement_create", kwargs={"pk": person.pk})
                return redirect(f"{url}?kind=moved_away")
            return redirect("registry:person_detail", pk=person.pk)
    audit_person(actor=user, action="person.view", person=person, detail={"page": "visit"})
    context = {
        "person": person,
        "form": form,
        "address": decrypt(person, "address"),
        "three_clear": person.three_clear(),
        "facts": [(f, FACT_LABELS[f], getattr(person, f"{f}_verified_on")) for f in FACTS],
    }
    return render(request, "registry/visit_create.html", context)


def visits_due(request: HttpRequest) -> HttpResponse:
    """Files with a 三必清 gap or not verified for VISIT_DUE_MONTHS, by street and address."""
    user = _user(request)
    cutoff = due_cutoff()
    due = due_for_visit(Person.objects.visible_to(user), cutoff)
    page, persons, fully_sorted = due_page(due, request.GET.get("page"))
    rows = [
        {
            "person": p,
            "address": decrypt(p, "address"),
            "gaps": [FACT_LABELS[f] for f, known in p.three_clear().items() if not known],
            "stale": [
                FACT_LABELS[f]
                for f in FACTS
                if (getattr(p, f"{f}_verified_on") or date.min) < cutoff
            ],
        }
        for p in persons
    ]
    audit_record(
        actor=request,
        action="person.list",
        object_type="person",
        detail={"page": "visits_due", "ids": [p.pk for p in persons]},
    )
    context = {"page": page, "rows": rows, "cutoff": cutoff, "fully_sorted": fully_sorted}
    return render(request, "registry/visits_due.html", context)


def completeness(request: HttpRequest) -> HttpResponse:
    """三必清 per child area of the user's scope, aggregated in the database."""
    user = _user(request)
    cutoff = due_cutoff()
    areas = completeness_areas(user)
    rows = completeness_by_area(Person.objects.visible_to(user), areas, cutoff)
    list_url = reverse("registry:person_list")
    links = {
        row.area.code: f"{list_url}?{urlencode({'gaps': 1, 'area': row.area.code})}" for row in rows
    }
    context = {"rows": [(row, links[row.area.code]) for row in rows], "cutoff": cutoff}
    return render(request, "registry/completeness.html", context)
