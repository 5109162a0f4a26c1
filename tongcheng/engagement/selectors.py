"""Reads of appointments and their due and missed periods, for the pages and the API.

Lists read pages of rows through `visible_to` and the summaries' indexed slots, never counting
contacts: a page is one query for its rows (and one more row, to know if there is a next page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tongcheng.engagement import cadence
from tongcheng.engagement.models import Representative, Slot, SlotQuerySet
from tongcheng.lib.areacodes import subtree_q
from tongcheng.org.models import Area, User
from tongcheng.registry.models import Person

PAGE = 50
ENDING_SOON_DAYS = 60


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    number: int
    has_next: bool


def _page(queryset: QuerySet[Any], number: int) -> Page:
    start = (number - 1) * PAGE
    rows = list(queryset[start : start + PAGE + 1])
    return Page(rows[:PAGE], number, len(rows) > PAGE)


def representatives(user: User, *, state: str = "", area: Area | None = None,
                    ending: bool = False) -> QuerySet[Representative]:  # fmt: skip
    """The appointments of the user's scope, filtered (state, an area's subtree, ending soon)."""
    found = Representative.objects.visible_to(user).select_related("person", "area", "officer")
    if state:
        found = found.filter(state=state)
    if area:
        found = found.filter(subtree_q([area.prefix]))
    if ending:
        today = timezone.localdate()
        found = found.filter(
            state=Representative.State.ACTIVE,
            term_to__range=(today, today + timedelta(days=ENDING_SOON_DAYS)),
        )
    return found.order_by("area_code", "term_to", "pk")


def representative_page(user: User, number: int, **filters: Any) -> Page:
    return _page(representatives(user, **filters), number)


def history(user: User, person: Person | None) -> list[Representative]:
    """Every appointment of a person the user sees, the latest first (one query)."""
    if person is None:
        return []
    found = Representative.objects.visible_to(user).filter(person=person).select_related("area")
    return list(found.order_by("-term_from", "-pk")[:PAGE])


def current_period(kind: str, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if kind == cadence.WEEK:
        return cadence.week_of(today)
    if kind == cadence.MONTH:
        return cadence.month_of(today)
    return date(today.year, 1, 1)


def _slots(user: User, kind: str, mine: bool) -> SlotQuerySet:
    slots = Slot.objects.of_officer(user) if mine else Slot.objects.visible_to(user)
    return slots.filter(kind=kind).select_related("representative__person", "representative__area")


def due_page(user: User, kind: str, *, mine: bool, number: int) -> Page:
    """The representatives due for a talk this period and not talked to yet (indexed slots:
    the officer's, or the area's)."""
    slots = _slots(user, kind, mine).due_open().filter(period=current_period(kind))
    return _page(slots.order_by("area_code", "representative_id"), number)


def due_slots(user: User, kind: str) -> QuerySet[Slot]:
    """The officer's own slots due this period without a talk yet (the panel counts them)."""
    return Slot.objects.of_officer(user).filter(kind=kind, period=current_period(kind)).due_open()


def missed_page(user: User, kind: str, *, mine: bool, number: int, periods: int = 12) -> Page:
    """Due periods that ended without a talk, the latest first (the last `periods` periods)."""
    current = current_period(kind)
    since = cadence.periods_back(kind, current, periods)
    slots = _slots(user, kind, mine).due_open().filter(period__gte=since, period__lt=current)
    return _page(slots.order_by("-period", "area_code", "representative_id"), number)
