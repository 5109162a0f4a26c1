"""Cases in each section of the dispatch desk, made by the real moves (and the real sweep).

The urged and circulated cases are moved a month back in time as a whole (as the demo's are),
then swept; the sweep moves every case whose deadline it finds missed, which none of the others
has.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tongcheng.cases.actions import workflow as moves
from tongcheng.cases.actions.demo import back_in_time
from tongcheng.cases.actions.sweep import overdue_sweep
from tongcheng.cases.models import Case, Extension, ReturnReason
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.org.models import Department

# A district unit (decided by the district office) and a city unit (by the city office).
DISTRICT_UNIT = "140403-hrss"
CITY_UNIT = "city-hrss"


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def received(cast: Any, community: str = "community_a") -> Case:
    return open_case(cast.community_a, cast.areas[community])


def dispatched(cast: Any, unit: str = DISTRICT_UNIT, community: str = "community_a") -> Case:
    case = received(cast, community)
    office = cast.district if community != "other" else cast.city_admin
    return moves.case_dispatch(
        actor=office, case_id=case.pk, expected_version=case.version,
        lead=Department.objects.get(code=unit),
    )  # fmt: skip


def returned(cast: Any, times: int = 1, unit: str = DISTRICT_UNIT) -> Case:
    """Returned `times` times by the same unit (each time upheld before the next)."""
    case = dispatched(cast, unit)
    for turn in range(times):
        if turn:
            case = moves.case_adjudicate(
                actor=cast.district, case_id=case.pk, expected_version=fresh(case).version,
                lead=Department.objects.get(code=unit),
            )  # fmt: skip
        case = moves.case_return(
            actor=liaison(unit), case_id=case.pk, expected_version=fresh(case).version,
            reason=ReturnReason.NOT_OUR_DUTY, basis="不属于本单位职责",
        )  # fmt: skip
    return fresh(case)


def in_progress(cast: Any, unit: str = DISTRICT_UNIT) -> Case:
    case = dispatched(cast, unit)
    return moves.case_sign(actor=liaison(unit), case_id=case.pk, expected_version=case.version)


def asked_for_time(cast: Any, unit: str = DISTRICT_UNIT, days: int = 10) -> Extension:
    case = in_progress(cast, unit)
    assert case.handle_due is not None
    return moves.case_request_extension(
        actor=liaison(unit), case_id=case.pk, expected_version=case.version,
        new_due=case.handle_due.date() + timedelta(days=days), reason="需要原籍地协查",
    )  # fmt: skip


def decide(cast: Any, extension: Extension, approve: bool = True) -> Case:
    office = cast.city_admin if extension.department.code.startswith("city") else cast.district
    return moves.case_decide_extension(
        actor=office, case_id=extension.case_id,
        expected_version=fresh(extension.case).version, approve=approve, note="同意",
    )  # fmt: skip


def supervised(cast: Any, unit: str = DISTRICT_UNIT) -> Case:
    case = in_progress(cast, unit)
    office = cast.city_admin if unit.startswith("city") else cast.district
    return moves.case_supervise(
        actor=office, case_id=case.pk, expected_version=case.version,
        instruction="请三日内办结并反馈",
    )  # fmt: skip


def urged(cast: Any, unit: str = DISTRICT_UNIT) -> Case:
    """Dispatched and signed a month ago, its deadline missed: the sweep raised the 催办
    yesterday."""
    case = in_progress(cast, unit)
    back_in_time(case, 30)
    overdue_sweep(now=timezone.now() - timedelta(days=1))
    return fresh(case)


def circulated(cast: Any, unit: str = DISTRICT_UNIT) -> Case:
    """Dispatched and signed a month ago: urged three weeks ago, listed for 通报 today."""
    case = in_progress(cast, unit)
    back_in_time(case, 30)
    overdue_sweep(now=timezone.now() - timedelta(days=21))
    overdue_sweep(now=timezone.now())
    return fresh(case)
