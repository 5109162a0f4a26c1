"""The case pages: the list of the user's cases, a case with its history and its moves, opening
a case from a file, a unit's inbox (and signing several of its cases at once), and showing the
contact's full phone for a reason.

Each personal page writes one audit event per GET (the ids it shows). A move is one POST to
`case_move` naming the move: the view reads its form and calls the action, which locks and
checks the case; a refused move re-shows the case with the reason (409), a form with a problem
with the field named (400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.audit.services import audit_record
from tongcheng.cases import selectors
from tongcheng.cases.access import get_case_for_user, may_act_on
from tongcheng.cases.actions.bulk import cases_sign_many
from tongcheng.cases.actions.bymove import case_move_carry
from tongcheng.cases.actions.contact import case_reveal as case_reveal_action
from tongcheng.cases.actions.intake import CaseInput, case_open_once
from tongcheng.cases.attachments.reads import attachment_panel
from tongcheng.cases.errors import CaseChanged, CaseRefused
from tongcheng.cases.forms import CaseOpenForm, RevealForm
from tongcheng.cases.identifiers import masked_contact
from tongcheng.cases.models import Case, Channel, Extension, Service, State
from tongcheng.cases.offers import form_for, offers
from tongcheng.cases.servicepanel import service_panel
from tongcheng.cases.workflow import Move
from tongcheng.org.contributions import may_open
from tongcheng.org.models import User
from tongcheng.registry.access import get_person_for_user

# The most cases one bulk signing takes (the inbox shows at most its page).
INBOX_SIGN_LIMIT = 100


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = selectors.ListFilters.from_query(request.GET)
    page = selectors.case_page(user, filters)
    audit_record(
        actor=request, action="case.list", object_type="case",
        detail={"page": "list", "ids": [c.pk for c in page.items]},
    )  # fmt: skip
    context = {
        "page": page,
        "rows": selectors.rows_of(page.items),
        "filters": filters,
        "states": State.choices,
        "services": filters.services(),
        "query": filters.query(),
    }
    return render(request, "cases/case_list.html", context)


def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    inbox = selectors.inbox_sections(user)
    shown = sorted({row.pk for section in inbox.sections for row in section.rows})
    audit_record(
        actor=request, action="case.list", object_type="case",
        detail={"page": "inbox", "ids": shown},
    )  # fmt: skip
    context = {"sections": inbox.sections, "more": inbox.more, "size": selectors.INBOX_SIZE}
    return render(request, "cases/inbox.html", context)


def _detail(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any) -> HttpResponse:
    user = _user(request)
    pending = case.extensions.filter(state=Extension.State.PENDING).first()
    name, phone = masked_contact(case)
    offered = offers(user, case, extension_pending=pending is not None)
    for offer in offered:
        if offer.move == extra.get("failed_move") and extra.get("failed_form") is not None:
            offer.form = extra["failed_form"]
    context = {
        "case": case,
        "name": name,
        "phone": phone,
        "events": selectors.history(case),
        "units": list(case.units.select_related("department").order_by("-is_lead", "pk")),
        "pending": pending,
        "offers": offered,
        "services": service_panel(user, case, extra.get("failed_service")),
        "attachments": attachment_panel(user, case),
        "may_reveal": may_open(user, "cases:case_reveal") and may_act_on(user, case),
        # A move the action refused stays open, with what was typed, under the reason.
        "failed_move": extra.get("failed_move"),
    }
    return render(request, "cases/case_detail.html", context, status=status)


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(_user(request), pk)
    audit_record(
        actor=request, action="case.view", object_type="case", object_id=case.pk,
        area_code=case.area_code,
    )  # fmt: skip
    return _detail(request, case)


@require_POST
def case_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for_user(user, pk, write=True)
    try:
        chosen = Move(move)
        form = form_for(chosen, case, request.POST)
    except (ValueError, KeyError) as exc:
        raise Http404(move) from exc
    if not form.is_valid():
        messages.error(request, _("Check the form: a field is missing or wrong."))
        return _detail(request, case, status=400, failed_move=chosen, failed_form=form)
    try:
        case_move_carry(actor=user, case=case, move=chosen, data=form.cleaned_data)
    except CaseChanged as changed:
        messages.error(request, changed.message)
        return _detail(request, get_case_for_user(user, pk), status=409)
    except CaseRefused as refused:
        # What was typed stays, in its open form, under the reason.
        messages.error(request, refused.message)
        failed = {"failed_move": chosen, "failed_form": form}
        return _detail(request, get_case_for_user(user, pk), status=409, **failed)
    messages.success(request, _("Saved."))
    if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
        # A returned case is no longer the unit's: back to the inbox.
        return redirect("cases:inbox" if may_open(user, "cases:inbox") else "cases:case_list")
    return redirect("cases:case_detail", pk=case.pk)


def case_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a case from a file: the person's community, the officer's intake."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    # From a proactive list (未诉先办): the service chosen, the channel said.
    chosen = Service.objects.filter(code=request.GET.get("service", ""), active=True).first()
    proactive = request.GET.get("proactive") == "1"
    form = CaseOpenForm(request.POST or None, initial={"service": chosen} if chosen else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = case_open_once(
                actor=user,
                data=CaseInput(
                    service=data["service"], nature=data["nature"], urgency=data["urgency"],
                    interpreter=data["interpreter"], description=data["description"],
                    channel=Channel.PROACTIVE if proactive else Channel.COMMUNITY, person=person,
                ),
                key=data["submission"],
            )  # fmt: skip
        except ValidationError as problem:
            messages.error(request, "；".join(problem.messages))
            status = 400
        except CaseRefused as refused:
            messages.error(request, refused.message)
            status = 400
        else:
            messages.success(request, opened.message())
            return redirect("cases:case_detail", pk=opened.case.pk)
    elif request.method == "POST":
        status = 400
    else:
        audit_record(
            actor=request, action="case.open_form", object_type="person", object_id=person.pk,
            area_code=person.area_code,
        )  # fmt: skip
    return render(
        request, "cases/case_create.html", {"form": form, "person": person}, status=status
    )


def case_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a reason; on POST show the contact's full phone once (audited, limited)."""
    user = _user(request)
    case = get_case_for_user(user, pk, write=True)
    form = RevealForm(request.POST or None)
    phone: str | None = None
    if request.method == "POST" and form.is_valid():
        try:
            phone = case_reveal_action(actor=user, case=case, reason=form.cleaned_data["reason"])
        except CaseRefused as refused:
            form.add_error("reason", refused.message)
    if phone is None:
        audit_record(
            actor=request, action="case.view", object_type="case", object_id=case.pk,
            area_code=case.area_code, detail={"page": "reveal"},
        )  # fmt: skip
    name, masked = masked_contact(case)
    context = {"case": case, "form": form, "phone": phone, "name": name, "masked": masked}
    status = 400 if form.errors else 200
    return render(request, "cases/case_reveal.html", context, status=status)


@require_POST
def inbox_sign(request: HttpRequest) -> HttpResponse:
    """批量签收: sign the cases ticked in the inbox ("<case id>:<version seen>" each)."""
    seen = []
    for value in request.POST.getlist("case")[:INBOX_SIGN_LIMIT]:
        case_id, _sep, version = value.partition(":")
        if case_id.isdigit() and version.isdigit():
            seen.append((int(case_id), int(version)))
    if not seen:
        messages.error(request, _("Tick the cases to sign first."))
        return redirect("cases:inbox")
    outcome = cases_sign_many(actor=_user(request), seen=seen)
    if outcome.signed:
        numbers = "、".join(case.number for case in outcome.signed)
        messages.success(request, _("Signed: %(numbers)s.") % {"numbers": numbers})
    for left, reason in outcome.refused:
        text = _("Case %(number)s was not signed: %(reason)s") % {"number": left, "reason": reason}
        messages.error(request, text)
    return redirect("cases:inbox")
