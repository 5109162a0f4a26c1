"""The meetings' REST API: meetings (list, one, convening one) and action items (list, one, the
unit's report), under the same policy (POLICY "api:meeting_*", "api:action_item_*"), scope
(`visible_to` and the access helpers), forms, actions and audit as the pages.
"""

# No `from __future__ import annotations`: ninja reads the operations' annotations at runtime.
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from tongcheng.cases.api.schemas import CODE_LIMIT, Ruled
from tongcheng.meetings import selectors
from tongcheng.meetings.access import get_item_for_user, get_meeting_for_user, may_report
from tongcheng.meetings.actions.items import item_report
from tongcheng.meetings.actions.meetings import MeetingInput, meeting_create
from tongcheng.meetings.errors import MeetingRefused
from tongcheng.meetings.forms import ItemReportForm, MeetingForm
from tongcheng.meetings.models import ActionItem, Meeting
from tongcheng.org.access import ReadOnly
from tongcheng.org.apiauth import write_auth
from tongcheng.org.models import Department, User
from tongcheng.registry.api.common import caller, form_errors, page_query, responses

router = Router()


class Ref(Schema):
    code: str
    name: str


class MeetingOut(Schema):
    id: int
    title: str
    office: Ref
    starts_at: datetime
    place: str
    chair: str
    state: Literal["scheduled", "held", "issued"]


class InvitationOut(Schema):
    unit: Ref
    answer: str
    delegate: str
    decline_reason: str
    attendance: str
    represented_by: str
    report: str


class ItemOut(Schema):
    id: int
    meeting: int
    unit: Ref
    title: str
    working_days: int
    due_on: date
    due_provisional: bool
    state: Literal["open", "in_progress", "done"]
    overdue: bool
    supervised: bool
    done_at: datetime | None
    done_on_time: bool | None
    outcome: str


class NoteOut(Schema):
    kind: str
    text: str
    at: datetime


class MeetingDetailOut(MeetingOut):
    agenda: list[str]
    minutes: str
    invitations: list[InvitationOut]
    items: list[ItemOut]


class ItemDetailOut(ItemOut):
    notes: list[NoteOut]


class MeetingPage(Schema):
    items: list[MeetingOut]
    page: int
    has_next: bool


class ItemPage(Schema):
    items: list[ItemOut]
    page: int
    has_next: bool


# A code sent is refused as a text first (a NUL would reach PostgreSQL's query and fail there).
OfficeCode = Annotated[str, Ruled(12, gettext_lazy("Convening office"))]
UnitCode = Annotated[str, Ruled(CODE_LIMIT, gettext_lazy("Units invited"))]


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    office: OfficeCode | None = Field(None, description="The convening office's area code.")
    title: str | None = Field(None, max_length=120)
    starts_at: datetime | None = None
    place: str | None = Field(None, max_length=120)
    chair: str | None = Field(None, max_length=60)
    agenda: list[str] = Field(default_factory=list, max_length=50)
    units: list[UnitCode] = Field(default_factory=list, max_length=100,
                             description="The codes of the member units invited.")  # fmt: skip


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, max_length=10000)
    done: bool = False


def _ref(thing: Any) -> dict[str, str]:
    return {"code": thing.code, "name": thing.name}


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk, "title": meeting.title, "office": _ref(meeting.area),
        "starts_at": meeting.starts_at, "place": meeting.place, "chair": meeting.chair,
        "state": meeting.state,
    }  # fmt: skip


def item_out(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk, "meeting": item.meeting_id, "unit": _ref(item.department),
        "title": item.title, "working_days": item.working_days, "due_on": item.due_on,
        "due_provisional": item.due_provisional, "state": item.state,
        "overdue": item.is_overdue(), "supervised": item.supervised, "done_at": item.done_at,
        "done_on_time": item.done_on_time, "outcome": item.outcome,
    }  # fmt: skip


