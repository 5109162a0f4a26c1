"""The meetings' pages: the list, convening, a meeting with the steps its user may take, the
documents, the office's cadence."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.audit.services import audit_record
from tongcheng.meetings import documents, selectors
from tongcheng.meetings.access import get_meeting_for_user, invitation_of, may_convene
from tongcheng.meetings.actions import items as item_actions
from tongcheng.meetings.actions import meetings as actions
from tongcheng.meetings.errors import MeetingRefused
from tongcheng.meetings.forms import (
    AnswerForm,
    AttendanceForm,
    ItemForm,
    MeetingForm,
    MinutesForm,
    ReportForm,
    SettingForm,
)
from tongcheng.meetings.models import Invitation, Meeting, OfficeSetting
from tongcheng.meetings.views.common import page_number, refused, run_step
from tongcheng.org.access import ReadOnly
from tongcheng.org.models import Department, User

DETAIL = "meetings:meeting_detail"
DOCUMENTS = ("notice", "minutes")
TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def meeting_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    meetings, has_next = selectors.meeting_page(user, page_number(request))
    upcoming = selectors.next_meetings(user)
    return render(request, "meetings/meeting_list.html", {
        "meetings": meetings, "has_next": has_next, "page": page_number(request),
        "upcoming": upcoming,
    })  # fmt: skip


def meeting_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    offices = selectors.convening_offices(user)
    if not offices:
        raise ReadOnly("meeting", "new", "no convening office")
    office = offices[0]
    form = MeetingForm(request.POST or None, offices=offices,
                       units=selectors.invitable_units(office))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = actions.MeetingInput(
            area=form.cleaned_data["office"], title=form.cleaned_data["title"],
            starts_at=form.cleaned_data["starts_at"], place=form.cleaned_data["place"],
            chair=form.cleaned_data["chair"], agenda=form.agenda_lines(),
            departments=list(form.cleaned_data["departments"]),
        )  # fmt: skip
        try:
            meeting = actions.meeting_create(actor=user, data=data)
        except MeetingRefused as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, _("The meeting is convened; the units are told."))
            return redirect(DETAIL, meeting.pk)
    carried = [title for title, _pk in actions.carried_items(office)]
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/meeting_form.html", {"form": form, "carried": carried},
                  status=status)  # fmt: skip


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    meeting = get_meeting_for_user(user, pk)
    invitations, items = selectors.meeting_detail(meeting)
    convener = may_convene(user, meeting.area_code)
    mine = _my_invitation(user, meeting)
    context = {
        "meeting": meeting, "invitations": invitations, "items": items, "convener": convener,
        "mine": mine, "agenda": list(meeting.agenda.all()),
        "answer_form": AnswerForm(initial={"expected": mine.answer, "delegate": mine.delegate})
        if mine else None,
        "report_form": ReportForm(initial={"report": mine.report}) if mine else None,
        "minutes_form": MinutesForm(initial={"minutes": meeting.minutes, "chair": meeting.chair,
                                             "version": meeting.version}),
        "attendance_form": AttendanceForm(invitations=invitations,
                                          initial={"version": meeting.version})
        if convener else None,
        "item_form": ItemForm(units=_invited_units(meeting)) if convener else None,
    }  # fmt: skip
    return render(request, "meetings/meeting_detail.html", context)


def _invited_units(meeting: Meeting) -> QuerySet[Department]:
    return Department.objects.filter(pk__in=meeting.invitations.values("department_id"))


def _my_invitation(user: User, meeting: Meeting) -> Invitation | None:
    try:
        return invitation_of(user, meeting)
    except ReadOnly:
        return None


@require_POST
def meeting_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    invitation = invitation_of(user, get_meeting_for_user(user, pk))

    def step(data: dict[str, Any]) -> object:
        return actions.invitation_answer(
            actor=user, invitation_id=invitation.pk, attending=data["attending"],
            delegate=data["delegate"], reason=data["reason"], expected=data["expected"],
        )  # fmt: skip

    done = _("Your unit's answer is saved.")
    return run_step(request, AnswerForm(request.POST), step, done, DETAIL, pk)


@require_POST
def meeting_report(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    invitation = invitation_of(user, get_meeting_for_user(user, pk))

    def step(data: dict[str, Any]) -> object:
        return actions.report_save(actor=user, invitation_id=invitation.pk, text=data["report"])

    done = _("The work report is saved.")
    return run_step(request, ReportForm(request.POST), step, done, DETAIL, pk)


@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    meeting = get_meeting_for_user(user, pk, write=True)
    issue = "issue" in request.POST

    def step(data: dict[str, Any]) -> object:
        saved = actions.minutes_save(
            actor=user, meeting_id=meeting.pk, text=data["minutes"], chair=data["chair"],
            expected_version=data["version"],
        )  # fmt: skip
        return actions.meeting_issue(actor=user, meeting_id=meeting.pk) if issue else saved

    done = _("The minutes are issued.") if issue else _("The minutes are saved.")
    return run_step(request, MinutesForm(request.POST), step, done, DETAIL, pk)


@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    meeting = get_meeting_for_user(user, pk, write=True)
    invitations = list(meeting.invitations.select_related("department"))

    def step(data: dict[str, Any]) -> object:
        rows = [actions.Attendance(i.pk, data[f"a{i.pk}"], data[f"r{i.pk}"]) for i in invitations]
        return actions.attendance_record(
            actor=user, meeting_id=meeting.pk, rows=rows, expected_version=data["version"]
        )

    form = AttendanceForm(request.POST, invitations=invitations)
    return run_step(request, form, step, _("The attendance is saved."), DETAIL, pk)


@require_POST
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    meeting = get_meeting_for_user(user, pk, write=True)

    def step(data: dict[str, Any]) -> object:
        return item_actions.item_create(actor=user, meeting_id=meeting.pk, **data)

    form = ItemForm(request.POST, units=_invited_units(meeting))
    done = _("The action item is assigned; the unit is told.")
    return run_step(request, form, step, done, DETAIL, pk)


def meeting_document(request: HttpRequest, pk: int, document: str, kind: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    meeting = get_meeting_for_user(user, pk)
    if document not in DOCUMENTS or kind not in TYPES:
        raise Http404
    try:
        content, name = documents.render(meeting, document, kind)
    except FileNotFoundError:
        return refused(request, _("The PDF font is not installed: download the .docx."), DETAIL, pk)
    audit_record(
        actor=request, action="meeting.document", object_type="meeting", object_id=meeting.pk,
        area_code=meeting.area_code, detail={"document": document, "kind": kind},
    )  # fmt: skip
    response = HttpResponse(content, content_type=TYPES[kind])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def meeting_setting(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    offices = selectors.convening_offices(user)
    if not offices:
        raise ReadOnly("meeting_setting", "-", "no convening office")
    current = OfficeSetting.objects.filter(area=offices[0]).first()
    initial = {"cadence_months": current.cadence_months, "office_name": current.office_name,
               "contact": current.contact} if current else {}  # fmt: skip
    form = SettingForm(request.POST or None, offices=offices, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.setting_save(actor=user, area=form.cleaned_data["office"],
                             cadence_months=form.cleaned_data["cadence_months"],
                             office_name=form.cleaned_data["office_name"],
                             contact=form.cleaned_data["contact"])  # fmt: skip
        messages.success(request, _("The meeting setting is saved."))
        return redirect("meetings:meeting_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/setting_form.html", {"form": form}, status=status)
