"""Visits and 三必清: record a door-to-door visit, the visits-due list, completeness per area.

The visit form is forms.visits.VisitForm (the API's visit operation uses it too); the reads are
completeness.py; the write is actions.visits.visit_record.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.lib.addresses import building_of
from tongcheng.org.contributions import may_open
from tongcheng.org.models import Area, User
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.actions.visits import visit_record
from tongcheng.registry.completeness import (
    address_sort_key,
    completeness_areas,
    completeness_by_area,
    due_cutoff,
    due_for_visit,
    due_page,
)
from tongcheng.registry.errors import StaleVersion
from tongcheng.registry.forms.visits import FACT_LABELS, VisitForm, VisitsDueForm
from tongcheng.registry.history import audit_person
from tongcheng.registry.identifiers import decrypt, decryptor
from tongcheng.registry.models import Person, PersonQuerySet, Visit
from tongcheng.registry.rules import FACTS

# The printed visit list of one community stops here (and says so): a few pages of paper.
SHEET_LIMIT = 500


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


def _due_communities(user: User) -> QuerySet[Area]:
    """The communities of the user's scope that keep files: the choices of the filter."""
    kept = Person.objects.visible_to(user).order_by().values("area_code")
    return Area.objects.communities().filter(code__in=kept).order_by("code")


def _due_row(person: Person, cutoff: date, address: str) -> dict[str, Any]:
    return {
        "person": person,
        "address": address,
        "gaps": [FACT_LABELS[f] for f, known in person.three_clear().items() if not known],
        "stale": [
            FACT_LABELS[f]
            for f in FACTS
            if (getattr(person, f"{f}_verified_on") or date.min) < cutoff
        ],
    }


def visits_due(request: HttpRequest) -> HttpResponse:
    """Files with a 三必清 gap or not verified for VISIT_DUE_MONTHS, by street and address;
    `?print=1` with a community is the printable visit list (走访清单) by building."""
    user = _user(request)
    cutoff = due_cutoff()
    form = VisitsDueForm(request.GET or None, communities=_due_communities(user))
    due = due_for_visit(Person.objects.visible_to(user), cutoff)
    community = form.cleaned_data["community"] if form.is_valid() else None
    if community is not None:
        due = due.in_area(community)
    if community is not None and request.GET.get("print"):
        return _visit_sheet(request, due, community, cutoff)
    page, persons, fully_sorted = due_page(due, request.GET.get("page"))
    rows = [_due_row(p, cutoff, decrypt(p, "address")) for p in persons]
    audit_record(
        actor=request,
        action="person.list",
        object_type="person",
        detail={"page": "visits_due", "ids": [p.pk for p in persons]},
    )
    context = {
        "page": page,
        "rows": rows,
        "cutoff": cutoff,
        "fully_sorted": fully_sorted,
        "form": form,
        "community": community,
        "query": urlencode({"community": community.code}) if community else "",
        "may_visit": may_open(user, "registry:visit_create"),
    }
    return render(request, "registry/visits_due.html", context)


def _visit_sheet(
    request: HttpRequest, due: PersonQuerySet, community: Area, cutoff: date
) -> HttpResponse:
    """Every due file of one community, grouped by building, on paper (one audit event)."""
    persons = list(due.select_related("community__parent").order_by("id")[: SHEET_LIMIT + 1])
    cut = len(persons) > SHEET_LIMIT
    persons = persons[:SHEET_LIMIT]
    address_of = decryptor("address")
    rows = [_due_row(p, cutoff, address_of(p.address_enc)) for p in persons]
    rows.sort(key=lambda r: (r["address"] == "", address_sort_key(r["address"]), r["person"].pk))
    buildings: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        buildings.setdefault(building_of(row["address"]), []).append(row)
    audit_record(
        actor=request,
        action="person.list",
        object_type="person",
        area_code=community.code,
        detail={"page": "visit_sheet", "ids": [p.pk for p in persons]},
    )
    context = {
        "community": community,
        "buildings": list(buildings.items()),
        "count": len(rows),
        "cut": cut,
        "cutoff": cutoff,
        "today": timezone.localdate(),
    }
    return render(request, "registry/visit_sheet.html", context)


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
