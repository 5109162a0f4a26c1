"""The phone platform's webhook: tickets and call events, signed with the platform's secret.

`POST /api/v1/hotline/platforms/{code}/events` takes one JSON event (`TicketEvent` or
`CallEvent`, told apart by `type`). It is not under the API's login or tokens: the platform
signs each request (signing.py: HMAC-SHA256 over the timestamp and the raw body, a 5-minute
window), checked before the body is read. A bad signature or a stale timestamp is 401, an
unknown platform 404, a body that is not one of the events 400 (the fields named), and none of
them changes anything. A ticket delivered again answers 200 with the case it opened the first
time (`duplicate: true`). docs/hotline.md has examples.
"""

# No `from __future__ import annotations`: ninja and pydantic read the annotations at runtime.
import json
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from tongcheng.audit.services import Actor, audit_record
from tongcheng.cases.actions.intake import CaseInput
from tongcheng.cases.models import Channel, Language, Nature, Service, Urgency
from tongcheng.hotline.actions.platform import call_event, ticket_receive
from tongcheng.hotline.identifiers import secret_of
from tongcheng.hotline.models import Call, Platform
from tongcheng.hotline.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureRefused, check
from tongcheng.lib.phone import PhoneError
from tongcheng.lib.textnorm import text_problem
from tongcheng.org.apierrors import declared, error_body
from tongcheng.org.models import Area

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
    """What was done: the ticket's case (number and state) or the call's state."""

    accepted: bool
    duplicate: bool = False
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


def _case_input(event: TicketEvent) -> CaseInput | dict[str, str]:
    """The case the ticket asks for, or the fields at fault."""
    problems: dict[str, str] = {}
    for name in ("caller_name", "description"):
        problem = text_problem(getattr(event, name), max_length=2000)
        if problem is not None:
            problems[name] = str(problem.message)
    service = Service.objects.filter(code=event.service, active=True).first()
    if service is None:
        problems["service"] = _("No service of the catalogue has this code.")
    community = Area.objects.filter(code=event.community, level=Area.Level.COMMUNITY).first()
    if community is None:
        problems["community"] = _("No community has this code.")
    if problems or service is None:
        return problems
    return CaseInput(
        service=service,
        nature=Nature(event.nature),
        description=event.description,
        channel=Channel.PLATFORM,
        community=community,
        caller_name=event.caller_name,
        caller_phone=event.caller_phone,
        urgency=Urgency(event.urgency),
        interpreter=Language(event.interpreter) if event.interpreter else "",
        text_consent=event.text_consent,
    )


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
    response=declared({200: EventOut}, 404),
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
def platform_event(request: HttpRequest, code: str) -> Any:
    platform = Platform.objects.filter(code=code, active=True).first()
    if platform is None:
        return _refused(404, _("No phone platform has this code."))
    try:
        check(secret_of(platform.secret_enc), request.headers, request.body)
    except SignatureRefused as exc:
        audit_record(
            actor=Actor.system(f"platform:{platform.code}"), action="hotline.webhook_refused",
            object_type="platform", object_id=platform.pk, detail={"why": str(exc)},
        )  # fmt: skip
        return _refused(
            401, _("The request is not signed with this platform's secret, or too old.")
        )
    try:
        event = EVENT.validate_python(json.loads(request.body))
    except (ValueError, RecursionError, PydanticValidationError) as exc:
        errors = _field_errors(exc) if isinstance(exc, PydanticValidationError) else []
        return _refused(400, _("The body is not a ticket or a call event."), errors)
    if isinstance(event, CallEvent):
        return _call(platform, event)
    data = _case_input(event)
    if isinstance(data, dict):
        return _refused(400, _("The ticket has errors."), _as_errors(data))
    try:
        taken = ticket_receive(platform=platform, ticket_id=event.ticket_id, data=data)
    except DjangoValidationError as exc:
        return _refused(400, _("The ticket has errors."), _as_errors(exc.message_dict))
    return {"accepted": True, "duplicate": taken.duplicate, "case_number": taken.case.number,
            "state": taken.case.state}  # fmt: skip


def _call(platform: Platform, event: CallEvent) -> Any:
    try:
        call = call_event(platform=platform, call_id=event.call_id, phone=event.phone,
                          state=Call.State(event.event))  # fmt: skip
    except PhoneError as exc:
        return _refused(400, _("The call event has errors."), _as_errors({"phone": exc.message}))
    return {"accepted": True, "state": call.state}
