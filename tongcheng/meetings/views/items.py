"""The action items' pages: the list, one item with its notes, the unit's report, 督办; the
liaison's page; the compliance figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.meetings import selectors
from tongcheng.meetings.access import get_item_for_user, may_convene, may_report
from tongcheng.meetings.actions.items import item_report as report_action
from tongcheng.meetings.actions.items import item_supervise as supervise_action
from tongcheng.meetings.compliance import compliance as compliance_rows
from tongcheng.meetings.forms import ItemReportForm, SuperviseForm
from tongcheng.meetings.models import ActionItem
from tongcheng.meetings.scope import OFFICE_READERS
from tongcheng.meetings.views.common import page_number, run_step
from tongcheng.org.access import ReadOnly
from tongcheng.org.models import User

ITEM = "meetings:item_detail"
STATE_FILTERS = ("open", "overdue", *ActionItem.State.values)


def item_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    state = request.GET.get("state", "")
    filters = selectors.ItemFilters(
        state=state if state in STATE_FILTERS else "",
        department=request.GET.get("department", "")[:60], page=page_number(request),
    )  # fmt: skip
    items, has_next = selectors.item_page(user, filters)
    states = [("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done"))]
    return render(request, "meetings/item_list.html", {
        "items": items, "has_next": has_next, "filters": filters, "states": states,
    })  # fmt: skip


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    item = get_item_for_user(user, pk)
    return render(request, "meetings/item_detail.html", {
        "item": item, "notes": selectors.item_notes(item),
        "report_form": ItemReportForm() if may_report(user, item) else None,
        "supervise_form": SuperviseForm() if may_convene(user, item.area_code) else None,
    })  # fmt: skip


@require_POST
def item_report(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    item = get_item_for_user(user, pk, write=True)
    if not may_report(user, item):
        raise ReadOnly("action_item", pk, "not its unit")

    def step(data: dict[str, Any]) -> object:
        return report_action(actor=user, item_id=item.pk, text=data["text"], done=data["done"])

    done = _("The report is saved.")
    return run_step(request, ItemReportForm(request.POST), step, done, ITEM, pk)


@require_POST
def item_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    item = get_item_for_user(user, pk, write=True)
    if not may_convene(user, item.area_code):
        raise ReadOnly("action_item", pk, "not its office")

    def step(data: dict[str, Any]) -> object:
        return supervise_action(actor=user, item_id=item.pk, instruction=data["instruction"])

    done = _("The item is under supervision; the unit is told.")
    return run_step(request, SuperviseForm(request.POST), step, done, ITEM, pk)


def mine(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    page = selectors.liaison_page(user)
    return render(request, "meetings/mine.html", {"page": page})


def compliance(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    aggregate = not user.roles() & OFFICE_READERS
    rows = compliance_rows(user, aggregate=aggregate)
    return render(request, "meetings/compliance.html", {"rows": rows, "aggregate": aggregate})
