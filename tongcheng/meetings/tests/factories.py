"""Meetings and action items for tests, made through the real actions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from tongcheng.lib.roles import Role
from tongcheng.meetings.actions.items import item_create
from tongcheng.meetings.actions.meetings import MeetingInput, meeting_create
from tongcheng.meetings.models import ActionItem, Meeting
from tongcheng.org.models import Area, Department, Membership, User


def convener(area_code: str) -> User:
    """The office account of this district (or the city), created once."""
    name = f"office.{area_code}"
    user, created = User.objects.get_or_create(username=name, defaults={"display_name": name})
    if created:
        role = Role.CITY_ADMIN if area_code.endswith("00000000") else Role.DISTRICT_OFFICE
        Membership.objects.create(user=user, role=role, area=Area.objects.get(code=area_code))
    return User.objects.get(pk=user.pk)


def meeting(
    area_code: str = "140403000000",
    *,
    units: list[str] | None = None,
    starts_at: datetime | None = None,
    title: str = "第一季度联席会议",
) -> Meeting:
    area = Area.objects.get(code=area_code)
    codes = units or ["city-hrss", f"{area_code[:6]}-hrss"]
    data = MeetingInput(
        area=area,
        title=title,
        starts_at=starts_at or timezone.now() + timedelta(days=7),
        place="区政府三楼会议室",
        chair="王主任",
        agenda=["各成员单位通报工作情况"],
        departments=list(Department.objects.filter(code__in=codes)),
    )
    return meeting_create(actor=convener(area_code), data=data)


def action_item(
    meeting_id: int, unit: str, *, days: int = 20, title: str = "摸排辖区务工人员"
) -> ActionItem:
    found = Meeting.objects.get(pk=meeting_id)
    return item_create(
        actor=convener(found.area_code),
        meeting_id=meeting_id,
        department=Department.objects.get(code=unit),
        title=title,
        working_days=days,
    )
