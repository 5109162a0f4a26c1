"""REST operations on cases: the list, one case, and opening one; and what the moves share.

Same policy (POLICY "api:case_*"), scope (`Case.objects.visible_to` through `selectors.case_page`
and `access.get_case_for_user`), masking (`identifiers.masked_contact`, exactly as the pages)
and audit as the pages (`case.list` with the ids shown, `case.view`), and the same action for
opening a case (`actions.intake.case_open`, which dispatches at once when a lead unit is sent).

Optimistic locking, as the ledger's API: a case's GET answers its version as a strong ETag;
every move sends it back in If-Match (428 without it, 412 when it is not a version or the case
has moved on since).
"""

# No `from __future__ import annotations`: ninja reads the operations' annotations at runtime.
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.params import functions as params

from tongcheng.audit.services import audit_record
from tongcheng.cases import selectors
from tongcheng.cases.access import get_case_for_user
from tongcheng.cases.actions.intake import CaseInput, case_open_once
from tongcheng.cases.api.schemas import CODE_LIMIT, CaseCreateIn, CaseDetailOut, CasePage
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.identifiers import masked_contact
from tongcheng.cases.models import SUBMISSION_KEY, Case, Extension, Service, State, Urgency
from tongcheng.cases.offers import offered_moves
from tongcheng.cases.routing import departments_for
from tongcheng.cases.workflow import Move
from tongcheng.org.apiauth import write_auth
from tongcheng.org.apierrors import declared
from tongcheng.org.models import Area, Department, User
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.api.common import named, page_query

router = Router()

IF_MATCH_REQUIRED = {"x-if-match": "required"}
# A version as an ETag carries it: digits, no sign, no leading zero, within the column's range.
VERSION = re.compile(r"[1-9][0-9]{0,8}")
# The operation of each move, as the detail's `moves` names it (POST /cases/{pk}/<name>).
MOVE_PATHS = {
    Move.DISPATCH: "dispatch",
    Move.CLOSE_DIRECT: "close-direct",
    Move.SIGN: "sign",
    Move.RETURN: "return",
    Move.REDISPATCH: "adjudicate",
    Move.REPLY: "reply",
    Move.FOLLOW_UP: "follow-up",
    Move.REQUEST_EXTENSION: "extension",
    Move.DECIDE_EXTENSION: "extension/decision",
    Move.SUPERVISE: "supervise",
}
# The fields case_open's rules name, as the page and the API label them.
FIELD_LABELS = {
    "caller_name": gettext_lazy("Caller's name"),
    "caller_phone": gettext_lazy("Caller's phone"),
    "community": gettext_lazy("Community"),
    "service": gettext_lazy("Service"),
    "nature": Case._meta.get_field("nature").verbose_name,
    "urgency": Case._meta.get_field("urgency").verbose_name,
    "channel": Case._meta.get_field("channel").verbose_name,
    "description": gettext_lazy("What the person needs"),
    "person": gettext_lazy("person file"),
    "lead": gettext_lazy("Lead unit"),
    "co": gettext_lazy("Co-handling units"),
}


def responses(ok: dict[int, Any], *codes: int) -> dict[int, Any]:
    """An operation's `response`: its success schemas and every error status it can answer."""
    return declared(ok, *codes)


