"""The KPI summary kept by the moves equals a full recount from the cases, whatever the moves.

Random series of moves on several cases (hypothesis stateful) with a clock that jumps ahead by
working hours and weeks, so signatures and replies come late as well as on time and the cases
spread over several months; after every step the summary must equal `kpi_recount`, and its
rollups (by unit, by service) the recount added up by their keys.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tongcheng.cases.actions import intake
from tongcheng.cases.actions import workflow as moves
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.kpi.counting import (
    kpi_rebuild,
    kpi_recount,
    kpi_rollups,
    kpi_rollups_stored,
    kpi_summary,
)
from tongcheng.cases.kpimodels import (
    NO_UNIT,
    CaseKpi,
    CaseKpiByDistrict,
    CaseKpiByService,
    CaseKpiByUnit,
)
from tongcheng.cases.models import Case, ReturnReason, State
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.cases.workflow import FollowUp
from tongcheng.org.models import Department

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """The moves' clock (their `now`), moved on by the tests."""

    def __init__(self) -> None:
        self.at = datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(moves, "now", fake)
    monkeypatch.setattr(intake, "now", fake)
    return fake


def _totals(rows: dict[Any, Counter[str]]) -> Counter[str]:
    return sum(rows.values(), Counter())


def _is_the_recount() -> bool:
    """The summary equals the recount, and each rollup the recount added up by its key."""
    counted = kpi_recount()
    return kpi_summary() == counted and kpi_rollups_stored() == kpi_rollups(counted)


def test_it_counts_one_case_into_its_months_and_units(cast: Any, clock: Clock) -> None:
    case = open_case(cast.community_a, cast.areas["community_a"])
    lead = Department.objects.get(code="140403-hrss")
    officer = liaison("140403-hrss")
    case = moves.case_dispatch(actor=cast.district, case_id=case.pk,
                               expected_version=case.version, lead=lead)  # fmt: skip
    clock.at += timedelta(days=2)  # past the one working day to sign
    case = moves.case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    clock.at = datetime(2025, 4, 1, 10, 0, tzinfo=SHANGHAI)
    reply = moves.ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已办")
    case = moves.case_reply(actor=officer, case_id=case.pk, expected_version=case.version,
                            data=reply)  # fmt: skip
    case = moves.case_follow_up(actor=cast.hotline, case_id=case.pk,
                                expected_version=case.version, result=FollowUp.BASIC,
                                comment="")  # fmt: skip
    rows = {(r.month.isoformat(), r.unit): r for r in CaseKpi.objects.all()}
    intake_row = rows[("2025-03-01", NO_UNIT)]
    dispatch_row = rows[("2025-03-01", lead.pk)]
    close_row = rows[("2025-04-01", lead.pk)]
    assert (intake_row.received, intake_row.dispatched) == (1, 0)
    assert intake_row.district_code == "140403000000"
    assert (dispatch_row.dispatched, dispatch_row.signed_on_time) == (1, 0)  # signed late
    assert (close_row.closed, close_row.followed_up, close_row.resolved) == (1, 1, 1)
    assert (close_row.basic, close_row.satisfied, close_row.closed_on_time) == (1, 0, 0)
    # 3 March 09:00 → 1 April 10:00: 6 hours, 20 working days of 6.5 hours, 1.5 hours.
    assert close_row.handling_minutes == (6 + 20 * 6.5 + 1.5) * 60
    assert _is_the_recount()
    # The rollups: the unit's two months, the service's March over every unit, the district's.
    by_unit = {r.month.isoformat(): r for r in CaseKpiByUnit.objects.filter(unit=lead.pk)}
    assert (by_unit["2025-03-01"].dispatched, by_unit["2025-04-01"].closed) == (1, 1)
    march = CaseKpiByService.objects.get(month="2025-03-01", service_id=case.service_id)
    assert (march.received, march.dispatched, march.closed) == (1, 1, 0)
    april = CaseKpiByDistrict.objects.get(month="2025-04-01", district_code="140403000000")
    assert (april.received, april.closed, april.basic) == (0, 1, 1)


def test_it_counts_direct_answers_and_unreachable_callers_apart(cast: Any, clock: Clock) -> None:
    direct = open_case(cast.hotline, cast.areas["community_a"], nature="consultation")
    moves.case_close_direct(actor=cast.hotline, case_id=direct.pk,
                            expected_version=direct.version, answer="当场答复")  # fmt: skip
    case = open_case(cast.community_a, cast.areas["community_a"])
    officer = liaison("140403-hrss")
    lead = Department.objects.get(code="140403-hrss")
    case = moves.case_dispatch(actor=cast.district, case_id=case.pk,
                               expected_version=case.version, lead=lead)  # fmt: skip
    case = moves.case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    reply = moves.ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已办")
    case = moves.case_reply(actor=officer, case_id=case.pk, expected_version=case.version,
                            data=reply)  # fmt: skip
    for _ in range(3):
        case = moves.case_follow_up(actor=cast.hotline, case_id=case.pk,
                                    expected_version=case.version,
                                    result=FollowUp.NOT_REACHED, comment="")  # fmt: skip
    totals = _totals(kpi_summary())
    assert totals["direct"] == 1 and totals["received"] == 2
    assert totals["closed"] == 1 and totals["unreachable"] == 1
    assert totals["followed_up"] == 0 and totals["resolved"] == 0
    assert totals["signed_on_time"] == 1 and totals["closed_on_time"] == 1