def _form_time(value: datetime | None) -> str:
    """The time as the page's form is sent it: in local time (a time sent without an offset is
    local time already). One that no local time holds is passed on as it came, in ISO form, for
    the form to refuse with its field named."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        try:
            value = timezone.localtime(value)
        except OverflowError:
            return value.isoformat()
    return value.isoformat(timespec="minutes")


@router.get("/meetings", response=responses({200: MeetingPage}, 422), url_name="meeting_list",
            summary="Joint meetings in the caller's scope, newest first")  # fmt: skip
def meeting_list(request: HttpRequest, page: int = page_query()) -> dict[str, Any]:
    meetings, has_next = selectors.meeting_page(caller(request), page)
    return {"items": [meeting_out(m) for m in meetings], "page": page, "has_next": has_next}


@router.get(
    "/meetings/{pk}",
    response=responses({200: MeetingDetailOut}, 404, 422),
    url_name="meeting_detail",
    summary="A joint meeting: agenda, invitations, attendance, reports, minutes, items",
)
def meeting_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    meeting = get_meeting_for_user(caller(request), pk)
    invitations, items = selectors.meeting_detail(meeting)
    return {
        **meeting_out(meeting),
        "agenda": [a.title for a in meeting.agenda.all()],
        "minutes": meeting.minutes,
        "invitations": [
            {"unit": _ref(i.department), "answer": i.answer, "delegate": i.delegate,
             "decline_reason": i.decline_reason, "attendance": i.attendance,
             "represented_by": i.represented_by, "report": i.report}
            for i in invitations
        ],
        "items": [item_out(item) for item in items],
    }  # fmt: skip


@router.post(
    "/meetings",
    response=responses({201: MeetingDetailOut}, 400, 422),
    url_name="meeting_create",
    auth=write_auth("api:meeting_create"),
    summary="Convene a joint meeting (the last meeting's open items start its agenda)",
)
def meeting_create_op(request: HttpRequest, payload: MeetingIn) -> Any:
    user = caller(request)
    offices = selectors.convening_offices(user)
    if not offices:
        raise ReadOnly("meeting", "new", "no convening office")
    sent = payload.model_dump()
    chosen = next((a for a in offices if a.code == sent["office"]), None)
    # No office sent: the first the caller convenes; one sent that they do not: refused.
    refused_office = bool(sent["office"]) and chosen is None
    office = chosen or offices[0]
    units = selectors.invitable_units(office)
    wanted = dict(units.filter(code__in=sent["units"]).values_list("code", "pk"))
    unknown = [code for code in sent["units"] if code not in wanted]
    form = MeetingForm({
        "office": office.pk, "title": sent["title"] or "",
        "place": sent["place"] or "", "starts_at": _form_time(sent["starts_at"]),
        "chair": sent["chair"] or "", "agenda": "\n".join(sent["agenda"]),
        "departments": list(wanted.values()),
    }, offices=offices, units=units)  # fmt: skip
    if unknown or not form.is_valid() or refused_office:
        errors = form_errors(form, {"departments": "units", "starts_at": "starts_at"})
        message = _("%(field)s: no member unit this office invites has this code.")
        errors += [{"field": "units", "code": "unknown", "message": message % {"field": code}}
                   for code in unknown]  # fmt: skip
        if refused_office:
            refused = _("%(field)s: you convene no office with this code.")
            errors.append({"field": "office", "code": "unknown",
                           "message": refused % {"field": sent["office"]}})  # fmt: skip
        return Status(400, {"detail": _("The meeting has errors."), "errors": errors})
    data = MeetingInput(
        area=office, title=form.cleaned_data["title"], starts_at=form.cleaned_data["starts_at"],
        place=form.cleaned_data["place"], chair=form.cleaned_data["chair"],
        agenda=form.agenda_lines(), departments=list(form.cleaned_data["departments"]),
    )  # fmt: skip
    try:
        meeting = meeting_create(actor=user, data=data)
    except MeetingRefused as error:
        raise HttpError(400, error.message) from error
    return Status(201, meeting_detail(request, meeting.pk))


@router.get(
    "/action-items",
    response=responses({200: ItemPage}, 422),
    url_name="action_item_list",
    summary="Action items in the caller's scope, by deadline (state: open, overdue, done)",
)
def action_item_list(
    request: HttpRequest, state: str = "", department: str = "", page: int = page_query()
) -> dict[str, Any]:
    if state and state not in ("open", "overdue", *ActionItem.State.values):
        raise HttpError(422, _("state: use open, overdue, in_progress or done."))
    user: User = caller(request)
    if department and not Department.objects.filter(code=department).exists():
        raise HttpError(422, _("department: there is no member unit with this code."))
    filters = selectors.ItemFilters(state=state, department=department, page=page)
    items, has_next = selectors.item_page(user, filters)
    return {"items": [item_out(i) for i in items], "page": page, "has_next": has_next}


@router.get(
    "/action-items/{pk}",
    response=responses({200: ItemDetailOut}, 404, 422),
    url_name="action_item_detail",
    summary="An action item with its notes",
)
def action_item_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    item = get_item_for_user(caller(request), pk)
    notes = [{"kind": n.kind, "text": n.text, "at": n.at} for n in selectors.item_notes(item)]
    return {**item_out(item), "notes": notes}


@router.post(
    "/action-items/{pk}/report",
    response=responses({200: ItemDetailOut}, 400, 404, 409, 422),
    url_name="action_item_report",
    auth=write_auth("api:action_item_report"),
    summary="The unit's progress note, or (done: true) its completion",
)
def action_item_report(request: HttpRequest, pk: int, payload: ReportIn) -> Any:
    user = caller(request)
    item = get_item_for_user(user, pk, write=True)
    if not may_report(user, item):
        raise ReadOnly("action_item", pk, "not its unit")
    sent = payload.model_dump()
    form = ItemReportForm({"text": sent["text"] or "", "done": sent["done"]})
    if not form.is_valid():
        errors = form_errors(form, {})
        return Status(400, {"detail": _("The report has errors."), "errors": errors})
    try:
        item_report(actor=user, item_id=item.pk, text=form.cleaned_data["text"],
                    done=form.cleaned_data["done"])  # fmt: skip
    except MeetingRefused as error:
        raise HttpError(409, error.message) from error
    return action_item_detail(request, pk)
