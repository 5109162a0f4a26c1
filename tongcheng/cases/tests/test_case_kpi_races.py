"""Moves on different cases adding to one KPI row at once lose no addition (both engines; on
PostgreSQL the first row of a month is inserted by two transactions at once)."""

from __future__ import annotations

from typing import Any

import pytest

from tongcheng.cases.actions.workflow import case_dispatch, case_sign
from tongcheng.cases.kpi.counting import kpi_recount, kpi_rollups, kpi_rollups_stored, kpi_summary
from tongcheng.cases.kpimodels import CaseKpi, CaseKpiByUnit
from tongcheng.cases.models import Case
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.conftest import run_concurrently
from tongcheng.org.models import Department, User

THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_on_different_cases_add_to_one_row(committed_cast: Any) -> None:
    cases = [
        open_case(committed_cast.community_a, committed_cast.areas["community_a"])
        for _ in range(THREADS)
    ]
    lead = Department.objects.get(code="140403-hrss")
    district = committed_cast.district.pk

    def dispatch(index: int) -> str:
        case = Case.objects.get(pk=cases[index].pk)
        actor = User.objects.get(pk=district)
        return case_dispatch(
            actor=actor, case_id=case.pk, expected_version=case.version, lead=lead
        ).state

    # No row of the unit exists yet: every thread's upsert may be the one that inserts it.
    assert not CaseKpi.objects.filter(unit=lead.pk).exists()
    assert run_concurrently(dispatch, THREADS) == ["dispatched"] * THREADS
    officer = liaison("140403-hrss").pk

    def sign(index: int) -> str:
        case = Case.objects.get(pk=cases[index].pk)
        actor = User.objects.get(pk=officer)
        return case_sign(actor=actor, case_id=case.pk, expected_version=case.version).state

    assert run_concurrently(sign, THREADS) == ["in_progress"] * THREADS
    row = CaseKpi.objects.get(unit=lead.pk)
    assert (row.dispatched, row.signed_on_time) == (THREADS, THREADS)
    rollup = CaseKpiByUnit.objects.get(unit=lead.pk)
    assert (rollup.dispatched, rollup.signed_on_time) == (THREADS, THREADS)
    counted = kpi_recount()
    assert kpi_summary() == counted and kpi_rollups_stored() == kpi_rollups(counted)
