"""The follow-up queue, the knowledge base and the public progress page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.actions.workflow import ReplyInput, case_dispatch, case_reply, case_sign
from tongcheng.cases.models import Case, State
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.conftest import run_concurrently
from tongcheng.hotline.demo import _knowledge_base
from tongcheng.hotline.models import Article
from tongcheng.hotline.tracking import public_state
from tongcheng.org.models import Department

pytestmark = pytest.mark.django_db


def _replied(cast: Any) -> Case:
    case = open_case(cast.community_a, cast.areas["community_a"])
    unit = Department.objects.get(code="140403-hrss")
    case = case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=unit
    )
    officer = liaison("140403-hrss")
    case = case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    reply = ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已推荐岗位")
    return case_reply(actor=officer, case_id=case.pk, expected_version=case.version, data=reply)


def test_the_follow_up_queue_lists_replied_cases_of_the_scope(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    case = _replied(cast)
    client = cast.client("hotline")
    client.get("/hotline/follow-ups/")
    # Session, account, memberships; savepoint, the callers to tell a new deadline, count, page,
    # audit event, release.
    with django_assert_max_num_queries(9):
        page = client.get("/hotline/follow-ups/").content.decode()
    assert case.number in page
    assert (
        case.number
        not in cast.client("other_district").get("/hotline/follow-ups/").content.decode()
    )
    assert cast.client("liaison").get("/hotline/follow-ups/").status_code == 403


def test_the_knowledge_base_holds_thirty_entries_and_finds_by_word(cast: Any) -> None:
    from tongcheng.cases.tests.factories import service

    service()
    assert _knowledge_base() == 30
    client = cast.client("liaison")  # every role reads it
    page = client.get("/hotline/knowledge/", {"q": "居住证"}).content.decode()
    assert "居住证办理" in page and "转学手续" not in page
    assert 'class="form-select"' in page  # the service filter, a 44 px control on a phone
    partial = client.get("/hotline/knowledge/", {"q": "入学"}, headers={"HX-Request": "true"})
    assert "子女入学" in partial.content.decode() and "<html" not in partial.content.decode()


def test_only_the_city_office_edits_the_knowledge_base(cast: Any) -> None:
    data = {"title": "新条目", "question": "问题？", "answer": "答复。", "active": "on"}
    assert cast.client("hotline").post("/hotline/knowledge/new/", data).status_code == 403
    assert cast.client("city_admin").post("/hotline/knowledge/new/", data).status_code == 302
    article = Article.objects.get()
    assert article.updated_by is not None
    assert AuditEvent.objects.filter(action="hotline.article_save").count() == 1
    bad = cast.client("city_admin").post(f"/hotline/knowledge/{article.pk}/", data | {"title": ""})
    assert bad.status_code == 400


def test_the_progress_page_shows_state_and_deadline_only(cast: Any) -> None:
    case = _replied(cast)
    client = Client()
    assert client.get("/hotline/track/").status_code == 200
    found = client.post("/hotline/track/", {"number": case.number, "last4": "5678"})
    text = found.content.decode()
    assert found.status_code == 200 and str(public_state(case.state)) in text
    assert "马晓梅" not in text and "已推荐岗位" not in text and "找工作" not in text
    spaced = f" {case.number[:8]} {case.number[8:]} "  # pasted with spaces
    assert client.post("/hotline/track/", {"number": spaced, "last4": "5678"}).status_code == 200
    wrong = client.post("/hotline/track/", {"number": case.number, "last4": "0000"})
    assert wrong.status_code == 404 and str(public_state(case.state)) not in wrong.content.decode()
    assert client.post("/hotline/track/", {"number": "12", "last4": "x"}).status_code == 400
    events = AuditEvent.objects.filter(action="hotline.track")
    assert events.count() == 4
    assert "5678" not in str(list(events.values_list("detail", flat=True)))


@override_settings(TRACK_LIMIT=3)
def test_the_progress_page_limits_look_ups_per_address(cast: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert (
            client.post(
                "/hotline/track/", {"number": "202612030000001", "last4": "1234"}
            ).status_code
            == 404
        )
    assert (
        client.post("/hotline/track/", {"number": "202612030000001", "last4": "1234"}).status_code
        == 429
    )
    assert (
        Client(REMOTE_ADDR="203.0.113.10")
        .post("/hotline/track/", {"number": "202612030000001", "last4": "1234"})
        .status_code
        == 404
    )


def test_the_caller_never_reads_that_units_returned_the_case() -> None:
    assert public_state(State.RETURNED) == public_state(State.IN_PROGRESS)
    assert {str(public_state(state)) for state in State.values} <= {
        "已受理，正在派单", "正在办理", "正在重新办理", "已答复，我们将回访您", "已办结",
    }  # fmt: skip


@override_settings(TRACK_LIMIT=3)
def test_look_ups_sent_at_once_cannot_pass_the_limit_together(committed_cast: Any) -> None:
    def look_up(_index: int) -> int:
        answer = Client(REMOTE_ADDR="203.0.113.11").post(
            "/hotline/track/", {"number": "202612030000001", "last4": "1234"}
        )
        return answer.status_code

    statuses = run_concurrently(look_up, 8)
    assert sorted(statuses) == [404] * 3 + [429] * 5, statuses  # type: ignore[type-var]
    # Every look-up is on the trail, the refused ones too.
    assert AuditEvent.objects.filter(action="hotline.track").count() == 8
