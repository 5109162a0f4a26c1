"""What the phone platform sends: tickets (each opens one case) and call events (the console's
screen pop). Called by the webhook (api.py) once the signature holds.

A ticket is taken in two steps. The webhook stores it (`ticket_take`: its fields encrypted,
state "received", audited) and answers at once; the task worker's recurring job
`hotline.tickets` (jobs.py, every two seconds) opens the case of every ticket waiting
(`tickets_open` → `ticket_open`). The waiting tickets are the queue: nothing else is written per
ticket, so a burst of the platform's costs one insert and one audit event per ticket and never
waits on a case's deadlines, counts and texts, and a ticket taken is never lost (it commits
with its audit event, and waits until a round opens it).

A ticket delivered twice, even twice at once, is taken once: the ticket row is unique per
platform and ticket id, and the insert does nothing on that conflict (PostgreSQL makes a
concurrent second delivery wait for the first's commit), so the second answers with the
first's ticket. A ticket opened twice (two rounds at once, or a round run again) opens one
case: `ticket_open` locks the ticket and does nothing once it is no longer waiting.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor, audit_record, audited_insert
from tongcheng.cases.actions.intake import CaseInput, case_open
from tongcheng.cases.models import Channel, Language, Nature, Service, Urgency
from tongcheng.hotline.actions.outbox import outbox_queue
from tongcheng.hotline.identifiers import (
    call_phone_columns,
    secret_enc,
    ticket_fields,
    ticket_fields_enc,
)
from tongcheng.hotline.models import Call, Platform, Ticket
from tongcheng.hotline.selectors import TicketReceipt, ticket_receipt
from tongcheng.org.models import Area, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketInput:
    """A ticket's fields as the webhook checked them: codes and words, looked up again when
    its case is opened."""

    service: str
    community: str
    nature: str
    description: str
    caller_name: str
    caller_phone: str
    urgency: str = Urgency.NORMAL.value
    interpreter: str = ""
    text_consent: bool = False


@dataclass(frozen=True)
class Taken:
    ticket: TicketReceipt
    duplicate: bool


def ticket_take(*, platform: Platform, ticket_id: str, data: TicketInput) -> Taken:
    """Store the ticket, with its audit event, for the worker to open its case, once per ticket
    id (the caller looked for the ticket first: `delivery_lookup`). One statement on
    PostgreSQL (`audited_insert`): the webhook runs outside the request's transaction."""
    table = connection.ops.quote_name(Ticket._meta.db_table)
    # Raw SQL rather than the ORM's create: a repeat delivery is no error (ON CONFLICT DO
    # NOTHING, on PostgreSQL and SQLite alike), so it needs no savepoint, and the hot path
    # saves the model's save.
    sql = (
        f"INSERT INTO {table} (platform_id, ticket_id, state, fields_enc, problem, received_at)"  # noqa: S608
        " VALUES (%s, %s, %s, %s, '', %s)"
        " ON CONFLICT (platform_id, ticket_id) DO NOTHING RETURNING id"
    )
    fields_enc = ticket_fields_enc(asdict(data))
    pk = audited_insert(
        sql,
        [platform.pk, ticket_id, Ticket.State.RECEIVED, fields_enc, timezone.now()],
        actor=Actor.system(f"platform:{platform.code}"),
        action="hotline.ticket_received",
        object_type="ticket",
        detail={"platform": platform.code, "service": data.service},
    )
    if pk is None:
        # Another delivery of the ticket was taken meanwhile (PostgreSQL waited for its commit).
        ticket = ticket_receipt(platform, ticket_id)
        assert ticket is not None
        return Taken(ticket, duplicate=True)
    return Taken(TicketReceipt(pk, Ticket.State.RECEIVED), duplicate=False)


# A round of `hotline.tickets` stops after this long (the next round goes on): the job's state
# row, and the log, then hear of it while a large backlog drains.
ROUND_SECONDS = 50.0
BATCH = 200


