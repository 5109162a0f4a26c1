"""The platform's webhook: signature, replay window, schema, idempotency, the task worker's job
that opens the tickets' cases, and the outbox back to the platform (a real local HTTP server
plays the platform)."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor
from tongcheng.audit.tests.test_audit_write_failure import audit_unwritable  # noqa: F401
from tongcheng.cases.actions.workflow import case_dispatch, case_sign
from tongcheng.cases.models import Case, Service
from tongcheng.cases.tests.factories import liaison, service
from tongcheng.hotline.actions.outbox import outbox_send
from tongcheng.hotline.actions.platform import (
    platform_register,
    refusal_record,
    ticket_open,
    tickets_open,
)
from tongcheng.hotline.models import Call, OutboxMessage, Ticket
from tongcheng.hotline.signing import signed_headers
from tongcheng.org.models import Department, RecurringJobState
from tongcheng.org.recurring import recurring_task
from tongcheng.registry.tests.test_import_views import run_worker

pytestmark = pytest.mark.django_db
SECRET = "s3cret-of-the-platform-0123456789"
URL = "/api/v1/hotline/platforms/12345/events"


def open_by_worker() -> None:
    """A round of the recurring job `hotline.tickets` on the real task worker, queued as
    `schedule_jobs` queues it (the other jobs stay out of the way)."""
    queued = recurring_task.enqueue(name="hotline.tickets")
    RecurringJobState.objects.update_or_create(
        name="hotline.tickets", defaults={"queued_id": str(queued.id)}
    )
    run_worker()


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
    assert first.status_code == 202, first.content
    receipt = first.json()["receipt"]
    assert first.json() | {"receipt": ""} == {
        "accepted": True, "duplicate": False, "receipt": "", "case_number": None,
        "state": "received",
    }  # fmt: skip
    again = post(ticket())  # before the worker: the same receipt
    assert again.status_code == 202 and again.json()["duplicate"] is True
    assert again.json()["receipt"] == receipt
    held = Ticket.objects.get()
    assert held.case is None and held.fields_enc
    assert "阿依古丽" not in held.fields_enc and "13912345678" not in held.fields_enc
    open_by_worker()
    late = post(ticket())  # after it: the case
    assert late.status_code == 200 and late.json()["duplicate"] is True
    assert late.json()["receipt"] == receipt and late.json()["state"] == "received"
    case = Case.objects.get()
    assert late.json()["case_number"] == case.number
    assert Case.objects.count() == 1 and Ticket.objects.count() == 1
    assert case.channel == "platform" and case.state == "received"
    assert "阿依古丽" not in case.caller_name_enc and case.caller_phone_last4 == "5678"
    held.refresh_from_db()
    assert held.case == case and held.state == "opened" and held.fields_enc == ""
    actions = AuditEvent.objects.values_list("action", flat=True)
    assert sorted(a for a in actions if a.startswith("hotline.ticket")) == [
        "hotline.ticket", "hotline.ticket_received",
    ]  # fmt: skip


def test_a_delivery_costs_one_query_and_a_new_ticket_one_write_more(platform: Any) -> None:
    """The webhook's hot path: no request transaction, one lookup (the platform, the ticket and
    the codes together), then the ticket and its audit event."""
    match = resolve(URL)
    assert match.func._non_atomic_requests == {"default"}  # type: ignore[attr-defined]
    assert not hasattr(resolve("/api/v1/cases").func, "_non_atomic_requests")
    with CaptureQueriesContext(connection) as new:
        assert post(ticket()).status_code == 202
    with CaptureQueriesContext(connection) as repeat:
        assert post(ticket()).status_code == 202

    def statements(captured: CaptureQueriesContext) -> list[str]:
        return [q["sql"].split()[0] for q in captured if "SAVEPOINT" not in q["sql"]]

    if connection.vendor == "postgresql":  # the ticket and its audit event in one statement
        assert statements(new) == ["SELECT", "WITH"]
    else:
        assert statements(new) == ["SELECT", "INSERT", "INSERT"]  # lookup, ticket, audit event
    assert statements(repeat) == ["SELECT"]


def test_a_ticket_opened_twice_has_one_case(platform: Any) -> None:
    post(ticket())
    held = Ticket.objects.get()
    ticket_open(ticket_pk=held.pk)
    ticket_open(ticket_pk=held.pk)  # a round run again (a worker stopped before its commit)
    assert Case.objects.count() == 1


def test_a_ticket_whose_service_was_withdrawn_meanwhile_is_refused(platform: Any) -> None:
    post(ticket())
    Service.objects.filter(code="job-seeking").update(active=False)
    assert tickets_open() == "0 opened, 1 refused, 0 failed"
    held = Ticket.objects.get()
    assert held.state == "refused" and held.problem == "service" and held.fields_enc == ""
    assert not Case.objects.exists()
    answer = post(ticket())
    assert answer.status_code == 200
    assert answer.json()["accepted"] is False and answer.json()["state"] == "refused"
    assert AuditEvent.objects.filter(action="hotline.ticket_refused").count() == 1


def test_it_refuses_a_bad_signature_and_changes_nothing(platform: Any) -> None:
    answer = post(ticket(), secret="another-secret-entirely-000000")
    assert answer.status_code == 401 and answer.json()["detail"]
    assert not Case.objects.exists()
    assert AuditEvent.objects.filter(action="hotline.webhook_refused").count() == 1


def test_a_flood_of_refused_requests_is_audited_once_a_minute_per_reason(platform: Any) -> None:
    for _attempt in range(20):
        assert post(ticket(), secret="another-secret-entirely-000000").status_code == 401
    assert post(ticket(), now=time.time() - 301).status_code == 401  # another reason
    refused = AuditEvent.objects.filter(action="hotline.webhook_refused")
    assert sorted(refused.values_list("reason", flat=True)) == [
        "bad signature", "timestamp outside the 5-minute window",
    ]  # fmt: skip
    later = timezone.now() + timedelta(minutes=1, seconds=1)  # a minute later: audited again
    assert refusal_record(platform=platform, why="bad signature", now=later) is True
    assert refused.count() == 3


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
        (ticket(description="  \n "), "description"),  # the case would refuse it later
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


def test_a_ticket_that_cannot_be_opened_holds_up_none_behind_it(platform: Any) -> None:
    post(ticket(ticket_id="T-1"))
    post(ticket(ticket_id="T-2"))
    first = Ticket.objects.get(ticket_id="T-1")
    Ticket.objects.filter(pk=first.pk).update(fields_enc="not what the codec wrote")
    assert tickets_open() == "1 opened, 0 refused, 1 failed"
    assert Ticket.objects.get(ticket_id="T-2").case is not None
    first.refresh_from_db()
    assert first.state == "received"  # the next round tries it again
    assert tickets_open() == "0 opened, 0 refused, 1 failed"


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
    assert tickets_open() == "1 opened, 0 refused, 0 failed"
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


@pytest.mark.parametrize("word", ["T-\u0000", "\ud800"])
@pytest.mark.parametrize("field", ["ticket_id", "service", "community"])
@pytest.mark.parametrize("secret", [SECRET, "a forger's guess"])
def test_a_word_the_database_cannot_take_is_a_4xx_signed_or_not(
    platform: Any, word: str, field: str, secret: str
) -> None:
    """The body's words are looked up before the signature is checked: a NUL (PostgreSQL
    refuses it) or a lone surrogate (not UTF-8) must be a 400 or 401, never a 500."""
    raw = json.dumps(ticket(**{field: word})).encode()  # ASCII escapes, as a platform may send
    answer = post(None, raw=raw, secret=secret)
    assert answer.status_code == (400 if secret == SECRET else 401), answer.content
    assert not Ticket.objects.exists()


def test_it_queues_nothing_for_a_platform_without_a_callback(cast: Any) -> None:
    service()
    platform_register(actor=Actor.system("test"), code="12345", name="12345", secret=SECRET)
    assert post(ticket()).status_code == 202
    assert tickets_open() == "1 opened, 0 refused, 0 failed"
    assert Case.objects.exists() and not OutboxMessage.objects.exists()


def test_a_ticket_whose_audit_event_cannot_be_written_is_not_taken(
    committed_cast: Any, request: pytest.FixtureRequest
) -> None:
    """The ticket and its event are one write (one statement on PostgreSQL, outside any
    transaction as in production): the trail refusing the event leaves no ticket, and the
    platform is answered 503 to send it again."""
    service()
    platform_register(actor=Actor.system("test"), code="12345", name="12345", secret=SECRET)
    request.getfixturevalue("audit_unwritable")
    answer = post(ticket())
    assert answer.status_code == 503
    assert not Ticket.objects.exists()
