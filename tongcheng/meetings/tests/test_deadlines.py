"""Action items' deadlines in working days: provisional into a year not entered (2027), overdue
across it, recomputed when the year is entered; the 催办 once per item and deadline."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.tests.factories import liaison
from tongcheng.meetings.actions.items import item_report
from tongcheng.meetings.actions.sweep import chase_sweep
from tongcheng.meetings.models import ActionItem, ActionNote
from tongcheng.meetings.tests.factories import action_item, meeting
from tongcheng.notify.models import Notification
from tongcheng.org.contributions import recurring_jobs
from tongcheng.org.models import CalendarDay
from tongcheng.org.workcalendar import EnteredDay, calendar_year_save, current_calendar

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Asia/Shanghai")


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZONE)


def test_a_deadline_within_known_years_counts_holidays() -> None:
    # 2026-09-28 (Mon) + 5 working days: 29, 30 Sep, then 国庆节 1–7 Oct, 8, 9 Oct; 10 Oct
    # (Sat) is a make-up working day of 2026 in the package: the fifth is 10 October.
    held = meeting(starts_at=_at(2026, 9, 28, 9))
    item = action_item(held.pk, "city-hrss", days=5)
    expected = current_calendar().add_working_days(date(2026, 9, 28), 5).value
    assert item.due_on == expected and not item.due_provisional
    assert item.due_on > date(2026, 10, 7)


def test_a_deadline_into_2027_is_provisional_overdue_chased_and_recomputed(cast: Any) -> None:
    held = meeting(starts_at=_at(2026, 12, 21, 9, 30))
    item = action_item(held.pk, "city-hrss", days=15)
    # 22–31 December give 8 working days; 2027 is not entered, so Monday–Friday count there
    # (Friday 1 January too): the 15th is Monday 11 January, provisional.
    assert (item.due_on, item.due_provisional) == (date(2027, 1, 11), True)
    old_due = item.due_on
    # Overdue across the provisional deadline; chased the working day after it, once.
    assert item.is_overdue(today=date(2027, 1, 12))
    assert chase_sweep(now=_at(2027, 1, 11, 20, 0)).urged == 0
    after = _at(2027, 1, 12, 9, 0)
    assert chase_sweep(now=after).urged == 1
    assert chase_sweep(now=after).urged == 0
    assert chase_sweep(now=_at(2027, 1, 13, 9, 0)).urged == 0
    item.refresh_from_db()
    assert item.urged_for == old_due
    assert ActionNote.objects.filter(item=item, kind=ActionNote.Kind.URGED).count() == 1
    notices = Notification.objects.filter(kind="action_item.urged")
    assert notices.count() == 1 and notices.get().user == cast.liaison
    # The year is entered with 元旦 on Friday 1 January: the deadline moves one working day
    # later and is no longer provisional.
    calendar_year_save(
        actor=cast.city_admin,
        year=2027,
        notice="国办发明电〔2026〕",
        days=[EnteredDay(date(2027, 1, 1), CalendarDay.Kind.HOLIDAY, "元旦")],
    )
    item.refresh_from_db()
    assert not item.due_provisional
    assert item.due_on == date(2027, 1, 12) > old_due
    assert AuditEvent.objects.filter(action="action_item.deadlines_recomputed").count() == 1
    # The new deadline is chased again once it is missed, once.
    new_due = item.due_on
    again = current_calendar().add_working_days(new_due, 1).value
    moment = _at(again.year, again.month, again.day, 8, 45)
    assert chase_sweep(now=moment).urged == 1
    assert chase_sweep(now=moment).urged == 0
    assert Notification.objects.filter(kind="action_item.urged").count() == 2


def test_a_done_item_is_never_chased_and_counts_on_time_or_late(cast: Any) -> None:
    held = meeting(starts_at=timezone.now() - timezone.timedelta(days=60))
    late = action_item(held.pk, "city-hrss", days=5)
    item_report(actor=liaison("city-hrss"), item_id=late.pk, text="已完成", done=True)
    late.refresh_from_db()
    assert late.done_on_time is False
    assert chase_sweep().urged == 0
    assert not ActionItem.objects.overdue().exists()


def test_the_worker_repeats_the_chase() -> None:
    job = recurring_jobs()["meetings.chase"]
    assert job.run is chase_sweep and job.every.total_seconds() == 15 * 60