def caller(request: HttpRequest) -> User:
    """The authenticated account (session or token) the operation acts for."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


def etag(case: Case) -> str:
    return f'"{case.version}"'


def case_version(request: HttpRequest) -> int:
    """The case version sent in If-Match: 428 when missing, 412 when it is not a version."""
    match = request.headers.get("If-Match", "").strip()
    if not match:
        raise HttpError(428, _("Send the case's ETag in an If-Match header."))
    expected = match.removeprefix("W/").strip('"')
    if not VERSION.fullmatch(expected):
        raise HttpError(412, _("The If-Match header is not a version of this case."))
    return int(expected)


def field_error(field: str, message: str, code: str = "invalid") -> dict[str, str]:
    label = FIELD_LABELS.get(field)
    return {"field": field, "code": code, "message": named(label, message) if label else message}


def bad_request(detail: str, errors: list[dict[str, str]]) -> Status[Any]:
    return Status(400, {"detail": detail, "errors": errors})


def resolve_units(
    area_code: str, lead: str | None, co: Sequence[str]
) -> tuple[Department | None, list[Department], list[dict[str, str]]]:
    """The units named by code, among those a case of this community may be sent to
    (routing.departments_for, as the dispatch form offers them), or the errors naming them."""
    codes = [code for code in [lead, *co] if code]
    found = {d.code: d for d in departments_for(area_code).filter(code__in=codes)} if codes else {}
    message = str(forms.ModelChoiceField.default_error_messages["invalid_choice"])
    errors = [field_error("lead", message, "invalid_choice")] if lead and lead not in found else []
    errors += [field_error("co", message, "invalid_choice") for code in co if code not in found]
    return found.get(lead or ""), [found[code] for code in co if code in found], errors


def _ref(thing: Service | Area | Department | None) -> dict[str, str] | None:
    return {"code": thing.code, "name": thing.name} if thing is not None else None


def case_out(case: Case, now: datetime) -> dict[str, Any]:
    """A case as the list shows it (the name as selectors.row_of gives it to the page)."""
    row = selectors.row_of(case, now)
    return {
        "id": case.pk,
        "number": case.number,
        "version": case.version,
        "state": case.state,
        "service": _ref(case.service),
        "community": _ref(case.community),
        "lead_unit": _ref(case.lead_department),
        "name": row.name,
        "received_at": case.received_at,
        "due_at": case.due_at,
        "due_provisional": case.due_provisional,
        "overdue": row.overdue,
        "supervised": case.supervised,
    }


PLAIN = (
    "group", "nature", "urgency", "interpreter", "channel", "description", "lead_locked",
    "returns", "reopened", "outcome", "reply", "satisfaction", "closure", "follow_up_attempts",
    "dispatched_at", "signed_at", "replied_at", "closed_at",
)  # fmt: skip


def detail_out(user: User, case: Case) -> dict[str, Any]:
    """The case as its page shows it: contact masked, units, history, deadlines, the moves."""
    pending = (
        case.extensions.filter(state=Extension.State.PENDING).select_related("department").first()
    )
    _name, phone = masked_contact(case)
    units = case.units.select_related("department").order_by("-is_lead", "pk")
    moves = offered_moves(user, case, extension_pending=pending is not None)
    return {
        **case_out(case, timezone.now()),
        **{name: getattr(case, name) for name in PLAIN},
        "phone_masked": phone,
        "has_file": case.person_id is not None,
        "deadlines": {
            "dispatch": case.dispatch_due,
            "sign": case.sign_due,
            "handle": case.handle_due,
            "follow_up": case.follow_up_due,
            "due_at": case.due_at,
            "provisional": case.due_provisional,
            "extended": case.extended,
        },
        "units": [
            {
                "unit": _ref(unit.department),
                "is_lead": unit.is_lead,
                "state": unit.state,
                "dispatched_at": unit.dispatched_at,
                "signed_at": unit.signed_at,
                "replied_at": unit.replied_at,
                "reply": unit.reply,
            }
            for unit in units
        ],
        "history": [
            {
                "at": event.at,
                "action": event.action,
                "label": str(event.label),  # type: ignore[attr-defined]
                "from_state": event.from_state,
                "to_state": event.to_state,
                "unit": _ref(event.department),
                "actor": str(event.actor) if event.actor is not None else None,
                "reason": event.reason,
                "reason_label": str(event.reason_label),  # type: ignore[attr-defined]
                "text": event.text,
            }
            for event in selectors.history(case)
        ],
        "pending_extension": {
            "unit": _ref(pending.department),
            "new_due": pending.new_due.isoformat(),
            "reason": pending.reason,
            "requested_at": pending.requested_at,
        }
        if pending is not None
        else None,
        "moves": [MOVE_PATHS[move] for move in moves if move in MOVE_PATHS],
    }


def _overdue_query() -> Any:
    return params.Query(False, description="Only open cases past their deadline.")


# The list's state filter (a module-level default: its type is an enum, which ruff cannot see
# is immutable).
STATE_QUERY: Any = params.Query(None, description="Only cases in this state.")


def _code_query(description: str) -> Any:
    return params.Query("", max_length=CODE_LIMIT, description=description)


@router.get(
    "/cases",
    response=responses({200: CasePage}, 422),
    url_name="case_list",
    summary="Cases in the caller's scope, newest first, filtered as the case list page",
    description=(
        "The contact's name as the page shows it (in full for a file, masked for a caller "
        "without one); never a phone. An unknown service or unit code is 422, naming it."
    ),
)
def case_list(
    request: HttpRequest,
    state: State | None = STATE_QUERY,
    service: str = _code_query("Only cases of this service (its code)."),
    department: str = _code_query("Only cases whose lead unit is this member unit (its code)."),
    overdue: bool = _overdue_query(),
    page: int = page_query(),
) -> Any:
    errors = []
    if service and not Service.objects.filter(code=service).exists():
        message = _("No service of the catalogue has this code.")
        errors.append(field_error("service", message, "unknown"))
    if department and not Department.objects.filter(code=department).exists():
        errors.append(
            field_error("department", _("There is no member unit with this code."), "unknown")
        )
    if errors:
        return Status(422, {"detail": _("The request's parameters have errors."), "errors": errors})
    filters = selectors.ListFilters(
        state=state or "", service=service, overdue=overdue, page=page, department=department
    )
    result = selectors.case_page(caller(request), filters)
    audit_record(
        actor=request, action="case.list", object_type="case",
        detail={"page": "api", "ids": [c.pk for c in result.items]},
    )  # fmt: skip
    now = timezone.now()
    return {
        "items": [case_out(case, now) for case in result.items],
        "page": page,
        "has_next": result.has_next,
    }


@router.get(
    "/cases/{pk}",
    response=responses({200: CaseDetailOut}, 404, 422),
    url_name="case_detail",
    summary="One case with its units, history and deadlines (contact masked); the ETag header "
    "is its version",
)
def case_detail(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    user = caller(request)
    case = get_case_for_user(user, pk)
    audit_record(
        actor=request, action="case.view", object_type="case", object_id=case.pk,
        area_code=case.area_code,
    )  # fmt: skip
    response["ETag"] = etag(case)
    return detail_out(user, case)


def _intake(user: User, sent: dict[str, Any]) -> tuple[CaseInput | None, list[dict[str, str]]]:
    """The input of case_open from the body, or the errors of what case_open cannot take."""
    person = get_person_for_user(user, sent["person"], write=True) if "person" in sent else None
    errors = []
    if person is not None:
        # The contact of a case opened from a file is the file's.
        message = _("%(field)s is not used for a case opened from a file.")
        errors += [
            {"field": name, "code": "unused", "message": message % {"field": name}}
            for name in ("community", "caller_name", "caller_phone")
            if name in sent
        ]
    service = Service.objects.filter(code=sent.get("service", "")).first()
    if service is None:
        errors.append(field_error("service", _("No service of the catalogue has this code.")))
    if person is not None:
        area: Area | None = person.community
    else:
        area = Area.objects.filter(code=sent["community"]).first() if "community" in sent else None
    lead: Department | None = None
    co: list[Department] = []
    unit_errors: list[dict[str, str]] = []
    if area is not None:
        # Without a community case_open refuses the case, naming the field.
        lead, co, unit_errors = resolve_units(area.code, sent.get("lead"), sent.get("co", []))
    if co and lead is None and not unit_errors:
        unit_errors = [field_error("lead", _("Send the lead unit with the co-handling units."))]
    if errors or unit_errors:
        return None, errors + unit_errors
    assert service is not None
    return CaseInput(
        service=service, nature=sent.get("nature", ""), description=sent.get("description", ""),
        channel=sent.get("channel", ""), community=None if person is not None else area,
        person=person, caller_name=sent.get("caller_name", ""),
        caller_phone=sent.get("caller_phone", ""), urgency=sent.get("urgency", Urgency.NORMAL),
        interpreter=sent.get("interpreter", ""), lead=lead, co=co,
    ), []  # fmt: skip


def validation_errors(problem: ValidationError) -> list[dict[str, str]]:
    """case_open's refusals, each naming its field."""
    if not hasattr(problem, "error_dict"):
        return [field_error("", message) for message in problem.messages]
    return [
        field_error("" if field == NON_FIELD_ERRORS else field, message)
        for field, messages in problem.message_dict.items()
        for message in messages
    ]


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A key of the client's own (8–64 of A–Z a–z 0–9 _ -): the same key again "
    "from the same account within 24 hours opens nothing new and answers 200 with the case the "
    "first request opened (header Idempotent-Replayed: true). Send it to retry safely after a "
    "lost answer.",
    "schema": {"type": "string", "pattern": SUBMISSION_KEY.pattern},
}


