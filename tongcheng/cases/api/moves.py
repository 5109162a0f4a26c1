"""REST operations for the moves of a case: one operation per move, each calling the action the
case page calls (actions.workflow), after the page's own form for that move (offers.form_for)
has validated the body, so the API takes exactly what the page takes.

Every move sends the case's ETag in If-Match (428 without it, 412 when it is not a version). The
action checks it under the row lock: a case that moved on since is 412 with the state it is in
now (CaseChanged); a move the case or the caller does not allow now is 409 with the reason in
words (CaseRefused). Each answers the case's new state and version (also the ETag); the move's
own history row and audit event are the action's.
"""

# No `from __future__ import annotations`: ninja reads the operations' annotations at runtime.
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from tongcheng.cases.access import get_case_for_user
from tongcheng.cases.actions.bymove import case_move_carry
from tongcheng.cases.api.cases import (
    IF_MATCH_REQUIRED,
    bad_request,
    caller,
    case_version,
    etag,
    resolve_units,
    responses,
)
from tongcheng.cases.api.schemas import (
    CloseDirectIn,
    DispatchIn,
    ExtensionDecisionIn,
    ExtensionIn,
    FollowUpIn,
    MovedOut,
    ReplyIn,
    ReturnIn,
    SuperviseIn,
)
from tongcheng.cases.errors import CaseChanged, CaseRefused
from tongcheng.cases.models import Case
from tongcheng.cases.offers import form_for
from tongcheng.cases.workflow import Move
from tongcheng.org.apiauth import write_auth
from tongcheng.registry.api.common import form_errors

router = Router()

# What a move's form receives: the body's values, or (dispatch) computed from the case.
Prepare = Callable[[Case], dict[str, Any] | Status[Any]]


def _moved(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "version": case.version,
        "state": case.state,
        "due_at": case.due_at,
        "due_provisional": case.due_provisional,
    }


def _move(
    request: HttpRequest,
    response: HttpResponse,
    pk: int,
    move: Move,
    sent: dict[str, Any] | Prepare,
    names: dict[str, str] | None = None,
) -> Any:
    """Scope (404/403), If-Match (428/412), the page's form (400), the action (412/409).

    `names`: the API's name of a form field it calls otherwise."""
    user = caller(request)
    case = get_case_for_user(user, pk, write=True)
    expected = case_version(request)
    values = sent(case) if callable(sent) else sent
    if isinstance(values, Status):
        return values
    form = form_for(move, case, {**values, "version": expected})
    if not form.is_valid():
        return bad_request(
            _("Check the move: a field is missing or wrong."), form_errors(form, names or {})
        )
    try:
        case_move_carry(actor=user, case=case, move=move, data=form.cleaned_data)
    except CaseChanged as changed:
        return Status(412, {"detail": changed.message})
    except CaseRefused as refused:
        return Status(409, {"detail": refused.message})
    moved = Case.objects.get(pk=case.pk)
    response["ETag"] = etag(moved)
    return Status(200, _moved(moved))


def _text(payload: Schema) -> dict[str, Any]:
    """The body's values as the page's form receives them (choices by their value)."""
    return {
        name: str(value.value if hasattr(value, "value") else value)
        for name, value in payload.model_dump(exclude_none=True).items()
    }


def _units(payload: DispatchIn) -> Prepare:
    """The dispatch form's input: the units' codes as the form's choices, or the 400."""

    def prepare(case: Case) -> dict[str, Any] | Status[Any]:
        lead, co, errors = resolve_units(case.area_code, payload.lead, payload.co or [])
        if errors:
            return bad_request(_("Check the move: a field is missing or wrong."), errors)
        return {
            "lead": lead.pk if lead is not None else "",
            "co": [unit.pk for unit in co],
            "note": payload.note or "",
        }

    return prepare


def _operation(path: str, name: str, summary: str) -> Callable[[Any], Any]:
    return router.post(
        f"/cases/{{pk}}/{path}",
        response=responses({200: MovedOut}, 404, 409, 412, 422, 428),
        url_name=f"case_{name}",
        auth=write_auth(f"api:case_{name}"),
        openapi_extra=IF_MATCH_REQUIRED,
        summary=summary,
    )


@_operation("dispatch", "dispatch", "派单: send a received case to its lead unit (and co-units)")
def case_dispatch(
    request: HttpRequest, pk: int, payload: DispatchIn, response: HttpResponse
) -> Any:
    return _move(request, response, pk, Move.DISPATCH, _units(payload))


@_operation(
    "adjudicate",
    "adjudicate",
    "审定 a return: re-dispatch to another unit, or uphold the dispatch (the same lead unit)",
)
def case_adjudicate(
    request: HttpRequest, pk: int, payload: DispatchIn, response: HttpResponse
) -> Any:
    return _move(request, response, pk, Move.REDISPATCH, _units(payload))


@_operation("sign", "sign", "签收: the unit's liaison signs for the case (no body)")
def case_sign(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
    return _move(request, response, pk, Move.SIGN, {})


@_operation("return", "return", "退单: the lead unit returns the case, with the basis")
def case_return(request: HttpRequest, pk: int, payload: ReturnIn, response: HttpResponse) -> Any:
    return _move(request, response, pk, Move.RETURN, _text(payload))


@_operation("reply", "reply", "答复: the unit's reply (outcome: the lead unit's)")
def case_reply(request: HttpRequest, pk: int, payload: ReplyIn, response: HttpResponse) -> Any:
    return _move(request, response, pk, Move.REPLY, _text(payload))


@_operation("follow-up", "follow_up", "回访: the follow-up call's result")
def case_follow_up(
    request: HttpRequest, pk: int, payload: FollowUpIn, response: HttpResponse
) -> Any:
    return _move(request, response, pk, Move.FOLLOW_UP, _text(payload))


@_operation("close-direct", "close_direct", "直办: close a case answered during the call")
def case_close_direct(
    request: HttpRequest, pk: int, payload: CloseDirectIn, response: HttpResponse
) -> Any:
    return _move(request, response, pk, Move.CLOSE_DIRECT, _text(payload))


@_operation("extension", "request_extension", "延期: the lead unit asks for more time")
def case_request_extension(
    request: HttpRequest, pk: int, payload: ExtensionIn, response: HttpResponse
) -> Any:
    return _move(request, response, pk, Move.REQUEST_EXTENSION, _text(payload))


@_operation(
    "extension/decision",
    "decide_extension",
    "The office approves or refuses the request for more time (decision: approve|refuse)",
)
def case_decide_extension(
    request: HttpRequest, pk: int, payload: ExtensionDecisionIn, response: HttpResponse
) -> Any:
    sent = _text(payload)
    if "decision" in sent:
        sent["approve"] = "1" if sent.pop("decision") == "approve" else "0"
    return _move(request, response, pk, Move.DECIDE_EXTENSION, sent, {"approve": "decision"})


@_operation("supervise", "supervise", "督办: the office puts the case under supervision")
def case_supervise(
    request: HttpRequest, pk: int, payload: SuperviseIn, response: HttpResponse
) -> Any:
    return _move(request, response, pk, Move.SUPERVISE, _text(payload))
