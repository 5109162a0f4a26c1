"""The meetings' demo: two years of quarterly joint meetings in 潞州区 and 上党区, made through
the real actions (development only: `manage.py seed_meetings`, idempotent).

Each district's office met every quarter of 2025 and 2026; the meeting of December 2026 is
still to come. Each held meeting has its invitations answered, the units' work reports, the
sign-in, the minutes (issued) and its decisions; the items are in every state: done on time,
done late, in progress, open, overdue and chased (the 催办 sweep runs at the end), supervised,
and one of September 2026 whose deadline reaches into 2027 (provisional while 2027 is not
entered). The actions stamp "now"; the seed then puts each answer, report and completion on
the day it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tongcheng.lib.roles import Role
from tongcheng.meetings.actions.items import item_create, item_report, item_supervise
from tongcheng.meetings.actions.meetings import (
    Attendance,
    MeetingInput,
    attendance_record,
    invitation_answer,
    meeting_create,
    meeting_issue,
    minutes_save,
    report_save,
    setting_save,
)
from tongcheng.meetings.actions.sweep import chase_sweep
from tongcheng.meetings.models import ActionItem, ActionNote, Invitation, Meeting
from tongcheng.org.models import Area, Department, Membership, User

DISTRICTS = {"140403000000": "luzhou.office", "140404000000": "shangdang.office"}
UNIT_SUFFIXES = ["ufwd", "ethnic", "edu", "police", "justice", "hrss", "civil", "health"]
CITY_UNITS = ["city-hrss", "city-civil"]
# (month, day) of each quarter's meeting.
QUARTERS = [(3, 20), (6, 18), (9, 17), (12, 18)]
PLACES = {"140403000000": "潞州区委统战部三楼会议室", "140404000000": "上党区政府二楼会议室"}
CHAIRS = {"140403000000": "潞州区委统战部副部长", "140404000000": "上党区民族宗教事务局局长"}
# The decisions of a meeting: (unit suffix, decision, working days).
DECISIONS = [
    ("hrss", "组织少数民族务工人员专场招聘会", 20),
    ("edu", "摸排少数民族流动人口随迁子女入学需求", 15),
    ("civil", "核实特困少数民族流动人员救助申请", 10),
    ("justice", "开展“法律进清真寺”普法宣传", 25),
    ("health", "为少数民族流动人口开展免费健康体检", 30),
]
REPORTS = {
    "hrss": "本季度为少数民族流动人口推荐就业岗位{n}个，开展技能培训2期。",
    "edu": "协调解决随迁子女入学{n}人，落实学杂费减免。",
    "civil": "审核特困救助申请{n}件，发放临时救助金。",
    "justice": "办理法律援助案件{n}件，开展普法宣传3场。",
    "health": "组织健康体检{n}人次，建立健康档案。",
}


@dataclass(frozen=True)
class Seeded:
    meetings: int
    items: int
    chased: int


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def _liaisons() -> dict[int, User]:
    """The demo liaison account of each unit that has one."""
    rows = Membership.objects.filter(role=Role.DEPT_LIAISON, department__isnull=False)
    return {m.department_id: m.user for m in rows.select_related("user") if m.department_id}


@transaction.atomic
def meetings_seed() -> Seeded | None:
    """Seed once (None: the districts have meetings already, or the demo accounts are missing)."""
    if Meeting.objects.filter(area__code__in=list(DISTRICTS)).exists():
        return None
    offices = {code: User.objects.filter(username=name).first() for code, name in DISTRICTS.items()}
    liaisons = _liaisons()
    meetings = items = 0
    for code, office in offices.items():
        if office is None:
            return None
        area = Area.objects.get(code=code)
        contact = f"{area.name}委统战部民族科，电话0355-20{code[4:6]}1234"
        setting_save(actor=office, area=area, cadence_months=3, office_name="", contact=contact)
        wanted = [f"{code[:6]}-{suffix}" for suffix in UNIT_SUFFIXES] + CITY_UNITS
        units = list(Department.objects.filter(code__in=wanted))
        for year in (2025, 2026):
            for quarter, (month, day) in enumerate(QUARTERS, start=1):
                held = _meeting(office, area, units, _at(date(year, month, day)), year, quarter)
                meetings += 1
                if held.starts_at < timezone.now():
                    items += _hold(office, held, liaisons, last=(year, quarter))
                else:
                    _answer(office, held, liaisons, some=True)
    return Seeded(meetings, items, chase_sweep().urged)


def _meeting(
    office: User, area: Area, units: list[Department], starts_at: datetime, year: int, quarter: int
) -> Meeting:
    title = f"{year}年第{'一二三四'[quarter - 1]}季度少数民族流动人口服务管理联席会议"
    data = MeetingInput(
        area=area, title=title, starts_at=starts_at, place=PLACES[area.code],
        chair=CHAIRS[area.code], departments=units,
        agenda=["通报本季度少数民族流动人口服务管理工作情况", "研究部署下季度重点工作"],
    )  # fmt: skip
    held = meeting_create(actor=office, data=data)
    Meeting.objects.filter(pk=held.pk).update(created_at=starts_at - timedelta(days=10))
    return held


def _answer(office: User, held: Meeting, liaisons: dict[int, User], some: bool = False) -> None:
    """The units' answers (all, or for a meeting to come those with a demo liaison), their
    work reports, on the days before the meeting."""
    for invitation in held.invitations.select_related("department"):
        actor = liaisons.get(invitation.department_id)
        if some and actor is None:
            continue
        suffix = invitation.department.code.split("-")[-1]
        declines = suffix == "police" and held.starts_at.month in (3, 9)
        invitation_answer(
            actor=actor or office, invitation_id=invitation.pk, attending=not declines,
            delegate="" if declines else f"{invitation.department.name}分管负责同志",
            reason="与全市治安工作会议时间冲突" if declines else "",
            expected=Invitation.Answer.PENDING,
        )  # fmt: skip
        if suffix in REPORTS:
            text = REPORTS[suffix].format(n=10 + invitation.pk % 37)
            report_save(actor=actor or office, invitation_id=invitation.pk, text=text)
    before = held.starts_at - timedelta(days=3)
    held.invitations.update(answered_at=before, report_at=before)


def _hold(office: User, held: Meeting, liaisons: dict[int, User], last: tuple[int, int]) -> int:
    """A meeting held: answers, sign-in, minutes, decisions in their states, issued."""
    _answer(office, held, liaisons)
    rows = [
        Attendance(
            i.pk,
            Invitation.Attendance.ABSENT if i.answer == Invitation.Answer.DECLINED
            else Invitation.Attendance.REPRESENTED if i.department.code.endswith("-edu")
            else Invitation.Attendance.PRESENT,
            "教育局办公室李干事" if i.department.code.endswith("-edu") else "",
        )
        for i in held.invitations.select_related("department")
    ]  # fmt: skip
    attendance_record(actor=office, meeting_id=held.pk, rows=rows)
    minutes = (
        "会议听取了各成员单位本季度少数民族流动人口服务管理工作情况通报。\n"
        "会议指出，各成员单位要进一步落实“同一城市、同一待遇”要求，"
        "做好就业、入学、救助、法律服务等工作。\n会议研究确定了下列决定事项。"
    )
    minutes_save(actor=office, meeting_id=held.pk, text=minutes, chair=held.chair)
    units = {d.code.split("-")[-1]: d for d in _invited(held)}
    recent = last in ((2026, 2), (2026, 3))
    created = []
    for n, (suffix, title, days) in enumerate(DECISIONS):
        if last == (2026, 3) and n >= 3:
            days = 60 if n == 3 else 75  # due in December; the last reaches into 2027
        created.append(item_create(actor=office, meeting_id=held.pk, department=units[suffix],
                                   title=title, working_days=days))  # fmt: skip
    for n, item in enumerate(created):
        _progress(office, item, liaisons, n, recent)
    meeting_issue(actor=office, meeting_id=held.pk)
    Meeting.objects.filter(pk=held.pk).update(issued_at=held.starts_at + timedelta(days=5))
    return len(created)


def _invited(held: Meeting) -> list[Department]:
    return list(Department.objects.filter(pk__in=held.invitations.values("department_id")))


def _progress(
    office: User, item: ActionItem, liaisons: dict[int, User], n: int, recent: bool
) -> None:
    """An item's course: older meetings' items are done (the fifth late); the last two
    meetings' are done on time, done late, left open (overdue: chased at the end of the seed),
    in progress, or in progress and supervised."""
    actor = liaisons.get(item.department_id) or office
    start = item.meeting.starts_at
    if not recent or n in (0, 1):
        late = n == 4 if not recent else n == 1
        done_day = item.due_on + timedelta(days=4) if late else item.due_on - timedelta(days=2)
        item_report(actor=actor, item_id=item.pk, text="已按要求完成，相关情况已报办公室。",
                    done=True)  # fmt: skip
        done_at = _at(done_day, 16)
        ActionItem.objects.filter(pk=item.pk).update(done_at=done_at, done_on_time=not late)
        ActionNote.objects.filter(item=item).update(at=done_at)
        return
    if n == 4 or (n == 3 and item.due_on < timezone.localdate()):
        item_report(actor=actor, item_id=item.pk, text="已制定工作方案，正在推进。", done=False)
        ActionNote.objects.filter(item=item).update(at=start + timedelta(days=12))
    if n == 4:
        item_supervise(actor=office, item_id=item.pk, instruction="请加快进度，按期报送办理结果。")
