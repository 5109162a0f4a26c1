"""Appointment pages: the list, one appointment, appointing (with or without a file), changing,
ending, the letter of appointment, and a representative's own appointment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.engagement import letter, selectors
from tongcheng.engagement.access import get_representative_for_user
from tongcheng.engagement.actions.representatives import (
    RepresentativeInput,
    representative_create,
    representative_end,
    representative_update,
)
from tongcheng.engagement.errors import EngagementRefused
from tongcheng.engagement.forms import EndForm, ListFilter, RepresentativeForm
from tongcheng.engagement.identifiers import identity, listed_name, masked_phone
from tongcheng.engagement.models import Duty, Representative
from tongcheng.engagement.scope import representative_prefixes
from tongcheng.engagement.views.common import add_problem, user_of
from tongcheng.lib.paging import page_number
from tongcheng.org.access import get_area_for_user
from tongcheng.org.contributions import may_open
from tongcheng.org.models import Ethnicity
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.models import Person


def representative_list(request: HttpRequest) -> HttpResponse:
    """Appointments of the user's scope (two queries: the areas' filter, the page)."""
    user = user_of(request)
    form = ListFilter(request.GET)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        area = get_area_for_user(user, data["area"]) if data["area"] else None
        filters = {"state": data["state"], "area": area, "ending": data["ending"]}
    page = selectors.representative_page(user, page_number(request.GET.get("page")), **filters)
    audit_record(actor=request, action="representative.list", object_type="representative",
                 detail={"ids": [rep.pk for rep in page.rows]})  # fmt: skip
    kept = request.GET.copy()
    kept.pop("page", None)
    query = kept.urlencode()
    context = {
        "form": form, "page": page, "query": query,
        "rows": [(rep, listed_name(rep)) for rep in page.rows],
        "may_create": may_open(user, "engagement:representative_create"),
    }  # fmt: skip
    return render(request, "engagement/representative_list.html", context)


def representative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    rep = get_representative_for_user(user, pk)
    name, ethnicity, _phone = identity(rep)
    contacts = list(rep.contacts.select_related("officer", "case")[: selectors.PAGE])
    others = [r for r in selectors.history(user, rep.person) if r.pk != rep.pk]
    audit_record(actor=request, action="representative.view", object_type="representative",
                 object_id=rep.pk, area_code=rep.area_code)  # fmt: skip
    context = {
        "rep": rep, "name": name, "phone": masked_phone(rep), "contacts": contacts,
        "ethnicity": Ethnicity.objects.filter(code=ethnicity).first(), "others": others,
        "may_write": may_open(user, "engagement:representative_edit"),
        "font_missing": letter.font_missing(),
        "duty_labels": [Duty(duty).label for duty in rep.duties if duty in Duty.values],
    }  # fmt: skip
    return render(request, "engagement/representative_detail.html", context)


def _input(data: dict[str, Any], person: Person | None) -> RepresentativeInput:
    ethnicity = data.get("ethnicity")
    return RepresentativeInput(
        person=person, name=data.get("name", ""), phone=data.get("phone", ""),
        ethnicity=ethnicity.code if ethnicity else "", area=data["area"],
        term_from=data["term_from"], term_to=data["term_to"], office=data["office"],
        officer=data["officer"], duties=data["duties"], account=data["account"],
    )  # fmt: skip


def _form_page(request: HttpRequest, form: RepresentativeForm, context: dict[str, Any],
               status: int) -> HttpResponse:  # fmt: skip
    return render(request, "engagement/representative_form.html", {"form": form, **context},
                  status=status)  # fmt: skip


def _create(request: HttpRequest, person: Person | None) -> HttpResponse:
    user = user_of(request)
    prefixes = representative_prefixes(user, write=True)
    initial = {"officer": user, "area": person.community if person else None}
    form = RepresentativeForm(request.POST or None, prefixes=prefixes, with_file=bool(person),
                              initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            rep = representative_create(actor=user, data=_input(form.cleaned_data, person))
        except (ValidationError, EngagementRefused) as problem:
            add_problem(form, problem)
        else:
            messages.success(request, _("Appointed: %(serial)s.") % {"serial": rep.serial})
            return redirect("engagement:representative_detail", pk=rep.pk)
    if request.method != "POST" and person is not None:
        audit_record(actor=request, action="representative.appoint_form", object_type="person",
                     object_id=person.pk, area_code=person.area_code)  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, {"person": person}, status)


def representative_new(request: HttpRequest) -> HttpResponse:
    """Appoint a resident who has no file in the ledger."""
    return _create(request, None)


def representative_new_for_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Appoint the person of a file."""
    return _create(request, get_person_for_user(user_of(request), pk, write=True))


def representative_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    rep = get_representative_for_user(user, pk, write=True)
    name, ethnicity, phone = identity(rep)
    initial = {
        "name": name, "ethnicity": ethnicity or None, "phone": phone, "area": rep.area,
        "term_from": rep.term_from, "term_to": rep.term_to, "office": rep.office,
        "officer": rep.officer, "duties": rep.duties, "account": rep.account,
        "version": rep.version,
    }  # fmt: skip
    form = RepresentativeForm(request.POST or None, initial=initial, with_file=bool(rep.person),
                              prefixes=representative_prefixes(user, write=True))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            representative_update(actor=user, rep_id=rep.pk,
                                  data=_input(form.cleaned_data, rep.person),
                                  expected_version=form.cleaned_data["version"] or 1)  # fmt: skip
        except (ValidationError, EngagementRefused) as problem:
            add_problem(form, problem)
        else:
            messages.success(request, _("Saved."))
            return redirect("engagement:representative_detail", pk=rep.pk)
    if request.method != "POST":
        audit_record(actor=request, action="representative.edit_form", object_type="representative",
                     object_id=rep.pk, area_code=rep.area_code)  # fmt: skip
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, {"rep": rep, "person": rep.person}, status)


def representative_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """End an appointment (the page names the serial number only)."""
    user = user_of(request)
    rep = get_representative_for_user(user, pk, write=True)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            representative_end(actor=user, rep_id=rep.pk, ended_on=form.cleaned_data["ended_on"],
                               reason=form.cleaned_data["reason"])  # fmt: skip
        except (ValidationError, EngagementRefused) as problem:
            add_problem(form, problem)
        else:
            messages.success(request, _("The appointment has ended."))
            return redirect("engagement:representative_detail", pk=rep.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "engagement/representative_end.html", {"rep": rep, "form": form},
                  status=status)  # fmt: skip


def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    rep = get_representative_for_user(user_of(request), pk)
    if letter.font_missing():
        audit_record(
            actor=request, action="representative.letter", object_type="representative",
            object_id=rep.pk, area_code=rep.area_code, detail={"font": "missing"},
        )  # fmt: skip
        return render(request, "engagement/letter_missing.html", {"rep": rep}, status=503)
    content = letter.letter_pdf(rep)
    audit_record(actor=request, action="representative.letter", object_type="representative",
                 object_id=rep.pk, area_code=rep.area_code)  # fmt: skip
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{rep.serial}.pdf"'
    return response


def my_appointment(request: HttpRequest) -> HttpResponse:
    """A representative's own appointments (the account linked to them)."""
    mine = list(
        Representative.objects.filter(account=user_of(request)).select_related("area", "officer")
        .order_by("-term_from")[: selectors.PAGE]
    )  # fmt: skip
    return render(request, "engagement/my_appointment.html", {"appointments": mine})
