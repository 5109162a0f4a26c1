"""The phone platform's webhook: tickets and call events, signed with the platform's secret.

`POST /api/v1/hotline/platforms/{code}/events` takes one JSON event (`TicketEvent` or
`CallEvent`, told apart by `type`). It is not under the API's login or tokens: the platform
signs each request (signing.py: HMAC-SHA256 over the timestamp and the raw body, a 5-minute
window), and nothing the body says is trusted before the signature holds. A bad signature or a
stale timestamp is 401, an unknown platform 404, a body that is not one of the events 400 (the
fields named), and none of them changes anything. A ticket is stored and answered 202 with a
receipt; the task worker opens its case within seconds (actions/platform.py). The body is
parsed once; one query looks up the platform, the ticket and the codes the body names
(`delivery_lookup`), and the operation runs outside the request's transaction: a repeat
delivery costs that query only, a new ticket one statement more. A ticket delivered again
answers with the same receipt (`duplicate: true`): 200 with the case's number once it is open,
202 before. docs/hotline.md has examples.
"""

# No `from __future__ import annotations`: ninja and pydantic read the annotations at runtime.
import json
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from tongcheng.hotline.actions.platform import (
    TicketInput,
    call_event,
    refusal_record,
    ticket_take,
)
from tongcheng.hotline.identifiers import secret_of
from tongcheng.hotline.models import Call, Platform, Ticket
from tongcheng.hotline.selectors import Delivery, delivery_lookup
from tongcheng.hotline.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureRefused, check
from tongcheng.lib.phone import PhoneError, normalize_phone
from tongcheng.lib.textnorm import text_problem
from tongcheng.org.apierrors import declared, error_body

router = Router(tags=["hotline"])

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class TicketEvent(Schema):
    """A ticket the platform took for the service line: it opens a case, once per ticket id."""

    type: Literal["ticket"]
    ticket_id: Code
    caller_name: Annotated[str, Field(min_length=1, max_length=40)]
    caller_phone: Annotated[str, Field(min_length=3, max_length=20)]
    community: Annotated[str, Field(pattern=r"^[0-9]{12}$")]
    service: Annotated[str, Field(min_length=1, max_length=40)]
    nature: Literal["consultation", "help", "complaint", "suggestion", "praise"]
    urgency: Literal["urgent", "normal"] = "normal"
    interpreter: Literal["", "ug", "bo", "mn", "kk", "ky", "ko", "ii", "za", "other"] = ""
    description: Annotated[str, Field(min_length=1, max_length=2000)]
    # The caller agreed to be told by text message (a receipt now, a note when replied).
    text_consent: bool = False


class CallEvent(Schema):
    """A call on the service line: ringing (the console pops the caller's files), answered,
    ended."""

    type: Literal["call"]
    call_id: Code
    phone: Annotated[str, Field(min_length=3, max_length=20)]
    event: Literal["ringing", "answered", "ended"]


Event = Annotated[TicketEvent | CallEvent, Field(discriminator="type")]
EVENT = TypeAdapter(Event)


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The event's JSON schema with its definitions written in place (the document's
    components do not hold them)."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    resolved.get("discriminator", {}).pop("mapping", None)  # its targets were the definitions
    return resolved


class EventOut(Schema):
    """What was done. A ticket: its receipt, and its case's number and state once the case is
    open (202 while it is being opened, `state` "received"; "refused" when it could not be
    opened). A call: its state."""

    accepted: bool
    duplicate: bool = False
    receipt: str | None = None
    case_number: str | None = None
    state: str | None = None


def _refused(status: int, detail: str, errors: list[dict[str, str]] | None = None) -> Any:
    return Status(status, error_body(detail, errors))


def _field_errors(exc: PydanticValidationError) -> list[dict[str, str]]:
    errors = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"] if part not in ("ticket", "call"))
        if str(error["type"]).startswith("union_tag"):
            field = "type"  # neither a ticket nor a call
        field = field or "body"
        message = _("%(field)s: this value is missing or not valid.") % {"field": field}
        errors.append({"field": field, "code": str(error["type"]), "message": message})
    return errors


def _ticket_input(event: TicketEvent, found: Delivery) -> TicketInput | dict[str, str]:
    """The ticket's fields, checked as the case will check them, or the fields at fault (the
    codes were looked up with the platform: `delivery_lookup`)."""
    problems: dict[str, str] = {}
    for name in ("caller_name", "description"):
        problem = text_problem(getattr(event, name), max_length=2000)
        if problem is not None:
            problems[name] = str(problem.message)
    if not event.caller_name.strip():
        problems["caller_name"] = _("Enter the caller's name.")
    if not event.description.strip():
        problems["description"] = _("Describe what the person needs.")  # as the case checks it
    try:
        normalize_phone(event.caller_phone)
    except PhoneError as exc:
        problems["caller_phone"] = str(exc.message)
    if not found.service_known:
        problems["service"] = _("No service of the catalogue has this code.")
    if not found.community_known:
        problems["community"] = _("No community has this code.")
    if problems:
        return problems
    return TicketInput(
        service=event.service,
        community=event.community,
        nature=event.nature,
        description=event.description.strip(),
        caller_name=event.caller_name.strip(),
        caller_phone=event.caller_phone,
        urgency=event.urgency,
        interpreter=event.interpreter,
        text_consent=event.text_consent,
    )


