"""A case asked for twice with the same key (a double click, a page sent again, an API client
retrying after a lost answer) is opened once: on the file's page, on the hotline console and
through the API's Idempotency-Key; and two at the same moment on real threads, on both
engines."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tongcheng.cases.actions.intake import SUBMISSION_KEPT, CaseInput, case_open_once
from tongcheng.cases.models import Case, CaseSubmission, Channel
from tongcheng.cases.tests.factories import service
from tongcheng.conftest import run_concurrently
from tongcheng.org.models import Area, User
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
KEY = "k3y-of-the-form-0001"


def caller_input(**changes: Any) -> CaseInput:
    fields: dict[str, Any] = {
        "service": service(), "nature": "help", "description": "需要找工作",
        "channel": Channel.HOTLINE, "community": Area.objects.get(code=A),
        "caller_name": "马晓梅", "caller_phone": "13812345678",
    }  # fmt: skip
    return CaseInput(**(fields | changes))


@pytest.mark.django_db
def test_the_same_key_opens_one_case_and_a_failed_first_leaves_it_free(cast: Any) -> None:
    with pytest.raises(ValidationError):
        case_open_once(actor=cast.hotline, data=caller_input(caller_name=" "), key=KEY)
    first = case_open_once(actor=cast.hotline, data=caller_input(), key=KEY)
    again = case_open_once(actor=cast.hotline, data=caller_input(), key=KEY)
    assert not first.repeated and again.repeated and again.case == first.case
    assert Case.objects.count() == 1
    assert again.message() != first.message() and again.case.number in again.message()
    other = case_open_once(actor=cast.district, data=caller_input(), key=KEY)  # another account
    assert not other.repeated and Case.objects.count() == 2
    CaseSubmission.objects.update(created_at=first.case.received_at - SUBMISSION_KEPT)
    later = case_open_once(actor=cast.hotline, data=caller_input(), key=KEY)  # a day on
    assert not later.repeated and Case.objects.count() == 3


@pytest.mark.django_db
def test_a_file_s_form_sent_twice_opens_one_case(cast: Any) -> None:
    person = make_person(A, name="阿依古丽")
    officer = cast.client("community_a")
    url = reverse("cases:case_create", args=[person.pk])
    page = officer.get(url).content.decode()
    assert 'name="submission"' in page
    key = page.split('name="submission" value="', 1)[1].split('"', 1)[0]
    form = {"service": service().pk, "nature": "help", "urgency": "normal",
            "description": "需要找工作", "submission": key}  # fmt: skip
    assert officer.post(url, form).status_code == 302
    again = officer.post(url, form, follow=True)
    case = Case.objects.get(person=person)
    assert again.redirect_chain[-1][0] == reverse("cases:case_detail", args=[case.pk])
    assert case.number in again.content.decode()
    assert Case.objects.filter(person=person).count() == 1
    other = officer.get(url).content.decode()  # a new form: a new key
    assert key not in other


@pytest.mark.django_db
def test_the_console_s_form_sent_twice_opens_one_case(cast: Any) -> None:
    operator = cast.client("hotline")
    form = {
        "caller_name": "阿依古丽", "caller_phone": "13912345678", "community": A,
        "service": service().pk, "nature": "help", "urgency": "normal", "interpreter": "",
        "description": "想找一份餐饮工作", "then": "open", "submission": KEY,
    }  # fmt: skip
    first = operator.post("/hotline/console/intake/", form)
    assert first.status_code == 302, first.content
    again = operator.post("/hotline/console/intake/", form)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_api_honours_an_idempotency_key(cast: Any) -> None:
    client = cast.client("hotline")
    body = json.dumps({
        "community": A, "caller_name": "马晓梅", "caller_phone": "13812345678",
        "service": "job-seeking", "nature": "help", "channel": "hotline",
        "description": "需要找工作",
    }, ensure_ascii=False)  # fmt: skip

    def send(key: str) -> Any:
        return client.post("/api/v1/cases", body, content_type="application/json",
                           headers={"Idempotency-Key": key})  # fmt: skip

    first = send(KEY)
    assert first.status_code == 201, first.content
    again = send(KEY)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and Case.objects.count() == 1
    bad = send("no spaces")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Case.objects.count() == 1
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_two_submissions_at_once_open_one_case(committed_cast: Any) -> None:
    service()
    hotline = User.objects.get(username="hotline")

    def submit(_index: int) -> tuple[int, bool]:
        opened = case_open_once(actor=hotline, data=caller_input(), key="race-key-0001")
        return opened.case.pk, opened.repeated

    answers = run_concurrently(submit, 4)
    assert all(isinstance(answer, tuple) for answer in answers), answers
    cases = {answer[0] for answer in answers}  # type: ignore[index]
    assert len(cases) == 1 and Case.objects.count() == 1
    assert sorted(answer[1] for answer in answers) == [False, True, True, True]  # type: ignore[index]
