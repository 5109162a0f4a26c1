"""Two people acting on one case at once: exactly one move wins, the other is told (both
engines; CI runs this on PostgreSQL, where the race is real)."""

from __future__ import annotations

from typing import Any

import pytest

from tongcheng.cases.actions.workflow import case_dispatch, case_return, case_sign
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import Case, CaseEvent, ReturnReason, State
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.conftest import run_concurrently
from tongcheng.org.models import Department, User


def _dispatched(cast: Any) -> Case:
    case = open_case(cast.community_a, cast.areas["community_a"])
    lead = Department.objects.get(code="140403-hrss")
    return case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=lead
    )


@pytest.mark.django_db(transaction=True)
def test_two_signs_at_once_make_one_signature(committed_cast: Any) -> None:
    case = _dispatched(committed_cast)
    first, second = liaison("140403-hrss", "liaison.a"), liaison("140403-hrss", "liaison.b")
    people = [first.pk, second.pk]

    def sign(index: int) -> str:
        actor = User.objects.get(pk=people[index])
        return case_sign(actor=actor, case_id=case.pk, expected_version=case.version).state

    results = run_concurrently(sign, 2)
    assert sorted(type(r).__name__ for r in results) == ["CaseChanged", "State"]
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
    assert CaseEvent.objects.filter(case=case, action="sign").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_sign_against_a_return_lets_one_win(committed_cast: Any) -> None:
    case = _dispatched(committed_cast)
    first, second = liaison("140403-hrss", "liaison.a"), liaison("140403-hrss", "liaison.b")

    def act(index: int) -> str:
        if index == 0:
            actor = User.objects.get(pk=first.pk)
            return case_sign(actor=actor, case_id=case.pk, expected_version=case.version).state
        actor = User.objects.get(pk=second.pk)
        return case_return(
            actor=actor, case_id=case.pk, expected_version=case.version,
            reason=ReturnReason.NOT_OUR_DUTY, basis="不属本单位职责",
        ).state  # fmt: skip

    results = run_concurrently(act, 2)
    won = [r for r in results if isinstance(r, str)]
    lost = [r for r in results if isinstance(r, CaseRefused)]
    assert len(won) == 1 and len(lost) == 1
    final = Case.objects.get(pk=case.pk)
    assert final.state == won[0]
    assert CaseEvent.objects.filter(case=case, action__in=["sign", "return"]).count() == 1
