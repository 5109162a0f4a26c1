"""What the meetings' pages read: lists (a bounded number of queries whatever the rows), the
next meeting of an office, the liaison's page."""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Max, Model, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tongcheng.meetings.models import (
    DEFAULT_CADENCE_MONTHS,
    ActionItem,
    ActionNote,
    Invitation,
    Meeting,
)
from tongcheng.meetings.scope import CONVENERS, liaison_units
from tongcheng.org.models import Area, Department, User

PAGE_SIZE = 25


def meeting_page(user: User, page: int) -> tuple[list[Meeting], bool]:
    """The meetings the user sees, newest first, with their counts (one query per page)."""
    meetings = (
        Meeting.objects.visible_to(user)
        .select_related("area")
        .annotate(
            n_units=Count("invitations", distinct=True),
            n_open=Count("items", filter=~Q(items__state=ActionItem.State.DONE), distinct=True),
        )
    )
    return _page(meetings, page)


def _page[T: Model](rows: QuerySet[T], page: int) -> tuple[list[T], bool]:
    start = (page - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


@dataclass(frozen=True)
class ItemFilters:
    state: str = ""  # "", open, overdue, done, a state
    department: str = ""  # a unit's code
    page: int = 1


def items_of(user: User, filters: ItemFilters) -> QuerySet[ActionItem]:
    items = ActionItem.objects.visible_to(user).select_related("department", "meeting")
    if filters.state == "overdue":
        items = items.overdue()
    elif filters.state == "open":
        items = items.open()
    elif filters.state in ActionItem.State.values:
        items = items.filter(state=filters.state)
    if filters.department:
        items = items.filter(department__code=filters.department)
    return items


def item_page(user: User, filters: ItemFilters) -> tuple[list[ActionItem], bool]:
    return _page(items_of(user, filters), filters.page)


def meeting_detail(meeting: Meeting) -> tuple[list[Invitation], list[ActionItem]]:
    """The invitations (with units) and items (with units) of a meeting: two queries."""
    invitations = list(meeting.invitations.select_related("department"))
    items = list(meeting.items.select_related("department"))
    return invitations, items


def item_notes(item: ActionItem) -> list[ActionNote]:
    return list(item.notes.select_related("by"))


@dataclass(frozen=True)
class NextMeeting:
    area: Area
    meeting_id: int | None  # the one scheduled, if any
    title: str
    due: date  # its day, or the day the cadence asks for the next one
    cadence_months: int

    @property
    def overdue(self) -> bool:
        return self.meeting_id is None and self.due < timezone.localdate()


def add_months(day: date, n: int) -> date:
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, months.monthrange(year, month)[1]))


def office_codes(user: User) -> list[str]:
    """The offices the user convenes for (its city or district memberships)."""
    return sorted(
        {
            m.area.code
            for m in user.active_memberships()
            if m.role in CONVENERS and m.area.level in (Area.Level.CITY, Area.Level.DISTRICT)
        }
    )


def convening_offices(user: User) -> list[Area]:
    return list(Area.objects.filter(code__in=office_codes(user)).order_by("code"))


def next_meetings(user: User) -> list[NextMeeting]:
    """Each office's next meeting: the earliest scheduled one to come, else the one due by its
    cadence (the last meeting's day plus the cadence; today when it never met). One query for
    all the user's offices."""
    codes = office_codes(user)
    if not codes:
        return []
    upcoming = Meeting.objects.filter(area=OuterRef("pk")).upcoming().order_by("starts_at", "pk")
    areas = (
        Area.objects.filter(code__in=codes)
        .annotate(
            next_pk=Subquery(upcoming.values("pk")[:1]),
            next_title=Subquery(upcoming.values("title")[:1]),
            next_at=Subquery(upcoming.values("starts_at")[:1]),
            last_at=Max("meetings__starts_at"),
            cadence=F("meeting_setting__cadence_months"),
        )
        .order_by("code")
    )
    return [_next_of(area) for area in areas]


def _next_of(area: Any) -> NextMeeting:
    cadence = area.cadence or DEFAULT_CADENCE_MONTHS
    if area.next_pk is not None:
        day = timezone.localtime(area.next_at).date()
        return NextMeeting(area, area.next_pk, area.next_title, day, cadence)
    if area.last_at is None:
        return NextMeeting(area, None, "", timezone.localdate(), cadence)
    due = add_months(timezone.localtime(area.last_at).date(), cadence)
    return NextMeeting(area, None, "", due, cadence)


def invitable_units(area: Area) -> QuerySet[Department]:
    """The units a meeting of this office invites: the district's (and the city's units), or
    for the city office the city's."""
    city = Q(area__level=Area.Level.CITY)
    wanted = city if area.level == Area.Level.CITY else Q(area=area) | city
    return Department.objects.filter(wanted).select_related("area")


@dataclass(frozen=True)
class LiaisonPage:
    invitations: list[Invitation]
    items: list[ActionItem]


def liaison_page(user: User) -> LiaisonPage:
    """The invitations of the liaison's unit (meetings to come and recent) and its open and
    recent items: two queries."""
    units = liaison_units(user)
    invitations = list(
        Invitation.objects.filter(department_id__in=units)
        .select_related("meeting", "meeting__area", "department")
        .order_by("-meeting__starts_at", "pk")[:50]
    )
    items = list(
        ActionItem.objects.filter(department_id__in=units)
        .select_related("meeting", "department")
        .order_by("state", "due_on", "pk")[:100]
    )
    return LiaisonPage(invitations, items)


def pending_invitations(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        department_id__in=liaison_units(user),
        answer=Invitation.Answer.PENDING,
        meeting__state=Meeting.State.SCHEDULED,
    )


def my_open_items(user: User) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(department_id__in=liaison_units(user)).open()


def overdue_items(user: User) -> QuerySet[ActionItem]:
    return ActionItem.objects.visible_to(user).overdue()
