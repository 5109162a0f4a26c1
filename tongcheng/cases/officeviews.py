"""The offices' pages of the services: the proactive lists (未诉先办), the yearly relief sums per
area, and the district's legal-aid volunteer team.
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.cases.access import ROSTER_KEEPERS, get_volunteer_for_user
from tongcheng.cases.actions.legalaid import VolunteerInput, volunteer_create, volunteer_update
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.proactive import LISTS, proactive_page
from tongcheng.cases.serviceforms import VolunteerCreateForm, VolunteerForm
from tongcheng.cases.servicemodels import LegalVolunteer
from tongcheng.cases.serviceselectors import relief_yearly_sums
from tongcheng.lib.paging import page_number
from tongcheng.org.contributions import may_open
from tongcheng.org.models import User

ROSTER_PAGE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def proactive(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = proactive_page(user, request.GET.get("list", ""), page_number(request.GET.get("page")))
    audit_record(
        actor=request, action="proactive.list", object_type="person",
        detail={"page": page.key, "ids": sorted({e.person.pk for e in page.entries})},
    )  # fmt: skip
    opener = may_open(user, "cases:case_create")
    query = urlencode({"service": page.service, "proactive": "1"})
    rows = [
        (entry, f"{reverse('cases:case_create', args=[entry.person.pk])}?{query}" if opener else "")
        for entry in page.entries
    ]
    tabs = [(key, title) for key, (title, _service) in LISTS.items()]
    context = {"page": page, "rows": rows, "tabs": tabs}
    return render(request, "cases/proactive.html", context)


def relief_sums(request: HttpRequest) -> HttpResponse:
    """Relief paid per year and area, one level below the user's area (two queries)."""
    sums = relief_yearly_sums(_user(request))
    years = [(year, list(rows)) for year, rows in groupby(sums, key=lambda row: row.year)]
    return render(request, "cases/relief_sums.html", {"years": years})


def volunteer_list(request: HttpRequest) -> HttpResponse:
    number = page_number(request.GET.get("page"))
    start = (number - 1) * ROSTER_PAGE
    rows = list(
        LegalVolunteer.objects.visible_to(_user(request))
        .select_related("district", "user")
        .order_by("area_code", "-active", "name", "pk")[start : start + ROSTER_PAGE + 1]
    )
    context = {"volunteers": rows[:ROSTER_PAGE], "number": number,
               "has_next": len(rows) > ROSTER_PAGE}  # fmt: skip
    return render(request, "cases/volunteer_list.html", context)


def _input(data: dict[str, object]) -> VolunteerInput:
    return VolunteerInput(
        name=str(data["name"]), contact=str(data["contact"]), skills=str(data["skills"] or ""),
        active=bool(data["active"]),
    )  # fmt: skip


def volunteer_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    prefixes = user.scope_prefixes(ROSTER_KEEPERS, write=True)
    form = VolunteerCreateForm(request.POST or None, prefixes=prefixes)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_create(
                actor=user, account=form.cleaned_data["account"],
                district=form.cleaned_data["district"], data=_input(form.cleaned_data),
            )  # fmt: skip
        except ValidationError as problem:
            for field, errors in problem.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:volunteer_list")
    status = 400 if request.method == "POST" else 200
    account = form.fields["account"]
    assert isinstance(account, ModelChoiceField)
    context = {
        "form": form,
        # No account to choose: say where one is made, with the way there if the office may.
        "no_account": account.queryset is not None and not account.queryset.exists(),
        "may_create_account": may_open(user, "org:user_create"),
    }
    return render(request, "cases/volunteer_form.html", context, status=status)


def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    volunteer = get_volunteer_for_user(user, pk, write=True)
    initial = {"name": volunteer.name, "contact": volunteer.contact, "skills": volunteer.skills,
               "active": volunteer.active}  # fmt: skip
    form = VolunteerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_update(actor=user, volunteer=volunteer, data=_input(form.cleaned_data))
        except ValidationError as problem:
            for field, errors in problem.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except CaseRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:volunteer_list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "volunteer": volunteer}
    return render(request, "cases/volunteer_form.html", context, status=status)
