"""The platform's webhook: signature, replay window, schema, idempotency, and the outbox back
to the platform (a real local HTTP server plays the platform)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor
from tongcheng.cases.actions.workflow import case_dispatch, case_sign
from tongcheng.cases.models import Case
from tongcheng.cases.tests.factories import liaison, service
from tongcheng.hotline.actions.outbox import outbox_send
from tongcheng.hotline.actions.platform import platform_register
from tongcheng.hotline.models import Call, OutboxMessage, Ticket
from tongcheng.hotline.signing import signed_headers
from tongcheng.org.models import Department

pytestmark = pytest.mark.django_db
SECRET = "s3cret-of-the-platform-0123456789"
URL = "/api/v1/hotline/platforms/12345/events"


def ticket(**changes: Any) -> dict[str, Any]:
    body = {
        "type": "ticket", "ticket_id": "T-2026-0001", "caller_name": "阿依古丽·买买提",
        "caller_phone": "13912345678", "community": "140403001001", "service": "job-seeking",
        "nature": "help", "description": "想找一份餐饮工作",
    }  # fmt: skip
    return body | changes


def post(
    body: Any, *, secret: str = SECRET, now: float | None = None, raw: bytes | None = None
) -> Any:
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in signed_headers(secret, data, now=now).items()
    }
    return Client().post(URL, data, content_type="application/json", **headers)


@pytest.fixture
def platform(cast: Any, http_peer: Any) -> Any:
    service()  # the catalogue
    return platform_register(actor=Actor.system("test"), code="12345", name="12345 热线",
                             secret=SECRET, callback_url=http_peer.url + "/status")  # fmt: skip


def test_it_opens_one_case_per_ticket_however_often_it_comes(platform: Any) -> None:
    first = post(ticket())
    assert first.status_code == 200, first.content
    again = post(ticket())
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["case_number"] == first.json()["case_number"]
    assert Case.objects.count() == 1 and Ticket.objects.count() == 1
    case = Case.objects.get()
    assert case.channel == "platform" and case.state == "received"
    assert "阿依古丽" not in case.caller_name_enc and case.caller_phone_last4 == "5678"


def test_it_refuses_a_bad_signature_and_changes_nothing(platform: Any) -> None:
    answer = post(ticket(), secret="another-secret-entirely-000000")
    assert answer.status_code == 401 and answer.json()["detail"]
    assert not Case.objects.exists()
    assert AuditEvent.objects.filter(action="hotline.webhook_refused").count() == 1


def test_it_refuses_a_replay_outside_the_window(platform: Any) -> None:
    answer = post(ticket(), now=time.time() - 301)
    assert answer.status_code == 401 and not Case.objects.exists()
    assert post(ticket(), now=time.time() + 301).status_code == 401


def test_it_refuses_a_body_changed_after_signing(platform: Any) -> None:
    data = json.dumps(ticket()).encode()
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed_headers(SECRET, data).items()
    }
    tampered = data.replace(b"job-seeking", b"legal-aid")
    answer = Client().post(URL, tampered, content_type="application/json", **headers)
    assert answer.status_code == 401 and not Case.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (ticket(service="no-such-service"), "service"),
        (ticket(community="140403001999"), "community"),
        (ticket(caller_phone="12"), "caller_phone"),
        (ticket(nature="gossip"), "nature"),
        (ticket(description="\u202eevil"), "description"),
        ({"type": "fax"}, "type"),
    ],
)
def test_it_names_the_field_of_a_bad_ticket(platform: Any, body: Any, field: str) -> None:
    answer = post(body)
    assert answer.status_code == 400, answer.content
    assert any(error["field"].startswith(field) for error in answer.json()["errors"]), answer.json()
    assert not Case.objects.exists()


def test_it_refuses_a_body_that_is_not_json(platform: Any) -> None:
    assert post(None, raw=b"\xff{not json").status_code == 400


def test_it_answers_404_for_an_unknown_platform(platform: Any) -> None:
    data = json.dumps(ticket()).encode()
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed_headers(SECRET, data).items()
    }
    answer = Client().post(
        "/api/v1/hotline/platforms/nope/events", data, content_type="application/json", **headers
    )
    assert answer.status_code == 404


def test_it_records_call_events_in_order_whatever_order_they_come(platform: Any) -> None:
    call = {"type": "call", "call_id": "C1", "phone": "13912345678"}
    assert post(call | {"event": "ringing"}).status_code == 200
    assert post(call | {"event": "ended"}).status_code == 200
    assert post(call | {"event": "answered"}).status_code == 200  # late: changes nothing back
    assert Call.objects.get().state == "ended"


def test_it_tells_the_platform_of_each_step_in_order_with_retries(
    platform: Any, http_peer: Any, cast: Any
) -> None:
    post(ticket())
    case = Case.objects.get()
    lead = Department.objects.get(code="140403-hrss")
    case = case_dispatch(
        actor=cast.district, case_id=case.pk, expected_version=case.version, lead=lead
    )
    case_sign(actor=liaison("140403-hrss"), case_id=case.pk, expected_version=case.version)
    assert OutboxMessage.objects.count() == 3  # received, dispatched, in progress
    http_peer.statuses = [503]
    assert outbox_send() == "1 retry, 2 waiting"  # the later two wait for the first
    assert http_peer.received[0]["body"]["state"] == "received"
    OutboxMessage.objects.update(next_attempt_at=OutboxMessage.objects.first().created_at)
    assert outbox_send() == "3 sent"
    states = [r["body"]["state"] for r in http_peer.received]
    assert states == ["received", "received", "dispatched", "in_progress"]
    request = http_peer.received[-1]
    assert request["headers"]["X-Tongcheng-Signature"].startswith("sha256=")
    assert request["body"]["ticket_id"] == "T-2026-0001"


def test_it_refuses_a_signature_that_is_not_ascii_and_a_deeply_nested_body(platform: Any) -> None:
    headers = {"HTTP_X_TONGCHENG_TIMESTAMP": "1", "HTTP_X_TONGCHENG_SIGNATURE": "sha256=\xe9"}
    answer = Client().post(URL, b"{}", content_type="application/json", **headers)
    assert answer.status_code == 401
    assert post(None, raw=b"[" * 100_000).status_code == 400


def test_it_queues_nothing_for_a_platform_without_a_callback(cast: Any) -> None:
    service()
    platform_register(actor=Actor.system("test"), code="12345", name="12345", secret=SECRET)
    assert post(ticket()).status_code == 200
    assert not OutboxMessage.objects.exists()
