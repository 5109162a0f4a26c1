"""Random sequences of moves (hypothesis stateful): no sequence reaches an impossible state or
loses a history row, whoever tries which move in which order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tongcheng.cases.actions import workflow as moves
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import Case, CaseEvent, CaseUnit, ReturnReason, State
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.cases.workflow import MAX_FOLLOW_UP_ATTEMPTS, MAX_REOPENINGS, FollowUp
from tongcheng.org.models import Department

pytestmark = pytest.mark.django_db


def test_no_sequence_of_moves_breaks_a_case(cast: Any) -> None:
    units = {
        "district": Department.objects.get(code="140403-hrss"),
        "city": Department.objects.get(code="city-hrss"),
    }
    people = {
        "district_unit": liaison("140403-hrss"),
        "city_unit": cast.liaison,
        "district": cast.district,
        "hotline": cast.hotline,
        "community": cast.community_a,
    }

    class CaseMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.case = open_case(cast.community_a, cast.areas["community_a"])
            self.done = 1  # the "open" row

        def attempt(self, move: Any, **kwargs: Any) -> None:
            case = Case.objects.get(pk=self.case.pk)
            try:
                move(case_id=case.pk, expected_version=case.version, **kwargs)
            except CaseRefused:
                return
            self.done += 1

        @rule(who=st.sampled_from(sorted(people)), unit=st.sampled_from(sorted(units)))
        def dispatch(self, who: str, unit: str) -> None:
            self.attempt(moves.case_dispatch, actor=people[who], lead=units[unit])

        @rule(who=st.sampled_from(sorted(people)))
        def sign(self, who: str) -> None:
            self.attempt(moves.case_sign, actor=people[who])

        @rule(who=st.sampled_from(sorted(people)))
        def give_back(self, who: str) -> None:
            self.attempt(
                moves.case_return, actor=people[who], reason=ReturnReason.OTHER, basis="依据"
            )

        @rule(who=st.sampled_from(sorted(people)), unit=st.sampled_from(sorted(units)))
        def adjudicate(self, who: str, unit: str) -> None:
            self.attempt(moves.case_adjudicate, actor=people[who], lead=units[unit])

        @rule(who=st.sampled_from(sorted(people)), outcome=st.sampled_from(["resolved", ""]))
        def reply(self, who: str, outcome: str) -> None:
            data = moves.ReplyInput(outcome=outcome, reply="已办理")
            self.attempt(moves.case_reply, actor=people[who], data=data)

        @rule(who=st.sampled_from(sorted(people)), result=st.sampled_from(list(FollowUp)))
        def follow_up(self, who: str, result: FollowUp) -> None:
            self.attempt(moves.case_follow_up, actor=people[who], result=result, comment="意见")

        @rule(who=st.sampled_from(sorted(people)), days=st.integers(-3, 30))
        def ask_for_time(self, who: str, days: int) -> None:
            case = Case.objects.get(pk=self.case.pk)
            base = case.handle_due.date() if case.handle_due else case.received_at.date()
            self.attempt(
                moves.case_request_extension, actor=people[who],
                new_due=base + timedelta(days=days), reason="需要时间",
            )  # fmt: skip

        @rule(who=st.sampled_from(sorted(people)), approve=st.booleans())
        def decide_time(self, who: str, approve: bool) -> None:
            self.attempt(moves.case_decide_extension, actor=people[who], approve=approve, note="")

        @rule(who=st.sampled_from(sorted(people)))
        def answer_directly(self, who: str) -> None:
            self.attempt(moves.case_close_direct, actor=people[who], answer="当场答复")

        @invariant()
        def nothing_impossible(self) -> None:
            case = Case.objects.get(pk=self.case.pk)
            assert case.state in State.values
            assert CaseEvent.objects.filter(case=case).count() == self.done
            assert case.version == self.done
            leads = CaseUnit.objects.filter(case=case, is_lead=True).active()
            assert leads.count() <= 1
            if case.state in (State.DISPATCHED, State.IN_PROGRESS, State.REOPENED):
                assert leads.count() == 1 and leads.get().department == case.lead_department
            assert (case.state == State.CLOSED) == bool(case.closure)
            assert (case.due_at is None) == (case.state in (State.CLOSED, State.RETURNED))
            assert case.reopened <= MAX_REOPENINGS
            assert case.follow_up_attempts <= MAX_FOLLOW_UP_ATTEMPTS
            if case.lead_locked:
                assert case.returns >= 2

    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=25, stateful_step_count=25, deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )  # fmt: skip
