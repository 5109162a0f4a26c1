"""Talks: recording one (and opening its follow-up as a case), deleting one, and the lists of
representatives due for a talk this period and of missed periods."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.cases.errors import CaseRefused
from tongcheng.engagement import selectors
from tongcheng.engagement.access import get_contact_for_user, get_representative_for_user
from tongcheng.engagement.actions.contacts import ContactInput, contact_create, contact_delete
from tongcheng.engagement.errors import EngagementRefused
from tongcheng.engagement.forms import ContactForm
from tongcheng.engagement.identifiers import full_name, listed_name
from tongcheng.engagement.models import Period
from tongcheng.engagement.views.common import add_problem, user_of
from tongcheng.lib.paging import page_number
from tongcheng.org.contributions import may_open


def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    rep = get_representative_for_user(user, pk, write=True)
    kind = request.GET.get("kind", "phone")
    form = ContactForm(request.POST or None,
                       initial={"held_on": timezone.localdate(), "kind": kind})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = contact_create(actor=user, rep_id=rep.pk, data=ContactInput(
                kind=data["kind"], held_on=data["held_on"], summary=data["summary"],
                topics=data["topics"], follow_up=data["follow_up"],
                case_service=data["case_service"],
            ))  # fmt: skip
        except (ValidationError, EngagementRefused) as problem:
            add_problem(form, problem)
        except CaseRefused as refused:
            form.add_error("case_service", refused.message)
        else:
            if contact.case_id is not None:
                messages.success(request, _("Saved; the case is opened: %(number)s.")
                                 % {"number": contact.case})  # fmt: skip
            else:
                messages.success(request, _("Saved."))
            return redirect("engagement:representative_detail", pk=rep.pk)
    if request.method != "POST":
        audit_record(actor=request, action="contact.form", object_type="representative",
                     object_id=rep.pk, area_code=rep.area_code)  # fmt: skip
    status = 400 if request.method == "POST" else 200
    context = {"rep": rep, "name": full_name(rep), "form": form}
    return render(request, "engagement/contact_form.html", context, status=status)


def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a talk recorded by mistake (POST only: the policy makes it a write)."""
    user = user_of(request)
    contact = get_contact_for_user(user, pk, write=True)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        contact_delete(actor=user, contact_id=contact.pk)
    except EngagementRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The talk was deleted."))
    return redirect("engagement:representative_detail", pk=contact.representative_id)


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", Period.WEEK)
    return kind if kind in Period.values else Period.WEEK


def _list(request: HttpRequest, *, missed: bool) -> HttpResponse:
    user = user_of(request)
    kind = _kind(request)
    mine = request.GET.get("all") != "1"
    number = page_number(request.GET.get("page"))
    if missed:
        page = selectors.missed_page(user, kind, mine=mine, number=number)
    else:
        page = selectors.due_page(user, kind, mine=mine, number=number)
    audit_record(
        actor=request, action="engagement.missed" if missed else "engagement.due",
        object_type="representative",
        detail={"kind": kind, "ids": sorted({slot.representative_id for slot in page.rows})},
    )  # fmt: skip
    context = {
        "page": page, "kind": kind, "mine": mine, "missed": missed, "kinds": Period.choices,
        "rows": [(slot, listed_name(slot.representative)) for slot in page.rows],
        "period": selectors.current_period(kind),
        "may_record": may_open(user, "engagement:contact_create"),
    }  # fmt: skip
    return render(request, "engagement/slot_list.html", context)


def due_list(request: HttpRequest) -> HttpResponse:
    """The representatives due for a talk this week (month, festival year) without one yet:
    the officer's own (one query on the indexed slots), or all of the area (`all=1`)."""
    return _list(request, missed=False)


def missed_list(request: HttpRequest) -> HttpResponse:
    """Due periods that ended without a talk, for supervision."""
    return _list(request, missed=True)
