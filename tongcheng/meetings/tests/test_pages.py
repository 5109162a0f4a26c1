"""The meetings' pages: the ladder of every page, query counts of the lists, the steps through
the pages, the documents."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.tests.factories import liaison
from tongcheng.meetings.actions.items import item_report
from tongcheng.meetings.actions.meetings import minutes_save, setting_save
from tongcheng.meetings.models import ActionItem, Invitation, Meeting
from tongcheng.meetings.selectors import next_meetings
from tongcheng.meetings.tests.factories import action_item, meeting
from tongcheng.notify.models import Notification

pytestmark = pytest.mark.django_db

LUZHOU, SHANGDANG = "140403000000", "140404000000"


def _past(**changes: Any) -> Meeting:
    return meeting(starts_at=timezone.now() - timedelta(days=3), **changes)


def test_the_pages_climb_the_ladder(cast: Any) -> None:
    """Anonymous → login, another district → 404, read-only → 403, allowed → 200."""
    held = _past()
    item = action_item(held.pk, "city-hrss")
    pages = [
        ("meetings:meeting_detail", [held.pk]),
        ("meetings:item_detail", [item.pk]),
        ("meetings:meeting_document", [held.pk, "notice", "docx"]),
    ]
    for name, args in pages:
        url = reverse(name, args=args)
        assert Client().get(url).status_code == 302
        assert cast.client("other_district").get(url).status_code == 404
        assert cast.client("district").get(url).status_code == 200
        assert cast.client("inspector").get(url).status_code == 200
        assert cast.client("liaison").get(url).status_code == 200
    for name in ("meetings:meeting_list", "meetings:item_list", "meetings:compliance"):
        url = reverse(name)
        assert Client().get(url).status_code == 302
        assert cast.client("district").get(url).status_code == 200
        assert cast.client("community_a").get(url).status_code == 403
    writes = [
        ("meetings:meeting_minutes", [held.pk]),
        ("meetings:meeting_attendance", [held.pk]),
        ("meetings:item_create", [held.pk]),
        ("meetings:item_supervise", [item.pk]),
    ]
    for name, args in writes:
        url = reverse(name, args=args)
        assert Client().post(url).status_code == 302
        assert cast.client("other_district").post(url).status_code == 404
        assert cast.client("inspector").post(url).status_code == 403
        assert cast.client("district").post(url).status_code == 302  # refused with a message
    assert cast.client("liaison").get(reverse("meetings:mine")).status_code == 200
    assert cast.client("district").get(reverse("meetings:mine")).status_code == 403
    assert cast.client("inspector").get(reverse("meetings:meeting_create")).status_code == 403
    assert cast.client("leader").get(reverse("meetings:compliance")).status_code == 200
    assert cast.client("leader").get(reverse("meetings:item_list")).status_code == 403


def test_a_liaison_of_a_unit_not_invited_cannot_see_the_meeting(cast: Any) -> None:
    held = meeting(units=["140403-hrss"])
    other = liaison("city-civil")
    client = Client()
    client.force_login(other)
    assert client.get(reverse("meetings:meeting_detail", args=[held.pk])).status_code == 404
    assert (
        cast.client("liaison").get(reverse("meetings:meeting_detail", args=[held.pk])).status_code
        == 404
    )


def test_the_lists_cost_the_same_whatever_the_rows(
    cast: Any, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        held = _past(title=f"会议{n}")
        action_item(held.pk, "city-hrss")
        action_item(held.pk, "140403-hrss")
    client = cast.client("district")
    client.get(reverse("meetings:meeting_list"))
    # Session, account, memberships; savepoint; the page of meetings with their counts; the
    # banner (the offices with their next scheduled and last meeting and cadence); release.
    with django_assert_num_queries(7):
        assert client.get(reverse("meetings:meeting_list")).status_code == 200
    # Session, account, memberships; savepoint; the page of items with units and meetings;
    # release.
    with django_assert_num_queries(6):
        assert client.get(reverse("meetings:item_list")).status_code == 200
    # Session, account, memberships; savepoint; the grouped counts; the units; release.
    with django_assert_num_queries(7):
        assert client.get(reverse("meetings:compliance")).status_code == 200
    officer = cast.client("liaison")
    officer.get(reverse("meetings:mine"))
    # Session, account, memberships (with the unit); savepoint; the invitations; the items;
    # release.
    with django_assert_num_queries(7):
        assert officer.get(reverse("meetings:mine")).status_code == 200
    for n in range(3):
        action_item(_past(title=f"再{n}").pk, "city-hrss")
    with django_assert_num_queries(7):
        client.get(reverse("meetings:meeting_list"))
    with django_assert_num_queries(7):
        officer.get(reverse("meetings:mine"))


def test_convening_invites_the_units_and_carries_the_open_items(cast: Any) -> None:
    last = _past()
    open_item = action_item(last.pk, "140403-hrss", title="落实就业帮扶")
    done = action_item(last.pk, "city-hrss", title="已办结事项")
    item_report(actor=liaison("city-hrss"), item_id=done.pk, text="已完成", done=True)
    client = cast.client("district")
    form = client.get(reverse("meetings:meeting_create")).content.decode()
    assert "落实就业帮扶" in form and "已办结事项" not in form
    start = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("meetings:meeting_create"),
        {
            "office": cast.areas["district"].pk,
            "title": "第二季度联席会议",
            "starts_at": start,
            "place": "区政府会议室",
            "agenda": "通报工作\n研究下季度任务",
            "departments": [open_item.department_id, done.department_id],
        },
    )
    assert response.status_code == 302
    created = Meeting.objects.get(title="第二季度联席会议")
    agenda = list(created.agenda.values_list("title", "carried_id"))
    assert agenda[0][1] == open_item.pk and "落实就业帮扶" in agenda[0][0]
    assert [title for title, _pk in agenda[1:]] == ["通报工作", "研究下季度任务"]
    assert created.invitations.count() == 2
    assert Notification.objects.filter(
        kind="meeting.invited", key__startswith=f"meeting:{created.pk}:"
    ).exists()
    assert (
        AuditEvent.objects.filter(action="meeting.create", object_id=str(created.pk)).count() == 1
    )


def test_a_bad_meeting_form_names_the_field(cast: Any) -> None:
    response = cast.client("district").post(reverse("meetings:meeting_create"), {"title": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "时间" in body or "Time" in body
    # At the form's top, each error names its field and links to it.
    assert "tc-error-summary" in body
    assert 'href="#id_starts_at"' in body and 'href="#id_departments_0"' in body


def test_a_liaison_answers_reports_and_the_office_signs_in_and_issues(cast: Any) -> None:
    soon = meeting()
    officer = cast.client("liaison")
    url = reverse("meetings:meeting_answer", args=[soon.pk])
    officer.post(url, {"attending": "yes", "delegate": "", "expected": "pending"})
    invitation = Invitation.objects.get(meeting=soon, department__code="city-hrss")
    assert invitation.answer == Invitation.Answer.PENDING  # a delegate must be named
    officer.post(url, {"attending": "yes", "delegate": "张科长", "expected": "pending"})
    officer.post(
        reverse("meetings:meeting_report", args=[soon.pk]), {"report": "本季度推荐岗位120个"}
    )
    invitation.refresh_from_db()
    assert (invitation.answer, invitation.delegate) == (Invitation.Answer.ATTENDING, "张科长")
    assert invitation.report == "本季度推荐岗位120个"
    Meeting.objects.filter(pk=soon.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    office = cast.client("district")
    units = list(soon.invitations.order_by("pk"))
    office.post(
        reverse("meetings:meeting_attendance", args=[soon.pk]),
        {
            f"a{units[0].pk}": "present",
            f"a{units[1].pk}": "represented",
            f"r{units[1].pk}": "李干事",
            "version": soon.version,
        },
    )
    assert soon.invitations.get(pk=units[1].pk).represented_by == "李干事"
    office.post(
        reverse("meetings:item_create", args=[soon.pk]),
        {
            "department": units[0].department_id,
            "title": "开展技能培训",
            "working_days": 15,
        },
    )
    office.post(
        reverse("meetings:meeting_minutes", args=[soon.pk]),
        {
            "minutes": "会议听取了各单位通报。",
            "chair": "王主任",
            "issue": "1",
            "version": soon.version + 1,
        },
    )
    soon.refresh_from_db()
    assert soon.state == Meeting.State.ISSUED
    late = officer.post(reverse("meetings:meeting_report", args=[soon.pk]), {"report": "补充"})
    assert late.status_code == 302
    assert soon.invitations.get(pk=invitation.pk).report == "本季度推荐岗位120个"  # locked


def test_the_minutes_docx_has_the_official_layout(cast: Any) -> None:
    held = _past(title="2026年第四季度联席会议")
    item = action_item(held.pk, "140403-hrss", title="开展技能培训")
    Invitation.objects.filter(meeting=held, department__code="140403-hrss").update(
        attendance=Invitation.Attendance.PRESENT, delegate="张科长"
    )
    minutes_save(
        actor=cast.district, meeting_id=held.pk, text="听取通报。\n研究部署。", chair="王主任"
    )
    url = reverse("meetings:meeting_document", args=[held.pk, "minutes", "docx"])
    response = cast.client("district").get(url)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "2026年第四季度联席会议纪要"
    assert document.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "主持人：王主任" in texts and "听取通报。" in texts and "研究部署。" in texts
    assert any("张科长" in t and t.startswith("出席单位") for t in texts)
    assert document.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "决定事项", "责任单位", "完成时限"]
    row = [c.text for c in table.rows[1].cells]
    assert row[1:3] == ["开展技能培训", item.department.name]
    assert row[3].startswith(item.due_on.strftime("%Y年%m月%d日"))
    fonts = document.paragraphs[1].runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert AuditEvent.objects.filter(action="meeting.document").count() == 1


def test_the_notice_docx_and_the_pdfs(cast: Any) -> None:
    soon = meeting(title="2027年第一季度联席会议")
    client = cast.client("liaison")
    docx_bytes = client.get(
        reverse("meetings:meeting_document", args=[soon.pk, "notice", "docx"])
    ).content
    texts = [p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs]
    assert texts[1] == "关于召开2027年第一季度联席会议的通知"
    assert any(t.startswith("四、参会单位") and "市人社局" in t for t in texts)
    assert any("各成员单位通报工作情况" in t for t in texts)
    for document in ("notice", "minutes"):
        pdf = client.get(reverse("meetings:meeting_document", args=[soon.pk, document, "pdf"]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = client.get(f"/meetings/{soon.pk}/notice.exe")
    assert bad.status_code == 404


def test_an_item_is_reported_and_supervised(cast: Any) -> None:
    held = _past()
    item = action_item(held.pk, "city-hrss")
    office, officer = cast.client("district"), cast.client("liaison")
    officer.post(reverse("meetings:item_report", args=[item.pk]), {"text": "已摸排三个社区"})
    office.post(reverse("meetings:item_supervise", args=[item.pk]), {"instruction": "月底前完成"})
    officer.post(
        reverse("meetings:item_report", args=[item.pk]), {"text": "已完成全部摸排", "done": "on"}
    )
    item.refresh_from_db()
    assert item.state == ActionItem.State.DONE and item.done_on_time is True and item.supervised
    assert list(item.notes.values_list("kind", flat=True)) == ["progress", "supervised", "done"]
    assert Notification.objects.filter(kind="action_item.supervised").exists()
    page = office.get(reverse("meetings:item_detail", args=[item.pk])).content.decode()
    assert "已完成全部摸排" in page
    assert (
        cast.client("district")
        .post(reverse("meetings:item_report", args=[item.pk]), {"text": "x"})
        .status_code
        == 403
    )


def test_the_home_page_shows_the_next_meeting_and_the_liaisons_lines(cast: Any) -> None:
    soon = meeting()
    home = cast.client("district").get("/").content.decode()
    assert "下次联席会议" in home and soon.starts_at.astimezone().strftime("%Y-") in home
    liaison_home = cast.client("liaison").get("/").content.decode()
    assert "待答复的会议邀请" in liaison_home
    assert reverse("meetings:mine") in liaison_home
    Meeting.objects.all().delete()
    assert "尚未安排" in cast.client("other_district").get("/").content.decode()


def test_the_leader_sees_small_counts_as_below_five(cast: Any) -> None:
    held = _past()
    for _n in range(2):
        action_item(held.pk, "city-hrss")
    for _n in range(6):
        action_item(held.pk, "140403-hrss")
    page = cast.client("leader").get(reverse("meetings:compliance")).content.decode()
    assert "&lt;5" in page and ">2<" not in page
    office = cast.client("district").get(reverse("meetings:compliance")).content.decode()
    assert ">2<" in office and ">8<" in office


def test_without_a_scheduled_meeting_the_cadence_says_when_the_next_is_due(cast: Any) -> None:
    meeting(starts_at=timezone.now() - timedelta(days=70))
    setting_save(
        actor=cast.district,
        area=cast.areas["district"],
        cadence_months=2,
        office_name="",
        contact="民族科 0355-2021234",
    )
    (soon,) = next_meetings(cast.district)
    assert soon.meeting_id is None and soon.cadence_months == 2 and soon.overdue
    home = cast.client("district").get("/").content.decode()
    assert "尚未安排" in home and soon.due.isoformat() in home
    setting_save(
        actor=cast.district,
        area=cast.areas["district"],
        cadence_months=6,
        office_name="",
        contact="",
    )
    (later,) = next_meetings(cast.district)
    assert not later.overdue and later.due > timezone.localdate()


def test_two_officers_writing_the_minutes_at_once_lose_nothing(cast: Any) -> None:
    held = _past(title="2026年第四季度联席会议")
    first, second = cast.client("district"), cast.client("district")
    page = first.get(reverse("meetings:meeting_detail", args=[held.pk])).content.decode()
    assert f'name="version" value="{held.version}"' in page
    url = reverse("meetings:meeting_minutes", args=[held.pk])
    saved = first.post(url, {"minutes": "第一位的纪要", "chair": "", "version": held.version})
    assert saved.status_code == 302
    late = second.post(url, {"minutes": "第二位的纪要", "chair": "", "version": held.version},
                       follow=True)  # fmt: skip
    held.refresh_from_db()
    assert held.minutes == "第一位的纪要" and held.version == 2
    assert "请刷新页面后再操作一次" in late.content.decode()