@router.post(
    "/cases",
    response=responses({200: CaseDetailOut, 201: CaseDetailOut}, 404, 409),
    url_name="case_create",
    auth=write_auth("api:case_create"),
    summary="Open a case from a file (person) or for a caller without one; lead (and co) "
    "dispatch it at once",
    description=(
        "The same rules as the pages (actions.intake.case_open): a file of the caller's area, "
        "or a caller's name and the community where they live. Only a dispatcher (the hotline, "
        "the district and city offices) may send `lead`: anyone else gets 409 and nothing is "
        "opened. A file outside the caller's scope is 404. With an Idempotency-Key already "
        "used: 200 and the case it opened."
    ),
    openapi_extra={"parameters": [IDEMPOTENCY_KEY]},
)
def case_create(request: HttpRequest, payload: CaseCreateIn, response: HttpResponse) -> Any:
    user = caller(request)
    key = request.headers.get("Idempotency-Key", "")
    if key and not SUBMISSION_KEY.fullmatch(key):
        message = _("Idempotency-Key: 8 to 64 letters, digits, _ or -.")
        field = {"field": "Idempotency-Key", "code": "invalid", "message": message}
        return bad_request(_("The request's headers have errors."), [field])
    data, errors = _intake(user, payload.model_dump(exclude_none=True))
    if data is None:
        return bad_request(_("The case has errors."), errors)
    try:
        opened = case_open_once(actor=user, data=data, key=key)
    except ValidationError as problem:
        return bad_request(_("The case has errors."), validation_errors(problem))
    except CaseRefused as refused:
        return Status(409, {"detail": refused.message})
    case = get_case_for_user(user, opened.case.pk)
    response["ETag"] = etag(case)
    if opened.repeated:
        response["Idempotent-Replayed"] = "true"
        return Status(200, detail_out(user, case))
    return Status(201, detail_out(user, case))
