"""Showing a case's contact phone in full (reason, daily allowance, audit) and bulk signing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.workflow import case_dispatch
from tongcheng.cases.models import Case, CaseUnit
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.org.models import Department

pytestmark = pytest.mark.django_db
HRSS = "140403-hrss"


def _dispatched(cast: Any) -> Case:
    case = open_case(cast.community_a, cast.areas["community_a"])
    unit = Department.objects.get(code=HRSS)
    return case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=unit
    )


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_it_shows_the_full_phone_once_for_a_reason_and_audits_it(cast: Any) -> None:
    case = _dispatched(cast)
    officer = _client(liaison(HRSS))
    detail = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "13812345678" not in detail and f"/cases/{case.pk}/reveal/" in detail
    form = officer.get(f"/cases/{case.pk}/reveal/")
    assert form.status_code == 200 and "13812345678" not in form.content.decode()
    refused = officer.post(f"/cases/{case.pk}/reveal/", {"reason": "x"})
    assert refused.status_code == 400 and "13812345678" not in refused.content.decode()
    shown = officer.post(f"/cases/{case.pk}/reveal/", {"reason": "回电核实求职意向"})
    assert shown.status_code == 200 and "13812345678" in shown.content.decode()
    event = AuditEvent.objects.get(action="case.reveal")
    assert event.reason == "回电核实求职意向" and event.object_id == str(case.pk)
    assert "13812345678" not in str(event.detail)


@override_settings(REVEAL_LIMIT_PER_DAY=1)
def test_it_stops_at_the_daily_allowance(cast: Any) -> None:
    case = _dispatched(cast)
    officer = _client(liaison(HRSS))
    assert officer.post(f"/cases/{case.pk}/reveal/", {"reason": "回电核实"}).status_code == 200
    again = officer.post(f"/cases/{case.pk}/reveal/", {"reason": "回电核实"})
    assert again.status_code == 400 and "13812345678" not in again.content.decode()


def test_read_only_roles_and_other_units_cannot_reveal(cast: Any) -> None:
    case = _dispatched(cast)
    assert cast.client("inspector").get(f"/cases/{case.pk}/reveal/").status_code == 403
    other = _client(liaison("140403-edu"))
    assert other.get(f"/cases/{case.pk}/reveal/").status_code == 404


def test_it_signs_the_ticked_cases_and_says_which_were_left(cast: Any) -> None:
    first, second, third = (_dispatched(cast) for _ in range(3))
    officer = liaison(HRSS)
    client = _client(officer)
    inbox = client.get("/cases/inbox/").content.decode()
    assert f'value="{first.pk}:{first.version}"' in inbox
    stale = f"{third.pk}:{third.version - 1}"  # seen before a change
    ticked = [f"{first.pk}:{first.version}", f"{second.pk}:{second.version}", stale, "junk", "9:x"]
    answer = client.post("/cases/inbox/sign/", {"case": ticked}, follow=True)
    assert answer.status_code == 200
    states = dict(CaseUnit.objects.filter(is_lead=True).values_list("case_id", "state"))
    assert states[first.pk] == states[second.pk] == "signed" and states[third.pk] == "waiting"
    text = answer.content.decode()
    assert first.number in text and third.number in text


def test_bulk_signing_is_the_liaisons_and_post_only(cast: Any) -> None:
    case = _dispatched(cast)
    assert (
        cast.client("district")
        .post("/cases/inbox/sign/", {"case": f"{case.pk}:{case.version}"})
        .status_code
        == 403
    )
    assert _client(liaison(HRSS)).get("/cases/inbox/sign/").status_code == 405
    other = _client(liaison("140403-edu"))
    other.post("/cases/inbox/sign/", {"case": f"{case.pk}:{case.version}"})
    assert CaseUnit.objects.get(case=case).state == "waiting"
