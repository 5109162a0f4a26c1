"""Bad input to the meetings' pages and API: refused with the field named, never an error page,
nothing half-written; and the documents of what was stored still open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tongcheng.meetings.models import ActionItem, ActionNote, Invitation, Meeting, OfficeSetting
from tongcheng.meetings.tests.factories import action_item, meeting

pytestmark = pytest.mark.django_db

CONTROL = "会议\x07纪要"
BIDI = "会议\u202e室"
SAYS_CONTROL = "含有无法保存的控制字符"
SAYS_BIDI = "含有会颠倒文字方向的字符"


def _convene(cast: Any, **changes: str) -> Any:
    data = {
        "office": cast.areas["district"].pk,
        "title": "第二季度联席会议",
        "starts_at": (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "place": "区政府会议室",
        "agenda": "通报工作",
        "departments": [meeting().invitations.first().department_id],  # type: ignore[union-attr]
    }
    data.update(changes)
    return cast.client("district").post(reverse("meetings:meeting_create"), data)


@pytest.mark.parametrize(
    ("field", "value", "label", "says"),
    [
        ("title", CONTROL, "标题", SAYS_CONTROL),
        ("place", BIDI, "地点", SAYS_BIDI),
        ("agenda", f"通报工作\n{CONTROL}", "会议议程", SAYS_CONTROL),
        ("agenda", "通报工作\n" + "长" * 201, "会议议程", "每行议程最多200个字符"),
        ("starts_at", "9999-12-31T23:59", "时间", "2000"),
        ("starts_at", "0001-01-01T00:00", "时间", "2000"),
    ],
)
def test_convening_refuses_what_a_notice_cannot_hold_naming_the_field(
    cast: Any, field: str, value: str, label: str, says: str
) -> None:
    before = Meeting.objects.count()
    response = _convene(cast, **{field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert label in page and says in page
    assert Meeting.objects.count() == before + 1  # only the factory's meeting


def _past() -> Meeting:
    return meeting(starts_at=timezone.now() - timedelta(days=3))


def test_every_step_form_refuses_a_control_character_and_writes_nothing(cast: Any) -> None:
    held = _past()
    item = action_item(held.pk, "city-hrss")
    office, officer = cast.client("district"), cast.client("liaison")
    invitation = Invitation.objects.get(meeting=held, department__code="city-hrss")
    steps = [
        (office, "meetings:meeting_minutes", held.pk,
         {"minutes": CONTROL, "chair": "王主任", "version": 1}),
        (office, "meetings:meeting_minutes", held.pk,
         {"minutes": "纪要", "chair": BIDI, "version": 1}),
        (office, "meetings:item_create", held.pk,
         {"department": item.department_id, "title": CONTROL, "working_days": 5}),
        (office, "meetings:meeting_attendance", held.pk,
         {f"a{invitation.pk}": "represented", f"r{invitation.pk}": BIDI, "version": 1}),
        (office, "meetings:item_supervise", item.pk, {"instruction": CONTROL}),
        (officer, "meetings:meeting_report", held.pk, {"report": CONTROL}),
        (officer, "meetings:item_report", item.pk, {"text": CONTROL}),
    ]  # fmt: skip
    for client, name, pk, data in steps:
        response = client.post(reverse(name, args=[pk]), data, follow=True)
        page = response.content.decode()
        assert SAYS_CONTROL in page or SAYS_BIDI in page, name
    held.refresh_from_db()
    invitation.refresh_from_db()
    assert (held.minutes, held.chair, held.state) == ("", "王主任", Meeting.State.SCHEDULED)
    assert (invitation.report, invitation.represented_by) == ("", "")
    assert ActionItem.objects.filter(meeting=held).count() == 1
    assert not ActionNote.objects.filter(item=item).exists()
    soon = meeting()
    answer = officer.post(
        reverse("meetings:meeting_answer", args=[soon.pk]),
        {"attending": "yes", "delegate": CONTROL, "expected": "pending"},
        follow=True,
    )
    assert SAYS_CONTROL in answer.content.decode()
    assert soon.invitations.get(department__code="city-hrss").answer == Invitation.Answer.PENDING


def test_the_setting_refuses_a_control_character_on_the_notices(cast: Any) -> None:
    response = cast.client("district").post(
        reverse("meetings:meeting_setting"),
        {"office": cast.areas["district"].pk, "cadence_months": 3, "contact": CONTROL},
    )
    assert response.status_code == 400 and SAYS_CONTROL in response.content.decode()
    assert not OfficeSetting.objects.exists()


def _api_body(**changes: Any) -> dict[str, Any]:
    body = {
        "office": "140403000000",
        "title": "专题联席会议",
        "starts_at": (timezone.now() + timedelta(days=5)).isoformat(),
        "place": "区政府会议室",
        "agenda": ["研究就业帮扶"],
        "units": ["city-hrss", "140403-hrss"],
    }
    body.update(changes)
    return body


def test_the_api_reads_a_time_without_an_offset_as_local_time(cast: Any) -> None:
    created = cast.client("district").post(
        "/api/v1/meetings", _api_body(starts_at="2026-12-20T10:00:00"),
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    starts_at = Meeting.objects.get(pk=created.json()["id"]).starts_at
    assert timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-20 10:00"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": "0001-01-01T00:00:00+14:00"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:59:59-12:00"}, "starts_at"),
        ({"starts_at": "1970-01-01T03:25:45+08:00"}, "starts_at"),
        ({"title": CONTROL}, "title"),
        ({"place": BIDI}, "place"),
        ({"agenda": ["通报工作", CONTROL]}, "agenda"),
        ({"office": "140404000000"}, "office"),
        ({"office": "bogus"}, "office"),
        # PostgreSQL refuses a NUL in text: a code is refused before it reaches a query.
        ({"units": ["140403-hrss\x00"]}, "units"),
        ({"office": "1404\x00"}, "office"),
    ],
)
def test_the_api_refuses_bad_input_naming_the_field(
    cast: Any, changes: dict[str, Any], field: str
) -> None:
    response = cast.client("district").post(
        "/api/v1/meetings", _api_body(**changes), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    # A list's item is named with its index ("units.0").
    assert field in [error["field"].split(".")[0] for error in response.json()["errors"]]
    assert not Meeting.objects.exists()


def test_the_api_refuses_a_control_character_in_a_report(cast: Any) -> None:
    item = action_item(_past().pk, "city-hrss")
    response = cast.client("liaison").post(
        f"/api/v1/action-items/{item.pk}/report", {"text": CONTROL},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["text"]
    assert not ActionNote.objects.filter(item=item).exists()
