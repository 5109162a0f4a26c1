"""A case through its whole workflow, through the real actions: states, history, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.workflow import (
    ReplyInput,
    case_adjudicate,
    case_close_direct,
    case_decide_extension,
    case_dispatch,
    case_follow_up,
    case_reply,
    case_request_extension,
    case_return,
    case_sign,
    case_supervise,
)
from tongcheng.cases.deadlines import due, end_of_day, limits_for
from tongcheng.cases.errors import CaseChanged, CaseRefused
from tongcheng.cases.models import Case, CaseEvent, CaseUnit, Nature, ReturnReason, State
from tongcheng.cases.routing import default_department
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.cases.workflow import FollowUp
from tongcheng.org.models import Department
from tongcheng.org.workcalendar import current_calendar

pytestmark = pytest.mark.django_db

HRSS = "140403-hrss"


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _dispatched(cast: Any, **changes: Any) -> Case:
    case = open_case(cast.community_a, cast.areas["community_a"], **changes)
    lead = default_department(case.service, case.area_code)
    assert lead is not None
    return case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=lead
    )


def test_it_follows_a_case_from_intake_through_a_reopening_to_closure(cast: Any) -> None:
    case = open_case(cast.community_a, cast.areas["community_a"])
    assert case.state == State.RECEIVED and case.dispatch_due is not None
    assert case.number.endswith(f"{case.pk:07d}")
    lead = default_department(case.service, case.area_code)
    assert lead is not None and lead.code == HRSS  # the district's unit, not the city's
    case = case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=lead
    )
    assert case.state == State.DISPATCHED and case.due_at == case.sign_due
    officer = liaison(HRSS)
    case = case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    assert case.state == State.IN_PROGRESS and case.due_at == case.handle_due
    reply = ReplyInput(outcome=Case.Outcome.PARTLY, reply="已推荐两个岗位")
    case = case_reply(actor=officer, case_id=case.pk, expected_version=case.version, data=reply)
    assert case.state == State.REPLIED and case.due_at == case.follow_up_due
    case = case_follow_up(
        actor=cast.hotline, case_id=case.pk, expected_version=case.version,
        result=FollowUp.UNSATISFIED, comment="岗位太远",
    )  # fmt: skip
    assert case.state == State.REOPENED and case.reopened == 1
    assert CaseUnit.objects.get(case=case, is_lead=True).state == CaseUnit.State.SIGNED
    reply = ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已安排就近岗位")
    case = case_reply(actor=officer, case_id=case.pk, expected_version=case.version, data=reply)
    case = case_follow_up(
        actor=cast.hotline, case_id=case.pk, expected_version=case.version,
        result=FollowUp.SATISFIED, comment="",
    )  # fmt: skip
    assert case.state == State.CLOSED and case.closure == Case.Closure.FOLLOWED_UP
    assert case.due_at is None
    moves = list(CaseEvent.objects.filter(case=case).values_list("action", "to_state"))
    assert moves == [
        ("open", "received"), ("dispatch", "dispatched"), ("sign", "in_progress"),
        ("reply", "replied"), ("follow_up", "reopened"), ("reply", "replied"),
        ("follow_up", "closed"),
    ]  # fmt: skip
    audited = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk))
    assert audited.count() == 7
    assert not audited.filter(detail__icontains="马晓梅").exists()


def test_it_closes_a_second_unsatisfied_case_instead_of_looping(cast: Any) -> None:
    case = _dispatched(cast)
    officer = liaison(HRSS)
    case = case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    for result in (FollowUp.UNSATISFIED, FollowUp.UNSATISFIED):
        reply = ReplyInput(outcome=Case.Outcome.PARTLY, reply="已答复")
        case = case_reply(actor=officer, case_id=case.pk, expected_version=case.version, data=reply)
        case = case_follow_up(
            actor=cast.hotline, case_id=case.pk, expected_version=case.version, result=result,
            comment="仍不满意",
        )  # fmt: skip
    assert case.state == State.CLOSED and case.satisfaction == "unsatisfied"


def test_it_closes_a_case_as_unreachable_after_three_failed_calls(cast: Any) -> None:
    case = _dispatched(cast)
    officer = liaison(HRSS)
    case = case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    reply = ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已办")
    case = case_reply(actor=officer, case_id=case.pk, expected_version=case.version, data=reply)
    for expected in (State.REPLIED, State.REPLIED, State.CLOSED):
        case = case_follow_up(
            actor=cast.hotline, case_id=case.pk, expected_version=case.version,
            result=FollowUp.NOT_REACHED, comment="",
        )  # fmt: skip
        assert case.state == expected
    assert case.closure == Case.Closure.UNREACHABLE and case.follow_up_attempts == 3


def test_it_names_a_lead_unit_after_two_returns(cast: Any) -> None:
    case = _dispatched(cast)
    district_unit = liaison(HRSS)
    case = case_return(
        actor=district_unit, case_id=case.pk, expected_version=case.version,
        reason=ReturnReason.NOT_OUR_DUTY, basis="属市级事权",
    )  # fmt: skip
    assert case.state == State.RETURNED and case.returns == 1
    city = Department.objects.get(code="city-hrss")
    case = case_adjudicate(
        actor=cast.hotline, case_id=case.pk, expected_version=case.version, lead=city
    )
    assert case.state == State.DISPATCHED and case.lead_department == city
    case = case_return(
        actor=cast.liaison, case_id=case.pk, expected_version=case.version,
        reason=ReturnReason.OTHER_AREA, basis="应由区级办理",
    )  # fmt: skip
    assert case.returns == 2
    district = Department.objects.get(code=HRSS)
    with pytest.raises(CaseRefused):  # the operator may no longer decide
        case_adjudicate(
            actor=cast.hotline, case_id=case.pk, expected_version=case.version, lead=district
        )
    case = case_adjudicate(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=district
    )
    assert case.lead_locked
    with pytest.raises(CaseRefused):
        case_return(
            actor=district_unit, case_id=case.pk, expected_version=case.version,
            reason=ReturnReason.NOT_OUR_DUTY, basis="再次退回",
        )  # fmt: skip
    bounces = CaseEvent.objects.filter(case=case, action__in=["return", "redispatch", "uphold"])
    assert list(bounces.values_list("action", flat=True)) == [
        "return", "redispatch", "return", "redispatch"
    ]  # fmt: skip
    assert CaseUnit.objects.filter(case=case).active().get().department == district


def test_it_moves_the_handling_deadline_when_an_extension_is_approved(cast: Any) -> None:
    case = _dispatched(cast)
    officer = liaison(HRSS)
    case = case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    assert case.handle_due is not None
    new_day = case.handle_due.date() + timedelta(days=10)
    case_request_extension(
        actor=officer, case_id=case.pk, expected_version=case.version, new_due=new_day,
        reason="需要外省协查",
    )  # fmt: skip
    case = _fresh(case)
    with pytest.raises(CaseRefused):  # one request at a time
        case_request_extension(
            actor=officer, case_id=case.pk, expected_version=case.version, new_due=new_day,
            reason="再次申请",
        )  # fmt: skip
    with pytest.raises(CaseRefused):  # a unit does not decide its own request
        case_decide_extension(
            actor=officer, case_id=case.pk, expected_version=case.version, approve=True, note=""
        )
    case = case_decide_extension(
        actor=cast.district, case_id=case.pk, expected_version=case.version, approve=True,
        note="同意",
    )  # fmt: skip
    assert case.extended and case.handle_due == end_of_day(current_calendar(), new_day)
    assert CaseUnit.objects.get(case=case, is_lead=True).due_at == case.handle_due


def test_it_lets_only_the_units_liaison_sign(cast: Any) -> None:
    case = _dispatched(cast)
    with pytest.raises(CaseRefused):
        case_sign(actor=cast.liaison, case_id=case.pk, expected_version=case.version)
    with pytest.raises(CaseRefused):
        case_sign(actor=cast.community_a, case_id=case.pk, expected_version=case.version)
    assert _fresh(case).state == State.DISPATCHED


def test_it_refuses_a_move_on_a_version_the_user_did_not_see(cast: Any) -> None:
    case = _dispatched(cast)
    case_supervise(
        actor=cast.district, case_id=case.pk, expected_version=case.version, instruction="加快"
    )
    with pytest.raises(CaseChanged):
        case_sign(actor=liaison(HRSS), case_id=case.pk, expected_version=case.version)


def test_it_lets_co_handling_units_reply_their_part(cast: Any) -> None:
    case = open_case(cast.community_a, cast.areas["community_a"])
    lead = Department.objects.get(code=HRSS)
    co = Department.objects.get(code="140403-civil")
    case = case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=lead, co=[co]
    )
    helper = liaison("140403-civil")
    case = case_sign(actor=helper, case_id=case.pk, expected_version=case.version)
    assert case.state == State.DISPATCHED  # a co-handling unit's signature starts nothing
    reply = ReplyInput(outcome="", reply="已核实困难情况")
    case = case_reply(actor=helper, case_id=case.pk, expected_version=case.version, data=reply)
    assert case.state == State.DISPATCHED
    assert CaseUnit.objects.get(case=case, department=co).state == CaseUnit.State.REPLIED


def test_it_closes_a_consultation_answered_during_the_call(cast: Any) -> None:
    case = open_case(
        cast.hotline, cast.areas["community_a"], nature=Nature.CONSULTATION, channel="hotline"
    )
    case = case_close_direct(
        actor=cast.hotline, case_id=case.pk, expected_version=case.version, answer="告知办理地点"
    )
    assert case.state == State.CLOSED and case.closure == Case.Closure.DIRECT


def test_it_starts_the_deadlines_at_dispatch(cast: Any) -> None:
    case = _dispatched(cast)
    calendar = current_calendar()
    limits = limits_for(nature=case.nature, urgency=case.urgency, service_id=case.service_id)
    assert case.dispatched_at is not None
    assert case.sign_due == due(calendar, case.dispatched_at, limits.sign).at
    assert case.handle_due == due(calendar, case.dispatched_at, limits.handle).at
    assert case.dispatch_due == due(calendar, case.received_at, limits.dispatch).at


def test_it_refuses_a_co_handling_units_move_on_a_closed_case(cast: Any) -> None:
    case = open_case(cast.community_a, cast.areas["community_a"])
    lead = Department.objects.get(code=HRSS)
    co = Department.objects.get(code="140403-civil")
    case = case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=lead, co=[co]
    )
    officer = liaison(HRSS)
    case = case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    reply = ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已办")
    case = case_reply(actor=officer, case_id=case.pk, expected_version=case.version, data=reply)
    case = case_follow_up(
        actor=cast.hotline, case_id=case.pk, expected_version=case.version,
        result=FollowUp.SATISFIED, comment="",
    )  # fmt: skip
    with pytest.raises(CaseRefused):
        case_sign(actor=liaison("140403-civil"), case_id=case.pk, expected_version=case.version)
    assert _fresh(case).version == case.version
