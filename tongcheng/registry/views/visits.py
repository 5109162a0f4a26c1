"""Visits and 三必清: record a door-to-door visit, the visits-due list, completeness per area.

The forms live here (not in a shared forms module) because only these pages use them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.services import audit_record
from tongcheng.lib import crypto
from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.phone import PhoneError, normalize_phone
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.lib.textnorm import normalize_text
from tongcheng.org.models import Area, User
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.models import Occupation, Person, Visit
from tongcheng.registry.services import CONTEXT, StaleVersion, audit_person, decrypt_field
from tongcheng.registry.visits import (
    FACTS,
    VisitInput,
    VisitUpdates,
    address_sort_key,
    completeness_by_area,
    due_cutoff,
    due_for_visit,
    visit_record,
)

DUE_PER_PAGE = 50
# Up to this many due files, the whole list is sorted by decrypted address (see visits_due).
DUE_FULL_SORT_LIMIT = 3000
FACT_LABELS = {"origin": _("Origin"), "address": _("Address"), "occupation": _("Occupation")}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


class VisitForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(
        label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Visit.Outcome.choices, widget=forms.RadioSelect
    )
    verified = forms.MultipleChoiceField(
        label=_("Verified during the visit"),
        choices=list(FACT_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    address = forms.CharField(label=_("New address"), max_length=255, required=False)
    phone = forms.CharField(label=_("New phone number"), max_length=32, required=False)
    occupation = forms.ChoiceField(
        label=_("New occupation"),
        choices=[("", _("Unchanged")), *Occupation.choices],
        required=False,
    )
    occupation_text = forms.CharField(
        label=_("Occupation (details)"), max_length=128, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_visited_on(self) -> Any:
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The visit date cannot be in the future."))
        return value

    def clean_address(self) -> str:
        return normalize_text(self.cleaned_data["address"])

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw, default_area_code="0355")
        except PhoneError as error:
            raise ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verified") and data.get("outcome") != Visit.Outcome.MET:
            self.add_error("verified", _("Facts can only be verified when you met the person."))
        return data

    def visit_input(self) -> VisitInput:
        data = self.cleaned_data
        return VisitInput(
            visited_on=data["visited_on"],
            outcome=data["outcome"],
            verified=frozenset(data["verified"]),
            updates=VisitUpdates(
                address=data["address"],
                phone=data["phone"],
                occupation=data["occupation"],
                occupation_text=normalize_text(data["occupation_text"]),
            ),
            notes=data["notes"].strip(),
        )


def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit form, one column with big touch targets (it is filled in on a phone)."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    initial = {"version": person.version, "visited_on": timezone.localdate()}
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit_record(
                person=person,
                expected_version=form.cleaned_data["version"],
                data=form.visit_input(),
                user=user,
                audit_as=request,
            )
        except StaleVersion:
            form.add_error(
                None,
                _g(
                    "Someone else changed this file meanwhile: nothing was saved. "
                    "Reload the page and enter the visit again."
                ),
            )
        else:
            messages.success(request, _g("The visit was recorded."))
            if form.cleaned_data["outcome"] == Visit.Outcome.MOVED_AWAY:
                url = reverse("registry:movement_create", kwargs={"pk": person.pk})
                return redirect(f"{url}?kind=moved_away")
            return redirect("registry:person_detail", pk=person.pk)
    audit_person(audit_as=request, action="person.view", person=person, detail={"page": "visit"})
    context = {
        "person": person,
        "form": form,
        "address": decrypt_field(person, "address"),
        "three_clear": person.three_clear(),
        "facts": [(f, FACT_LABELS[f], getattr(person, f"{f}_verified_on")) for f in FACTS],
    }
    return render(request, "registry/visit_create.html", context)


def _due_page(request: HttpRequest, due: Any) -> tuple[Any, list[Person], bool]:
    """One page of due files ordered by street, community and address.

    The exact address is encrypted, so the database cannot sort by it. A community's (or a
    street's) list is small: up to DUE_FULL_SORT_LIMIT files we read only (id, area code,
    encrypted address), decrypt and sort them all in Python (a few ms per thousand) and then
    load the page's rows — a true street-and-address order across pages. Beyond that (a
    district or the city) decrypting everything per page view would not scale, so pages are
    cut in SQL by area code and name and each page is sorted by address within itself; the
    page says so. A stored non-identifying sort key would avoid both, but any key that sorts
    like the address (street name + house number) reveals the address, so we keep none.
    """
    number = request.GET.get("page")
    keys = list(
        due.order_by("area_code", "id").values_list("id", "area_code", "address_enc")[
            : DUE_FULL_SORT_LIMIT + 1
        ]
    )
    rows_query = Person.objects.select_related("community__parent", "origin_region")
    if len(keys) <= DUE_FULL_SORT_LIMIT:

        def key(row: tuple[int, str, str]) -> tuple[object, ...]:
            address = crypto.decrypt(row[2], context=CONTEXT["address"]) if row[2] else ""
            return (row[1], address == "", address_sort_key(address), row[0])

        ordered = [row[0] for row in sorted(keys, key=key)]
        page = Paginator(ordered, DUE_PER_PAGE).get_page(number)
        by_pk = {p.pk: p for p in rows_query.filter(pk__in=list(page.object_list))}
        return page, [by_pk[pk] for pk in page.object_list], True
    page = Paginator(
        due.select_related("community__parent", "origin_region").order_by(
            "area_code", "name_pinyin", "id"
        ),
        DUE_PER_PAGE,
    ).get_page(number)
    rows = sorted(
        page.object_list, key=lambda p: (p.area_code, address_sort_key(decrypt_field(p, "address")))
    )
    return page, rows, False


def visits_due(request: HttpRequest) -> HttpResponse:
    """Files with a 三必清 gap or not verified for VISIT_DUE_MONTHS, by street and address."""
    user = _user(request)
    cutoff = due_cutoff()
    page, persons, fully_sorted = _due_page(
        request, due_for_visit(Person.objects.visible_to(user), cutoff)
    )
    rows = [
        {
            "person": p,
            "address": decrypt_field(p, "address"),
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


def _child_areas(user: User) -> list[Area]:
    """The areas one level below each record membership (a community is its own row)."""
    tops = sorted(
        {m.area.code: m.area for m in user.active_memberships() if m.role in AREA_ROLES}.values(),
        key=lambda a: a.code,
    )
    tops = [a for a in tops if not any(o is not a and o.contains(a) for o in tops)]
    parents = [a for a in tops if a.level != Area.Level.COMMUNITY]
    children = list(Area.objects.filter(parent__in=parents).order_by("code")) if parents else []
    return sorted(
        [*children, *(a for a in tops if a.level == Area.Level.COMMUNITY)], key=lambda a: a.code
    )


def completeness(request: HttpRequest) -> HttpResponse:
    """三必清 per child area of the user's scope, aggregated in the database."""
    user = _user(request)
    cutoff = due_cutoff()
    areas = _child_areas(user)
    rows = completeness_by_area(Person.objects.visible_to(user), areas, cutoff)
    list_url = reverse("registry:person_list")
    links = {
        row.area.code: f"{list_url}?{urlencode({'gaps': 1, 'area': row.area.code})}" for row in rows
    }
    context = {"rows": [(row, links[row.area.code]) for row in rows], "cutoff": cutoff}
    return render(request, "registry/completeness.html", context)