def tickets_open(*, seconds: float = ROUND_SECONDS) -> str:
    """Open the case of every ticket waiting, oldest first (the recurring job `hotline.tickets`);
    a summary of counts. A ticket that fails with an unexpected error is left waiting for the
    next round (logged by its id), and the ones behind it go on."""
    stop_at = time.monotonic() + seconds
    counts: Counter[str] = Counter()
    after = 0
    while time.monotonic() < stop_at:
        waiting = list(
            Ticket.objects.filter(state=Ticket.State.RECEIVED, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not waiting:
            break
        for pk in waiting:
            after = pk
            try:
                counts[ticket_open(ticket_pk=pk).state] += 1
            except Exception:  # one bad ticket must not hold up the ones behind it
                logger.exception("ticket %s could not be opened; the next round tries again", pk)
                counts["failed"] += 1
            if time.monotonic() >= stop_at:
                break
    return ", ".join(f"{counts[key]} {key}" for key in ("opened", "refused", "failed"))


@transaction.atomic
def ticket_open(*, ticket_pk: int) -> Ticket:
    """Open the case of a ticket taken in; nothing for a ticket already opened or refused."""
    ticket = Ticket.objects.select_for_update().select_related("platform").get(pk=ticket_pk)
    if ticket.state != Ticket.State.RECEIVED:
        return ticket
    data = TicketInput(**ticket_fields(ticket.fields_enc))
    system = Actor.system(f"platform:{ticket.platform.code}")
    try:
        with transaction.atomic():
            case = case_open(actor=None, data=_case_input(data))
    except ValidationError as exc:
        # The catalogue changed between the webhook and the worker (a service withdrawn).
        ticket.state = Ticket.State.REFUSED
        ticket.problem = ", ".join(sorted(exc.message_dict))[:200]
        ticket.fields_enc = ""
        ticket.save(update_fields=["state", "problem", "fields_enc"])
        audit_record(
            actor=system, action="hotline.ticket_refused", object_type="ticket",
            object_id=ticket.pk,
            detail={"platform": ticket.platform.code, "fields": sorted(exc.message_dict)},
        )  # fmt: skip
        return ticket
    ticket.case = case
    ticket.state = Ticket.State.OPENED
    ticket.opened_at = timezone.now()
    ticket.fields_enc = ""  # the case keeps the caller now
    ticket.save(update_fields=["case", "state", "opened_at", "fields_enc"])
    outbox_queue(case, ticket)
    audit_record(
        actor=system,
        action="hotline.ticket",
        object_type="case",
        object_id=case.pk,
        area_code=case.area_code,
        detail={"platform": ticket.platform.code, "service": case.service.code},
    )
    return ticket


def _case_input(data: TicketInput) -> CaseInput:
    service = Service.objects.filter(code=data.service).first()
    community = Area.objects.filter(code=data.community, level=Area.Level.COMMUNITY).first()
    if service is None or community is None:
        found = {"service": service, "community": community}
        gone = _("No longer in the catalogue.")
        raise ValidationError({name: gone for name, got in found.items() if got is None})
    return CaseInput(
        service=service,
        nature=Nature(data.nature),
        description=data.description,
        channel=Channel.PLATFORM,
        community=community,
        caller_name=data.caller_name,
        caller_phone=data.caller_phone,
        urgency=Urgency(data.urgency),
        interpreter=Language(data.interpreter) if data.interpreter else "",
        text_consent=data.text_consent,
    )


@transaction.atomic
def call_event(
    *, platform: Platform, call_id: str, phone: str, state: str, operator: User | None = None
) -> Call:
    """Record a call's event: ringing (a new call), answered, ended (PhoneError for a bad
    number). A later event of a known call moves it on; an event that arrives late changes
    nothing backwards (an "answered" after "ended" is kept as ended)."""
    order = [Call.State.RINGING, Call.State.ANSWERED, Call.State.ENDED]
    columns = call_phone_columns(phone)
    call, created = Call.objects.select_for_update().get_or_create(
        platform=platform,
        call_id=call_id,
        defaults={"state": state, "operator": operator, **columns},
    )
    if not created and order.index(Call.State(state)) > order.index(Call.State(call.state)):
        call.state = state
        call.operator = operator or call.operator
        call.updated_at = timezone.now()
        call.save(update_fields=["state", "operator", "updated_at"])
    audit_record(
        actor=Actor.system(f"platform:{platform.code}"),
        action="hotline.call",
        object_type="call",
        object_id=call.pk,
        detail={"platform": platform.code, "state": state},
    )
    return call


REFUSALS_AUDITED_EVERY = timedelta(minutes=1)


def refusal_record(*, platform: Platform, why: str, now: datetime | None = None) -> bool:
    """Audit a refused webhook request: the first of each minute for each platform and reason,
    so that a flood of forged requests cannot flood the trail (the access log still has a line
    for each). Whether it wrote an event."""
    since = (now or timezone.now()) - REFUSALS_AUDITED_EVERY
    recent = AuditEvent.objects.filter(
        object_type="platform", object_id=str(platform.pk), at__gte=since,
        action="hotline.webhook_refused", reason=why,
    )  # fmt: skip
    if recent.exists():
        return False
    audit_record(
        actor=Actor.system(f"platform:{platform.code}"), action="hotline.webhook_refused",
        object_type="platform", object_id=platform.pk, reason=why, detail={"why": why},
    )  # fmt: skip
    return True


@transaction.atomic
def platform_register(
    *, actor: Actor, code: str, name: str, secret: str, callback_url: str = ""
) -> Platform:
    """Add a phone platform, or give a known one a new secret and callback URL."""
    platform, created = Platform.objects.update_or_create(
        code=code,
        defaults={"name": name, "secret_enc": secret_enc(secret), "callback_url": callback_url},
    )
    audit_record(
        actor=actor,
        action="hotline.platform",
        object_type="platform",
        object_id=platform.pk,
        detail={"created": created, "callback": bool(callback_url)},
    )
    return platform
