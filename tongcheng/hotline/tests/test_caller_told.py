"""An approved extension: the follow-up queue's task to tell the caller the new deadline, and
the operator's record of the call (told or not reached) in the case's history and the trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.workflow import case_request_extension
from tongcheng.cases.models import Case, CaseEvent, Extension
from tongcheng.cases.tests import deskcases
from tongcheng.cases.tests.factories import liaison
from tongcheng.hotline.panels import todos
from tongcheng.hotline.selectors import callers_to_tell

pytestmark = pytest.mark.django_db
QUEUE = reverse("hotline:follow_up_queue")


def _approved(cast: Any, **changes: Any) -> Extension:
    extension = deskcases.asked_for_time(cast)
    if changes:
        Case.objects.filter(pk=extension.case_id).update(**changes)
    deskcases.decide(cast, extension)
    return Extension.objects.select_related("case").get(pk=extension.pk)


def _told(client: Client, extension: Extension, result: str = "told") -> Any:
    return client.post(reverse("hotline:caller_told", args=[extension.pk]), {"result": result})


def test_it_queues_the_call_once_the_extension_is_approved(cast: Any) -> None:
    asked = deskcases.asked_for_time(cast)
    client = cast.client("hotline")
    assert asked.case.number not in client.get(QUEUE).content.decode()  # still to be decided
    deskcases.decide(cast, asked)
    page = client.get(QUEUE)
    assert list(page.context["tell"]) == [asked]
    body = page.content.decode()
    assert asked.case.number in body and asked.new_due.isoformat() in body
    assert reverse("hotline:caller_told", args=[asked.pk]) in body
    event = AuditEvent.objects.filter(action="hotline.follow_up_queue").latest("id")
    assert event.detail["tell"] == [asked.case_id]
    with translation.override("en"):
        lines = {str(todo.label): todo.count for todo in todos(cast.hotline)}
    assert lines["Callers to tell a new deadline"] == 1


def test_it_queues_nothing_for_a_refusal_or_a_case_without_a_phone(cast: Any) -> None:
    refused = deskcases.asked_for_time(cast)
    deskcases.decide(cast, refused, approve=False)
    # A caller who gave no phone (the factory's caller, without the columns of a phone).
    _approved(cast, caller_phone_enc="", caller_phone_hash="", caller_phone_last4="")
    assert list(callers_to_tell(cast.hotline)) == []


def test_it_records_the_call_in_the_history_and_the_trail(cast: Any) -> None:
    extension = _approved(cast)
    response = _told(cast.client("hotline"), extension)
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}#tell"
    done = Extension.objects.get(pk=extension.pk)
    assert done.caller_told_at is not None and done.caller_reached is True
    assert done.caller_told_by == cast.hotline
    step = CaseEvent.objects.filter(case=extension.case).latest("id")
    assert (step.action, step.text, step.actor) == (
        "caller_told",
        extension.new_due.isoformat(),
        cast.hotline,
    )
    audit = AuditEvent.objects.get(action="case.caller_told")
    assert audit.object_id == str(extension.case_id) and audit.detail["reached"] is True
    assert list(callers_to_tell(cast.hotline)) == []
    history = cast.client("district").get(reverse("cases:case_detail", args=[extension.case_id]))
    assert "已告知来电人新的办理期限" in history.content.decode()


def test_it_records_a_caller_not_reached_once(cast: Any) -> None:
    extension = _approved(cast)
    client = cast.client("community_a")  # the centre calls back too
    assert _told(client, extension, "not_reached").status_code == 302
    assert Extension.objects.get(pk=extension.pk).caller_reached is False
    assert CaseEvent.objects.filter(action="caller_not_reached").count() == 1
    again = _told(cast.client("hotline"), extension)
    assert again.status_code == 409 and "已记录" in again.content.decode()
    assert CaseEvent.objects.filter(action__startswith="caller_").count() == 1


def test_it_refuses_a_post_without_the_result_naming_it(cast: Any) -> None:
    extension = _approved(cast)
    response = _told(cast.client("hotline"), extension, "")
    assert response.status_code == 400 and "告知" in response.content.decode()
    assert Extension.objects.get(pk=extension.pk).caller_told_at is None


def test_it_climbs_the_ladder_of_the_record(cast: Any) -> None:
    extension = _approved(cast)
    url = reverse("hotline:caller_told", args=[extension.pk])
    assert Client().post(url, {"result": "told"}).status_code == 302  # to the login page
    assert Client().post(url, {"result": "told"})["Location"].startswith(reverse("login"))
    for username in ("liaison", "inspector", "leader", "volunteer"):
        assert cast.client(username).post(url, {"result": "told"}).status_code == 403, username
    assert cast.client("other_district").post(url, {"result": "told"}).status_code == 404
    assert cast.client("community_b").post(url, {"result": "told"}).status_code == 404
    assert Extension.objects.get(pk=extension.pk).caller_told_at is None
    # The inspector sees the task on the queue, without the buttons.
    page = cast.client("inspector").get(QUEUE).content.decode()
    assert extension.case.number in page and url not in page


def test_it_asks_only_about_the_latest_approval(cast: Any) -> None:
    first = _approved(cast)
    case = Case.objects.get(pk=first.case_id)
    assert case.handle_due is not None
    second = case_request_extension(
        actor=liaison(deskcases.DISTRICT_UNIT), case_id=case.pk, expected_version=case.version,
        new_due=case.handle_due.date() + timedelta(days=5), reason="仍需协查",
    )  # fmt: skip
    deskcases.decide(cast, second)
    assert list(callers_to_tell(cast.hotline)) == [second]


@pytest.mark.parametrize("n", [1, 3])
def test_it_shows_the_queue_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        _approved(cast)
    client = cast.client("hotline")
    client.get(QUEUE)
    # session, account, memberships (the shell), savepoint, the callers to tell, the
    # follow-ups' count (no page to read: none is replied), the audit event, release.
    with django_assert_num_queries(8):
        response = client.get(QUEUE)
    assert len(response.context["tell"]) == n
