"""The same ticket delivered twice at once is taken once and opens one case (real threads,
both engines; the real task worker opens it)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.models import DBTaskResult

from tongcheng.audit.services import Actor
from tongcheng.cases.models import Case
from tongcheng.cases.tests.factories import service
from tongcheng.conftest import run_concurrently
from tongcheng.hotline.actions.platform import platform_register
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
    open_by_worker()
    assert Case.objects.count() == 1 and Ticket.objects.get().case == Case.objects.get()