# What `_parsed` gives for a body that is not JSON at all.
UNREADABLE = object()


def _parsed(body: bytes) -> Any:
    """The body as JSON, or UNREADABLE (read once: for the look-up, then for validation)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return UNREADABLE


def _claimed(parsed: Any) -> tuple[str, str, str]:
    """The ticket id, service and community a body names, unchecked ("" where it names none):
    what `delivery_lookup` looks up beside the platform. Nothing is trusted before the
    signature holds and the body is validated. A word the database could not take (a NUL, a
    lone surrogate: neither printable) is looked up as "", so that no request, signed or not,
    fails in the look-up; validation refuses it later."""
    if not isinstance(parsed, dict):
        return "", "", ""
    words = [parsed.get(key) for key in ("ticket_id", "service", "community")]
    ticket_id, service, community = (
        word if isinstance(word, str) and word.isprintable() else "" for word in words
    )
    return ticket_id, service, community


def _as_errors(problems: dict[str, Any]) -> list[dict[str, str]]:
    """One error per field (a field's several messages joined in one sentence)."""
    errors = []
    for field, messages in problems.items():
        words = "；".join(str(m) for m in messages) if isinstance(messages, list) else messages
        errors.append({"field": field, "code": "invalid", "message": f"{field}: {words}"})
    return errors


@router.post(
    "/hotline/platforms/{code}/events",
    auth=None,
    url_name="hotline_platform_event",
    response=declared({200: EventOut, 202: EventOut}, 404),
    summary="Take a ticket or a call event from the public phone platform",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inlined(EVENT.json_schema())}},
        },
        "parameters": [
            {"name": TIMESTAMP_HEADER, "in": "header", "required": True,
             "schema": {"type": "string"}, "description": "Unix seconds of the signing."},
            {"name": SIGNATURE_HEADER, "in": "header", "required": True,
             "schema": {"type": "string"},
             "description": "sha256=<hex HMAC-SHA256 of '<timestamp>.<raw body>'>."},
        ],
    },
)  # fmt: skip
@transaction.non_atomic_requests  # ticket_take is atomic; a repeat delivery only reads
def platform_event(request: HttpRequest, code: str) -> Any:
    parsed = _parsed(request.body)
    found = delivery_lookup(code, *_claimed(parsed))
    if found is None:
        return _refused(404, _("No phone platform has this code."))
    platform = found.platform
    try:
        check(secret_of(platform.secret_enc), request.headers, request.body)
    except SignatureRefused as exc:
        refusal_record(platform=platform, why=str(exc))
        return _refused(
            401, _("The request is not signed with this platform's secret, or too old.")
        )
    try:
        if parsed is UNREADABLE:
            raise ValueError("not JSON")
        event = EVENT.validate_python(parsed)
    except (ValueError, RecursionError, PydanticValidationError) as exc:
        errors = _field_errors(exc) if isinstance(exc, PydanticValidationError) else []
        return _refused(400, _("The body is not a ticket or a call event."), errors)
    if isinstance(event, CallEvent):
        return _call(platform, event)
    # A ticket taken before answers as it did, whatever the catalogue says now.
    ticket = found.ticket
    duplicate = ticket is not None
    if ticket is None:
        data = _ticket_input(event, found)
        if isinstance(data, dict):
            return _refused(400, _("The ticket has errors."), _as_errors(data))
        taken = ticket_take(platform=platform, ticket_id=event.ticket_id, data=data)
        ticket, duplicate = taken.ticket, taken.duplicate
    answer = {"accepted": ticket.state != Ticket.State.REFUSED, "duplicate": duplicate,
              "receipt": ticket.receipt, "state": ticket.case_state or ticket.state,
              "case_number": ticket.case_number}  # fmt: skip
    if ticket.case_number is None:
        return Status(202 if ticket.state == Ticket.State.RECEIVED else 200, answer)
    return answer


def _call(platform: Platform, event: CallEvent) -> Any:
    try:
        call = call_event(platform=platform, call_id=event.call_id, phone=event.phone,
                          state=Call.State(event.event))  # fmt: skip
    except PhoneError as exc:
        return _refused(400, _("The call event has errors."), _as_errors({"phone": exc.message}))
    return {"accepted": True, "state": call.state}