def test_it_rebuilds_a_damaged_summary_from_the_cases(cast: Any, clock: Clock) -> None:
    open_case(cast.community_a, cast.areas["community_a"])
    expected = kpi_recount()
    CaseKpi.objects.update(received=7)
    assert kpi_summary() != expected
    assert kpi_rebuild() == len(expected)
    assert kpi_summary() == expected and _is_the_recount()
    CaseKpi.objects.all().delete()
    call_command("rebuild_case_kpi", verbosity=0)
    assert kpi_summary() == expected and _is_the_recount()
    # A damaged rollup alone is found by the check and repaired by the rebuild.
    CaseKpiByService.objects.update(received=7)
    with pytest.raises(CommandError, match="rollups"):
        call_command("rebuild_case_kpi", check=True, verbosity=0)
    call_command("rebuild_case_kpi", verbosity=0)
    call_command("rebuild_case_kpi", check=True, verbosity=0)
    assert _is_the_recount()


# Long because: the rules of the machine (one per move, and the clock) read together.
def test_no_series_of_moves_makes_the_summary_differ_from_a_recount(
    cast: Any, clock: Clock
) -> None:
    units = {
        "district": Department.objects.get(code="140403-hrss"),
        "city": Department.objects.get(code="city-hrss"),
    }
    # Each move is made by someone who may make it (refusals are the other machine's subject):
    # the unit's own liaison, the district office, the hotline.
    liaisons = {units["district"].pk: liaison("140403-hrss"), units["city"].pk: cast.liaison}
    office, hotline = cast.district, cast.hotline
    communities = [cast.areas["community_a"], cast.areas["community_b"]]

    class KpiMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            for model in (CaseKpi, CaseKpiByUnit, CaseKpiByService, CaseKpiByDistrict):
                model.objects.all().delete()
            Case.objects.all().delete()
            clock.at = datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)
            self.cases: list[int] = []

        def options(self, case: Case, unit: str, outcome: str, result: FollowUp) -> list[Any]:
            """The moves the case's state allows, each with the one who makes it."""
            lead = liaisons.get(case.lead_department_id or 0)
            reply = moves.ReplyInput(outcome=outcome, reply="已办理")
            new_due = (case.handle_due or clock.at).date() + timedelta(days=7)
            return {
                State.RECEIVED: [
                    partial(moves.case_dispatch, actor=office, lead=units[unit]),
                    *([partial(moves.case_close_direct, actor=hotline, answer="当场答复")]
                      if case.nature == "consultation" else []),
                ],
                State.DISPATCHED: [
                    partial(moves.case_sign, actor=lead),
                    partial(moves.case_return, actor=lead, reason=ReturnReason.OTHER,
                            basis="依据"),
                ],
                State.RETURNED: [partial(moves.case_adjudicate, actor=office, lead=units[unit])],
                State.IN_PROGRESS: [
                    partial(moves.case_reply, actor=lead, data=reply),
                    partial(moves.case_request_extension, actor=lead, new_due=new_due,
                            reason="需要时间"),
                    partial(moves.case_decide_extension, actor=office, approve=True, note=""),
                ],
                State.REPLIED: [partial(moves.case_follow_up, actor=hotline, result=result,
                                        comment="意见")],
            }.get(State(case.state), [])  # fmt: skip

        @rule(where=st.integers(0, 1), nature=st.sampled_from(["help", "help", "consultation"]))
        def open(self, where: int, nature: str) -> None:
            if len(self.cases) < 4:  # a few cases, each moved often
                self.cases.append(open_case(hotline, communities[where], nature=nature).pk)

        # Long because: one random step, its arguments drawn together.
        @rule(
            i=st.integers(0, 3), pick=st.integers(0, 2), unit=st.sampled_from(sorted(units)),
            outcome=st.sampled_from(list(Case.Outcome.values)),
            result=st.sampled_from(list(FollowUp)),
            hours=st.sampled_from([0, 1, 3, 8, 30, 24 * 20]),
        )  # fmt: skip
        def advance(
            self, i: int, pick: int, unit: str, outcome: str, result: FollowUp, hours: int
        ) -> None:
            clock.at += timedelta(hours=hours)
            if not self.cases:
                return
            case = Case.objects.get(pk=self.cases[i % len(self.cases)])
            if case.state == State.REOPENED:
                case.state = State.IN_PROGRESS  # the same moves: reply, more time
            offered = self.options(case, unit, outcome, result)
            if not offered:
                return
            # Refused: too late to return, a deadline already past, nothing pending …
            with contextlib.suppress(CaseRefused):
                offered[pick % len(offered)](case_id=case.pk, expected_version=case.version)

        @invariant()
        def summary_is_the_recount(self) -> None:
            assert _is_the_recount()

    run_state_machine_as_test(
        KpiMachine,
        settings=settings(
            max_examples=25, stateful_step_count=60, deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )  # fmt: skip
