"""What the phone platform sends: tickets (each opens one case) and call events (the console's
screen pop). Called by the webhook (api.py) once the signature holds.

A ticket delivered twice, even twice at once, opens one case: the ticket row is unique per
platform and ticket id, and it is written in the same transaction as the case, so the second
delivery's transaction fails on the constraint, leaves nothing, and answers with the first's case.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongcheng.audit.services import Actor, audit_record
from tongcheng.cases.actions.intake import CaseInput, case_open
from tongcheng.cases.models import Case, Channel
from tongcheng.hotline.actions.outbox import outbox_queue
from tongcheng.hotline.identifiers import call_phone_columns, secret_enc
from tongcheng.hotline.models import Call, Platform, Ticket
from tongcheng.org.models import User


@dataclass(frozen=True)
class Taken:
    case: Case
    duplicate: bool


def ticket_receive(*, platform: Platform, ticket_id: str, data: CaseInput) -> Taken:
    """Open the ticket's case, once per ticket id (ValidationError for a field the case
    refuses)."""
    try:
        return _open(platform, ticket_id, data)
    except IntegrityError:
        # Another delivery of the ticket won the race; its transaction has committed.
        ticket = Ticket.objects.select_related("case").get(platform=platform, ticket_id=ticket_id)
        return Taken(ticket.case, duplicate=True)


@transaction.atomic
def _open(platform: Platform, ticket_id: str, data: CaseInput) -> Taken:
    known = Ticket.objects.select_related("case").filter(platform=platform, ticket_id=ticket_id)
    if (ticket := known.first()) is not None:
        return Taken(ticket.case, duplicate=True)
    case = case_open(actor=None, data=data)
    with (
        transaction.atomic()
    ):  # a savepoint: the constraint's failure leaves this transaction usable
        ticket = Ticket.objects.create(platform=platform, ticket_id=ticket_id, case=case)
    outbox_queue(case, ticket)
    audit_record(
        actor=Actor.system(f"platform:{platform.code}"),
        action="hotline.ticket",
        object_type="case",
        object_id=case.pk,
        area_code=case.area_code,
        detail={"platform": platform.code, "service": case.service.code},
    )
    return Taken(case, duplicate=False)


CHANNEL = Channel.PLATFORM


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
