"""Status changes of a platform's cases, back to the platform: the outbox and its sending.

`outbox_on_step` (connected to cases' `case_stepped`) writes a message in the move's own
transaction, so the platform hears of every step that happened and of none that did not.
`outbox_send` (a recurring job on the worker) POSTs the messages due, signed like the webhook,
oldest first; a case's later message waits while an earlier one is still pending, so the
platform hears of a case's steps in order. A refused or unreachable callback is tried again with
backoff (1, 2, 4 … minutes, at most an hour) and given up after MAX_ATTEMPTS.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongcheng.cases.models import Case
from tongcheng.hotline.identifiers import secret_of
from tongcheng.hotline.models import OutboxMessage, Ticket
from tongcheng.hotline.signing import signed_headers
from tongcheng.lib.outbound import post_json
from tongcheng.notify.delivery import backoff

MAX_ATTEMPTS = 10
BATCH = 200
TIMEOUT = 5


def status_body(case: Case, ticket: Ticket) -> dict[str, Any]:
    """What the platform is told of a case: its state, deadline and, once replied, the reply."""
    body: dict[str, Any] = {
        "ticket_id": ticket.ticket_id,
        "case_number": case.number,
        "state": case.state,
        "version": case.version,
        "changed_at": timezone.now().isoformat(),
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "due_provisional": case.due_provisional,
    }
    if case.replied_at is not None:
        body |= {"outcome": case.outcome, "reply": case.reply}
    if case.closed_at is not None:
        body |= {"closure": case.closure, "satisfaction": case.satisfaction}
    return body


def outbox_queue(case: Case, ticket: Ticket) -> None:
    """Queue the case's state for its platform (nothing for a platform without a callback)."""
    if not ticket.platform.callback_url:
        return
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                platform_id=ticket.platform_id,
                case=case,
                key=f"case:{case.pk}:v{case.version}",
                body=status_body(case, ticket),
            )
        ],
        ignore_conflicts=True,
    )


def outbox_on_step(sender: object, *, case: Case, **kwargs: object) -> None:
    """A step of a case: queue it for the platform the case came from (if it came from one)."""
    ticket = Ticket.objects.select_related("platform").filter(case=case).first()
    if ticket is not None:
        outbox_queue(case, ticket)


def outbox_send(*, now: datetime | None = None) -> str:
    moment = now or timezone.now()
    due = OutboxMessage.objects.filter(
        state=OutboxMessage.State.PENDING, next_attempt_at__lte=moment
    ).order_by("created_at", "pk")
    counts = {"sent": 0, "retry": 0, "failed": 0, "waiting": 0, "taken": 0}
    for pk in due.values_list("pk", flat=True)[:BATCH]:
        counts[_send_one(pk, moment)] += 1
    return ", ".join(f"{n} {name}" for name, n in counts.items() if n) or "nothing due"


@transaction.atomic
def _send_one(pk: int, now: datetime) -> str:
    message = (
        OutboxMessage.objects.select_for_update(skip_locked=True)
        .select_related("platform")
        .filter(pk=pk, state=OutboxMessage.State.PENDING)
        .first()
    )
    if message is None:
        return "taken"
    earlier = OutboxMessage.objects.filter(
        case_id=message.case_id, state=OutboxMessage.State.PENDING, pk__lt=message.pk
    )
    if earlier.exists():
        return "waiting"
    message.attempts += 1
    problem = _post(message)
    if problem is None:
        message.state, message.sent_at, message.last_error = OutboxMessage.State.SENT, now, ""
        message.save(update_fields=["state", "sent_at", "last_error", "attempts"])
        return "sent"
    message.last_error = problem[:200]
    if message.attempts >= MAX_ATTEMPTS:
        message.state = OutboxMessage.State.FAILED
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    message.save(update_fields=["state", "next_attempt_at", "last_error", "attempts"])
    return "failed" if message.state == OutboxMessage.State.FAILED else "retry"


def _post(message: OutboxMessage) -> str | None:
    """POST the message to its platform's callback URL; None when taken, else why not."""
    platform = message.platform
    if not platform.callback_url:
        return "no callback URL"
    body = json.dumps(message.body, ensure_ascii=False).encode()
    headers = signed_headers(secret_of(platform.secret_enc), body)
    return post_json(platform.callback_url, body, headers, timeout=TIMEOUT)
