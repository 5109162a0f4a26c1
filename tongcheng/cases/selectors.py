"""Reads of the case pages: the filtered list, a unit's inbox, a case's history.

Every read starts from `Case.objects.visible_to(user)` or, for the inbox, the user's own units'
rows (`CaseUnit`, read by (department, state, due_at)). Lists fetch one page plus one row and
join what each row shows: their query count does not grow with the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.deadlines import due_soon_bound
from tongcheng.cases.identifiers import masked_contact
from tongcheng.cases.labels import CASE_ACTION_LABELS
from tongcheng.cases.models import Case, CaseEvent, CaseUnit, ReturnReason, Service, State
from tongcheng.cases.scope import department_ids
from tongcheng.lib.paging import page_number
from tongcheng.org.models import User
from tongcheng.org.workcalendar import current_calendar

PAGE_SIZE = 50
INBOX_SIZE = 300
RELATED = ("service", "community", "lead_department", "person")


@dataclass(frozen=True)
class ListFilters:
    state: str = ""
    service: str = ""
    overdue: bool = False
    page: int = 1
    # The lead unit's code (the API's filter; the page has no box for it yet).
    department: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> ListFilters:
        state = query.get("state", "")
        service = query.get("service", "")
        return cls(
            state=state if state in State.values else "",
            service=service if Service.objects.filter(code=service).exists() else "",
            overdue=query.get("overdue") == "1",
            page=page_number(query.get("page")),
        )

    def services(self) -> list[Service]:
        return list(Service.objects.filter(active=True))

    def query(self) -> str:
        """The filters as a query string, without the page (for the pager's links)."""
        parts = {
            "state": self.state,
            "service": self.service,
            "overdue": "1" if self.overdue else "",
        }
        return urlencode({key: value for key, value in parts.items() if value})


@dataclass
class Page:
    items: list[Case]
    has_next: bool
    number: int


def case_page(user: User, filters: ListFilters) -> Page:
    """One page of the user's cases, newest first, filtered."""
    cases = Case.objects.visible_to(user)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.service:
        cases = cases.filter(service__code=filters.service)
    if filters.department:
        cases = cases.filter(lead_department__code=filters.department)
    if filters.overdue:
        cases = cases.overdue()
    start = (filters.page - 1) * PAGE_SIZE
    rows = list(
        cases.select_related(*RELATED).order_by("-received_at", "-pk")[
            start : start + PAGE_SIZE + 1
        ]
    )
    return Page(rows[:PAGE_SIZE], len(rows) > PAGE_SIZE, filters.page)


@dataclass(frozen=True)
class Row:
    case: Case
    name: str
    overdue: bool


def row_of(case: Case, now: datetime | None = None) -> Row:
    moment = now or timezone.now()
    name, _phone = masked_contact(case)
    return Row(case, name, case.due_at is not None and case.due_at < moment)


@dataclass
class Section:
    key: str
    title: str | Promise
    rows: list[Row] = field(default_factory=list)


def inbox_sections(user: User) -> list[Section]:
    """The unit's cases: to sign, overdue, due within one working day, in progress, reopened.

    One query for the rows (the unit's active rows with their cases, by deadline); each case
    is listed once, in the first section it belongs to.
    """
    now = timezone.now()
    soon = due_soon_bound(current_calendar(), now)
    units = (
        CaseUnit.objects.for_departments(department_ids(user))
        .active()
        .select_related(*(f"case__{name}" for name in RELATED))
        .order_by("due_at", "pk")[:INBOX_SIZE]
    )
    sections = {
        key: Section(key, title)
        for key, title in (
            ("to_sign", _("To sign")),
            ("overdue", _("Overdue")),
            ("due_soon", _("Due within one working day")),
            ("reopened", _("Reopened")),
            ("in_progress", _("In progress")),
        )
    }
    for unit in units:
        row = row_of(unit.case, now)
        due = unit.case.due_at
        if unit.state == CaseUnit.State.WAITING:
            key = "to_sign"
        elif row.overdue:
            key = "overdue"
        elif due is not None and due <= soon:
            key = "due_soon"
        elif unit.case.state == State.REOPENED:
            key = "reopened"
        else:
            key = "in_progress"
        sections[key].rows.append(row)
    return list(sections.values())


# The words for a step's reason code (a return's reason, an outcome, a follow-up's result).
REASON_LABELS: dict[str, Any] = {
    **dict(ReturnReason.choices),
    **dict(Case.Outcome.choices),
    **dict(Case.Satisfaction.choices),
    "not_reached": _("Not reached"),
    "approved": _("Approved"),
    "refused": _("Refused"),
}


def history(case: Case) -> list[CaseEvent]:
    """The case's steps, oldest first, with who and which unit (the bounces shown plainly)."""
    events = list(case.events.select_related("actor", "department").order_by("at", "pk"))
    for event in events:
        code = "case.create" if event.action == "open" else f"case.{event.action}"
        event.label = CASE_ACTION_LABELS.get(code, event.action)  # type: ignore[attr-defined]
        event.reason_label = REASON_LABELS.get(event.reason, "")  # type: ignore[attr-defined]
    return events
