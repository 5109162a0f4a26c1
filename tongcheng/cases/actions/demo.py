"""Demo cases (`manage.py seed_cases`, development only): every state, made by the real moves.

Each case is opened and moved by the demo accounts through the actions, exactly as on the
pages, then moved back in time as a whole (its steps keep their order; its deadlines are
computed again from the moved moments), so that the closed cases spread over two years and the
open ones over the last days, some of them overdue (the sweep then raises their 催办). A few
more fill every section of the dispatch desk (`DESK_ENDINGS`: returned twice, waiting for an
extension's decision, urged, listed for 通报). One hardship certification dispatched today has
the city office's 30-working-day limit: its deadline reaches into 2027, which nobody has
entered, and is shown provisional.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tongcheng.cases.actions import workflow as moves
from tongcheng.cases.actions.intake import CaseInput, case_open
from tongcheng.cases.actions.steps import DEADLINE_FIELDS, refresh_deadlines
from tongcheng.cases.actions.sweep import overdue_sweep
from tongcheng.cases.kpi.counting import kpi_rebuild
from tongcheng.cases.models import (
    Case,
    CaseEvent,
    CaseUnit,
    Channel,
    Extension,
    Nature,
    ReturnReason,
    Service,
    TimeLimit,
    Urgency,
)
from tongcheng.cases.workflow import FollowUp
from tongcheng.org.models import Area, Department, User
from tongcheng.org.workcalendar import current_calendar
from tongcheng.registry.models import Person

# Communities of the demo and the account of each one's centre.
COMMUNITIES = {
    "140403001001": "heping.community",
    "140403001002": "dongguan.community",
    "140403002001": "shangdangmen.community",
    "140404001001": "changan.community",
}
# The member units with a demo liaison: unit key → (district unit with a liaison, its account).
LIAISONS = {
    "hrss": "hrss.liaison",
    "civil": "civil.liaison",
    "edu": "edu.liaison",
    "justice": "justice.liaison",
}
DISTRICT_LIAISONS = {"140403-hrss": "luzhou-hrss.liaison"}
# How the demo cases end, with their weights: most are closed.
ENDINGS = {
    "closed": 60, "direct": 6, "unreachable": 4, "received": 3, "dispatched": 5, "returned": 3,
    "in_progress": 7, "extended": 3, "supervised": 3, "replied": 4, "reopened": 3,
}  # fmt: skip
NEEDS = [
    "想找一份稳定的工作，会开车",
    "孩子今年九月上小学，需要办理入学",
    "房租到期，家里老人生病，生活困难",
    "工地老板拖欠三个月工资",
    "想了解居住证需要哪些材料",
    "申请特困认定，需要开具证明",
    "被辞退后想咨询法律援助",
    "医药费负担重，想申请减免",
]
CALLERS = ["买买提·艾力", "古丽娜尔", "马建华", "扎西", "阿依古丽", "马秀兰", "白永强", "丁海燕"]
CASE_COUNT = 150


@dataclass
class Cast:
    users: dict[str, User]

    def __getitem__(self, username: str) -> User:
        return self.users[username]


def _lead(service: Service, area_code: str) -> tuple[Department, str]:
    """The unit the demo dispatches to (one with a demo liaison) and that liaison."""
    district_code = f"{area_code[:6]}-{service.unit}"
    if district_code in DISTRICT_LIAISONS:
        return Department.objects.get(code=district_code), DISTRICT_LIAISONS[district_code]
    return Department.objects.get(code=f"city-{service.unit}"), LIAISONS[service.unit]


def _office(department: Department) -> str:
    return "city.admin" if department.area.level == Area.Level.CITY else "luzhou.office"


def _step(case: Case, move: Callable[..., Any], **kwargs: Any) -> Case:
    fresh = Case.objects.get(pk=case.pk)
    move(case_id=fresh.pk, expected_version=fresh.version, **kwargs)
    return Case.objects.get(pk=case.pk)


# Long because: one case's walk through every step a demo ending needs, read top to bottom.
def _walk(
    cast: Cast, rng: random.Random, ending: str, community: Area, service: Service | None = None
) -> Case:
    service = service or rng.choice(list(Service.objects.filter(unit__in=LIAISONS)))
    person = (
        Person.objects.filter(area_code=community.code, status=Person.Status.ACTIVE)
        .order_by("?")
        .first()
    )
    by_hotline = rng.random() < 0.5 or ending == "direct"
    opener = cast["city.hotline"] if by_hotline else cast[COMMUNITIES[community.code]]
    natures = [Nature.HELP, Nature.HELP, Nature.COMPLAINT]
    nature = Nature.CONSULTATION if ending == "direct" else rng.choice(natures)
    if ending in DESK_ENDINGS:
        nature = Nature.HELP  # 3 working days to handle: the ages below are chosen for them
    with_file = person is not None and rng.random() < 0.7
    case = case_open(
        actor=opener,
        data=CaseInput(
            service=service, nature=nature, description=rng.choice(NEEDS),
            channel=Channel.HOTLINE if by_hotline else Channel.COMMUNITY, community=community,
            person=person if with_file else None,
            caller_name="" if with_file else rng.choice(CALLERS),
            caller_phone="" if with_file else f"139{rng.randrange(10**8):08d}",
            urgency=Urgency.URGENT
            if rng.random() < 0.1 and ending not in DESK_ENDINGS
            else Urgency.NORMAL,
            interpreter="ug" if rng.random() < 0.1 else "",
        ),
    )  # fmt: skip
    if ending == "received":
        return case
    hotline = cast["city.hotline"]
    if ending == "direct":
        return _step(
            case, moves.case_close_direct, actor=hotline, answer="已当场告知办理流程和材料"
        )
    lead, liaison_name = _lead(service, community.code)
    liaison = cast[liaison_name]
    case = _step(case, moves.case_dispatch, actor=hotline, lead=lead)
    if ending == "dispatched":
        return case
    if ending in ("returned", "returned_twice"):
        case = _step(case, moves.case_return, actor=liaison, reason=ReturnReason.NOT_OUR_DUTY,
                     basis="该事项属县区级事权，按属地原则办理")  # fmt: skip
        if ending == "returned":
            return case
        # Upheld, and returned again: the office now names the lead unit (首接负责制).
        case = _step(case, moves.case_adjudicate, actor=hotline, lead=lead, note="维持原派单")
        return _step(case, moves.case_return, actor=liaison, reason=ReturnReason.OTHER_AREA,
                     basis="当事人户籍及居住地均不在本区")  # fmt: skip
    case = _step(case, moves.case_sign, actor=liaison)
    office = cast[_office(lead)]
    if ending == "extension_asked":
        assert case.handle_due is not None
        later = case.handle_due.date() + timedelta(days=7)
        return _step(case, moves.case_request_extension, actor=liaison, new_due=later,
                     reason="需要与原籍地民政部门核实情况")  # fmt: skip
    if ending == "extended":
        assert case.handle_due is not None
        later = case.handle_due.date() + timedelta(days=10)
        _step(
            case,
            moves.case_request_extension,
            actor=liaison,
            new_due=later,
            reason="需要原籍地协查",
        )
        return _step(case, moves.case_decide_extension, actor=office, approve=True, note="同意")
    if ending == "supervised":
        instruction = "请加快办理并及时反馈"
        return _step(case, moves.case_supervise, actor=office, instruction=instruction)
    if ending in ("in_progress", "urged", "circulated"):
        return case
    reply = moves.ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已联系当事人并办理")
    case = _step(case, moves.case_reply, actor=liaison, data=reply)
    if ending == "replied":
        return case
    if ending == "unreachable":
        for _ in range(3):
            case = _step(case, moves.case_follow_up, actor=hotline, result=FollowUp.NOT_REACHED,
                         comment="")  # fmt: skip
        return case
    if ending == "reopened" or rng.random() < 0.1:
        case = _step(case, moves.case_follow_up, actor=hotline, result=FollowUp.UNSATISFIED,
                     comment="问题没有解决，希望再跟进")  # fmt: skip
        if ending == "reopened":
            return case
        case = _step(case, moves.case_reply, actor=liaison, data=reply)
    result = rng.choice([FollowUp.SATISFIED, FollowUp.SATISFIED, FollowUp.BASIC])
    return _step(case, moves.case_follow_up, actor=hotline, result=result, comment="")


MOMENTS = ("received_at", "dispatched_at", "signed_at", "replied_at", "closed_at",
           "handle_started_at", "urged_at", "reported_at")  # fmt: skip


def back_in_time(case: Case, days: int) -> None:
    """Move the whole case `days` back: its moments, steps, units and extensions."""
    shift = timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(
        **{name: F(name) - shift for name in MOMENTS if getattr(case, name) is not None}
    )
    CaseEvent.objects.filter(case=case).update(at=F("at") - shift)
    CaseUnit.objects.filter(case=case).update(dispatched_at=F("dispatched_at") - shift)
    CaseUnit.objects.filter(case=case, signed_at__isnull=False).update(
        signed_at=F("signed_at") - shift
    )
    CaseUnit.objects.filter(case=case, replied_at__isnull=False).update(
        replied_at=F("replied_at") - shift
    )
    Extension.objects.filter(case=case).update(
        requested_at=F("requested_at") - shift, new_due=F("new_due") - shift
    )
    Extension.objects.filter(case=case, decided_at__isnull=False).update(
        decided_at=F("decided_at") - shift
    )
    fresh = Case.objects.get(pk=case.pk)
    if fresh.extended and fresh.handle_due is not None:
        fresh.handle_due -= shift
    refresh_deadlines(fresh, current_calendar())
    fresh.save(update_fields=list(DEADLINE_FIELDS))
    CaseUnit.objects.filter(case=fresh).active().update(due_at=fresh.handle_due)


@transaction.atomic
def cases_seed(*, count: int = CASE_COUNT) -> int | None:
    """Seed the demo cases once (None: there are cases already)."""
    if Case.objects.exists():
        return None
    names = {*COMMUNITIES.values(), *LIAISONS.values(), *DISTRICT_LIAISONS.values(),
             "city.hotline", "city.admin", "luzhou.office"}  # fmt: skip
    cast = Cast({user.username: user for user in User.objects.filter(username__in=names)})
    rng = random.Random(2013)
    communities = list(Area.objects.filter(code__in=COMMUNITIES))
    endings = [e for e, weight in ENDINGS.items() for _ in range(weight)]
    # One case of every ending first, then as the weights say.
    chosen = list(ENDINGS) + [rng.choice(endings) for _ in range(max(0, count - len(ENDINGS)))]
    for ending in chosen[:count]:
        case = _walk(cast, rng, ending, rng.choice(communities))
        closed = ending in ("closed", "direct", "unreachable")
        back_in_time(case, rng.randrange(10, 720) if closed else rng.randrange(0, 8))
    _desk_cases(cast, rng)
    _provisional_certification(cast)
    overdue_sweep(now=timezone.now())
    # The moves counted every case into this month; moved back in time, they are counted again.
    kpi_rebuild()
    return len(chosen[:count]) + len(DESK_ENDINGS) + 1


# A case for each section of the dispatch desk the weighted endings may leave empty, in 潞州区
# and led by its district unit, so that both the district office's desk and the city office's
# show it: ending → days back in time.
DESK_ENDINGS = {"returned_twice": 1, "extension_asked": 2, "urged": 12, "circulated": 30}


def _desk_cases(cast: Cast, rng: random.Random) -> None:
    """The desk's cases; the one a month old is urged by a sweep three weeks ago (the final
    sweep lists it for 通报), the one twelve days old by the final sweep."""
    community = Area.objects.get(code="140403001001")
    service = Service.objects.filter(unit="hrss").order_by("order", "code").first()
    assert service is not None
    for ending, days in DESK_ENDINGS.items():
        back_in_time(_walk(cast, rng, ending, community, service), days)
    early = timezone.now() - timedelta(days=21)
    overdue_sweep(now=early)
    # The 催办's step happened then, not now.
    CaseEvent.objects.filter(action="urge", case__urged_at__isnull=False).update(at=early)


def _provisional_certification(cast: Cast) -> None:
    """The city office gives 特困认定 30 working days; one dispatched today reaches into 2027."""
    certification = Service.objects.get(code="hardship-certification")
    TimeLimit.objects.get_or_create(
        nature=Nature.HELP, urgency=Urgency.NORMAL, service=certification,
        defaults={"dispatch": "1d", "sign": "1d", "handle": "30d", "follow_up": "1d"},
    )  # fmt: skip
    community = Area.objects.get(code="140403001001")
    case = case_open(
        actor=cast["heping.community"],
        data=CaseInput(
            service=certification, nature=Nature.HELP, description="申请特困认定，需要开具证明",
            channel=Channel.COMMUNITY, community=community, caller_name="马秀兰",
            caller_phone="13912345678",
        ),
    )  # fmt: skip
    lead = Department.objects.get(code="city-civil")
    case = _step(case, moves.case_dispatch, actor=cast["city.hotline"], lead=lead)
    _step(case, moves.case_sign, actor=cast["civil.liaison"])
