"""Who hears of a case's steps, and that each event is heard of once."""

from __future__ import annotations

from typing import Any

import pytest

from tongcheng.cases.actions.sweep import SweepResult, overdue_sweep
from tongcheng.cases.actions.workflow import (
    ReplyInput,
    case_dispatch,
    case_follow_up,
    case_reply,
    case_return,
    case_sign,
)
from tongcheng.cases.models import Case, Urgency
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.cases.tests.test_case_sweep import at
from tongcheng.cases.workflow import FollowUp
from tongcheng.notify.models import Notification, TextMessage
from tongcheng.notify.services import preference_save
from tongcheng.org.models import Department

pytestmark = pytest.mark.django_db
HRSS = "140403-hrss"


def _kinds(user: Any) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def _dispatched(cast: Any, **changes: Any) -> Case:
    case = open_case(cast.community_a, cast.areas["community_a"], **changes)
    return case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version,
        lead=Department.objects.get(code=HRSS),
    )  # fmt: skip


def test_it_tells_the_units_liaisons_of_a_dispatch_and_no_one_else(cast: Any) -> None:
    officer = liaison(HRSS)
    other = liaison("140403-edu")
    case = _dispatched(cast)
    assert _kinds(officer) == ["case.dispatched"]
    assert _kinds(other) == [] and _kinds(cast.community_a) == []
    note = Notification.objects.get(user=officer)
    assert note.url == f"/cases/{case.pk}/"
    assert note.params["number"] == case.number
    # Nothing personal: the caller's name and words are not in the notice.
    assert "马晓梅" not in str(note.params) and "找工作" not in str(note.params)


def test_it_texts_an_urgent_dispatch_to_a_liaison_who_gave_a_mobile(cast: Any) -> None:
    officer = liaison(HRSS)
    preference_save(actor=officer, email={}, digest=True, mobile="13900001111")
    _dispatched(cast, urgency=Urgency.URGENT)
    message = TextMessage.objects.get()
    assert message.to_last4 == "1111" and "13900001111" not in message.to_enc
    assert "马晓梅" not in message.text


def test_it_sends_no_text_for_a_normal_dispatch(cast: Any) -> None:
    officer = liaison(HRSS)
    preference_save(actor=officer, email={}, digest=True, mobile="13900001111")
    _dispatched(cast)
    assert not TextMessage.objects.exists()


def test_it_tells_the_district_office_of_a_return_to_adjudicate(cast: Any) -> None:
    officer = liaison(HRSS)
    case = _dispatched(cast)
    case_return(
        actor=officer, case_id=case.pk, expected_version=case.version, reason="not_our_duty",
        basis="不属于本单位职责",
    )  # fmt: skip
    assert "case.returned" in _kinds(cast.district)
    assert "case.returned" not in _kinds(cast.other_district)


def test_it_tells_the_lead_unit_of_a_reopening_and_the_opener_of_the_follow_up(
    cast: Any,
) -> None:
    officer = liaison(HRSS)
    case = _dispatched(cast)
    case = case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    reply = ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已推荐岗位")
    case = case_reply(actor=officer, case_id=case.pk, expected_version=case.version, data=reply)
    assert _kinds(cast.community_a) == ["case.follow_up_due"]
    case_follow_up(
        actor=cast.community_a, case_id=case.pk, expected_version=case.version,
        result=FollowUp.UNSATISFIED, comment="岗位太远",
    )  # fmt: skip
    assert _kinds(officer) == ["case.dispatched", "case.reopened"]


def test_it_announces_a_deadline_once_however_often_the_sweep_runs(cast: Any) -> None:
    officer = liaison(HRSS)
    case = _dispatched(cast)
    Case.objects.filter(pk=case.pk).update(sign_due=at("2026-09-25", "17:30"),
                                           due_at=at("2026-09-25", "17:30"))  # fmt: skip
    assert overdue_sweep(now=at("2026-09-25", "10:00")) == SweepResult(0, 0, due_soon=1)
    assert overdue_sweep(now=at("2026-09-25", "11:00")) == SweepResult(0, 0)
    assert overdue_sweep(now=at("2026-09-25", "18:00")) == SweepResult(0, 0, overdue=1)
    assert overdue_sweep(now=at("2026-09-25", "19:00")) == SweepResult(0, 0)
    assert _kinds(officer) == ["case.dispatched", "case.due_soon", "case.overdue"]
    # A new deadline is a new event: announced again.
    Case.objects.filter(pk=case.pk).update(due_at=at("2026-09-28", "17:30"))
    assert overdue_sweep(now=at("2026-09-28", "16:00")) == SweepResult(0, 0, due_soon=1)
    assert _kinds(officer).count("case.due_soon") == 2


def test_it_texts_a_caller_who_agreed_a_receipt_and_a_reply_note(cast: Any) -> None:
    case = _dispatched(cast, text_consent=True)
    (receipt,) = TextMessage.objects.all()
    assert case.number in receipt.text and receipt.to_last4 == "5678"
    assert "找工作" not in receipt.text and "马晓梅" not in receipt.text
    officer = liaison(HRSS)
    case = case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    reply = ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已推荐岗位")
    case_reply(actor=officer, case_id=case.pk, expected_version=case.version, data=reply)
    assert TextMessage.objects.count() == 2
    assert "已推荐岗位" not in TextMessage.objects.latest("created_at").text


def test_it_texts_no_caller_who_did_not_agree(cast: Any) -> None:
    _dispatched(cast)
    assert not TextMessage.objects.exists()


def test_it_texts_a_file_only_while_its_phone_consent_is_open(cast: Any) -> None:
    from datetime import date

    from tongcheng.registry.models import Consent
    from tongcheng.registry.tests.factories import make_person

    person = make_person("140403001001", phone="13900002222")
    consent = Consent.objects.create(person=person, kind=Consent.Kind.CONTACT_BY_PHONE,
                                     given_on=date(2026, 1, 5))  # fmt: skip
    _dispatched(cast, person=person, caller_name="", caller_phone="", text_consent=False)
    assert TextMessage.objects.get().to_last4 == "2222"
    consent.withdrawn_on = date(2026, 6, 1)
    consent.save()
    _dispatched(cast, person=person, caller_name="", caller_phone="")
    assert TextMessage.objects.count() == 1
