"""Reads of the case pages: the filtered list, a unit's inbox, a case's history.

Every read starts from `Case.objects.visible_to(user)` or, for the inbox, the user's own units'
active rows (`CaseUnit`). Lists fetch one page plus one row and join what each row shows: their
query count does not grow with the rows. Each row's shown values (the name, the link, the
number, the deadline) are made here, once, not by template tags per row.

At a million cases each list walks an index in its own order and stops after its page
(docs/performance.md, "The case pages and the sweep"): the list walks `received_at` (with the
filter's column in front: state, service, or the open cases only), the inbox its units' active
rows by deadline. Nothing counts the matching cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Subquery
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.deadlines import due_soon_bound
from tongcheng.cases.identifiers import masked_name, shown_name
from tongcheng.cases.labels import CASE_ACTION_LABELS
from tongcheng.cases.models import (
    Case,
    CaseEvent,
    CaseUnit,
    ReturnReason,
    Service,
    State,
    Urgency,
    case_number,
)
from tongcheng.cases.scope import department_ids
from tongcheng.lib.paging import page_number
from tongcheng.org.models import Department, User
from tongcheng.org.workcalendar import current_calendar

PAGE_SIZE = 50
INBOX_SIZE = 100
RELATED = ("service", "community", "lead_department", "person")
# What the inbox shows of a unit's row and its case, read as plain values: rows made into
# models (the unit, the case, its service, community and file) cost more than the rest of the
# page (on SQLite each moment is also parsed from text).
INBOX_VALUES = (
    "case_id", "state", "case__version", "case__received_at", "case__state", "case__due_at",
    "case__due_provisional", "case__urgency", "case__caller_name_enc", "case__person__name",
    "case__service__name", "case__community__name",
)  # fmt: skip
# Every moment a case can have been received in: the list's bounds on `received_at`, which
# filter nothing. They make SQLite's planner walk the list's own order: without statistics it
# takes a district's area-code range for a small part of the table and would read and sort the
# whole district's cases (3.8 s at 1,000,000 cases), where walking `received_at` newest first
# stops after one page (docs/performance.md). PostgreSQL's statistics see that they filter
# nothing.
EVER = (datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC))


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
    """One page of the user's cases, newest first, filtered.

    One query: its subquery walks an index for the page's ids (reading no case: each index
    ends with the area code, the open cases' also with the deadline), the query reads and
    joins those 51 cases only, so a later page skips index entries, not joined rows. The
    service and the lead unit are compared by id (a subquery on their code), so the index
    (service, received_at) serves the order as well as the filter.
    """
    cases = Case.objects.visible_to(user).filter(received_at__gte=EVER[0], received_at__lte=EVER[1])
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.service:
        service = Service.objects.filter(code=filters.service).order_by().values("pk")[:1]
        cases = cases.filter(service_id=Subquery(service))
    if filters.department:
        unit = Department.objects.filter(code=filters.department).order_by().values("pk")[:1]
        cases = cases.filter(lead_department_id=Subquery(unit))
    if filters.overdue:
        cases = cases.overdue()
    start = (filters.page - 1) * PAGE_SIZE
    ids = cases.order_by("-received_at", "-pk").values("pk")[start : start + PAGE_SIZE + 1]
    rows = list(
        Case.objects.filter(pk__in=Subquery(ids))
        .select_related(*RELATED)
        .order_by("-received_at", "-pk")
    )
    return Page(rows[:PAGE_SIZE], len(rows) > PAGE_SIZE, filters.page)


@dataclass(frozen=True)
class Row:
    """A case as a list shows it: `due` is the running deadline in local time ("" for none)."""

    case: Case
    name: str
    overdue: bool
    url: str
    number: str
    due: str


def row_of(case: Case, now: datetime | None = None, *, url: str = "") -> Row:
    """The row of `case`; `url` its page's address (else reversed here: lists pass one made
    from `detail_url_pattern()`)."""
    moment = now or timezone.now()
    return Row(
        case,
        masked_name(case),
        case.due_at is not None and case.due_at < moment,
        url or reverse("cases:case_detail", args=[case.pk]),
        case.number,
        _shown_moment(case.due_at),
    )


def rows_of(cases: list[Case]) -> list[Row]:
    """The rows of a page of cases (one clock, one address pattern)."""
    now = timezone.now()
    pattern = detail_url_pattern()
    return [row_of(case, now, url=pattern.format(case.pk)) for case in cases]


def detail_url_pattern() -> str:
    """A case page's address with `{}` for the case's id: one reverse() for a whole list."""
    marker = 987654321
    return reverse("cases:case_detail", args=[marker]).replace(str(marker), "{}")


def _shown_moment(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@dataclass(frozen=True)
class InboxRow:
    """A case as the inbox shows it (plain values: see INBOX_VALUES)."""

    pk: int
    version: int
    service: str
    community: str
    name: str
    url: str
    number: str
    due: str
    provisional: bool
    urgent: bool


@dataclass
class Section:
    key: str
    title: str | Promise
    rows: list[InboxRow] = field(default_factory=list)


@dataclass
class Inbox:
    sections: list[Section]
    more: bool  # the unit has more active cases than INBOX_SIZE: the case list has the rest


# Long because the one query's rows are sorted into the five sections in the same pass.
def inbox_sections(user: User) -> Inbox:
    """The unit's cases: to sign, overdue, due within one working day, in progress, reopened.

    One query for the rows (the unit's active rows with their cases, by deadline); each case
    is listed once, in the first section it belongs to. A busy unit has thousands of active
    rows: the query picks the first INBOX_SIZE (+1, to tell whether there are more) ids from an
    index (a subquery that reads no row), then reads and joins those only, as plain values.
    """
    now = timezone.now()
    soon = due_soon_bound(current_calendar(), now)
    first = (
        CaseUnit.objects.for_departments(department_ids(user))
        .active()
        .order_by("due_at", "pk")
        .values("pk")[: INBOX_SIZE + 1]
    )
    units = list(
        CaseUnit.objects.filter(pk__in=Subquery(first))
        .order_by("due_at", "pk")
        .values_list(*INBOX_VALUES)
    )
    pattern = detail_url_pattern()
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
    for pk, unit_state, version, received, state, due, provisional, urgency, *names in units[
        :INBOX_SIZE
    ]:
        caller_name_enc, person_name, service, community = names
        if unit_state == CaseUnit.State.WAITING:
            key = "to_sign"
        elif due is not None and due < now:
            key = "overdue"
        elif due is not None and due <= soon:
            key = "due_soon"
        elif state == State.REOPENED:
            key = "reopened"
        else:
            key = "in_progress"
        sections[key].rows.append(
            InboxRow(
                pk,
                version,
                service,
                community,
                shown_name(person_name, caller_name_enc),
                pattern.format(pk),
                case_number(received, pk),
                _shown_moment(due),
                provisional,
                urgency == Urgency.URGENT,
            )
        )
    return Inbox(list(sections.values()), more=len(units) > INBOX_SIZE)


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
