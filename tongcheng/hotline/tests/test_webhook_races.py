"""The same ticket delivered twice at once is taken once, with one audit event, and opens one
case; two rounds of the job at once open each ticket once (real threads, both engines; the real
task worker opens it)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.models import DBTaskResult

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor
from tongcheng.cases.models import Case
from tongcheng.cases.tests.factories import service
from tongcheng.conftest import run_concurrently
from tongcheng.hotline.actions.platform import platform_register, tickets_open
from tongcheng.hotline.models import Ticket
from tongcheng.hotline.tests.test_webhook import SECRET, open_by_worker, post, ticket


def test_two_deliveries_at_once_open_one_case(committed_cast: Any) -> None:
    service()
    platform_register(actor=Actor.system("test"), code="12345", name="12345", secret=SECRET)
    answers = run_concurrently(lambda _index: post(ticket(ticket_id="RACE-1")), 4)
    statuses = [getattr(answer, "status_code", answer) for answer in answers]
    assert statuses == [202] * 4, statuses
    receipts = {answer.json()["receipt"] for answer in answers}  # type: ignore[union-attr]
    assert len(receipts) == 1
    assert sum(not answer.json()["duplicate"] for answer in answers) == 1  # type: ignore[union-attr]
    assert Ticket.objects.count() == 1 and not DBTaskResult.objects.exists()
    assert AuditEvent.objects.filter(action="hotline.ticket_received").count() == 1
    open_by_worker()
    assert Case.objects.count() == 1 and Ticket.objects.get().case == Case.objects.get()


def test_two_rounds_at_once_open_each_ticket_once(committed_cast: Any) -> None:
    """A round outlasting the job's interval overlaps the next one (another task worker)."""
    service()
    platform_register(actor=Actor.system("test"), code="12345", name="12345", secret=SECRET)
    for number in range(5):
        assert post(ticket(ticket_id=f"ROUND-{number}")).status_code == 202
    rounds = run_concurrently(lambda _index: tickets_open(), 2)
    assert all(isinstance(summary, str) for summary in rounds), rounds
    assert Case.objects.count() == 5
    assert AuditEvent.objects.filter(action="hotline.ticket").count() == 5
    assert not Ticket.objects.filter(state=Ticket.State.RECEIVED).exists()
