"""REST operations on a file's movements: the list, recording one or requesting a transfer,
and the receiving community's decision on a transfer.

The movement pages' own forms (forms.movements) validate the input and the same actions
(actions.movements) write it, so the API accepts exactly what the pages accept, with the same
history and audit events.
"""

# No `from __future__ import annotations`: ninja reads the parameter annotations at runtime.
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from tongcheng.org.apiauth import write_auth
from tongcheng.org.models import Area, User
from tongcheng.registry.access import get_incoming_transfer_for_user, get_person_for_user
from tongcheng.registry.actions import movements as movement_actions
from tongcheng.registry.api.common import (
    IF_MATCH_OPTIONAL,
    caller,
    form_errors,
    if_match,
    named,
    operation_id,
    page_of,
    page_query,
    responses,
    stale,
)
from tongcheng.registry.api.schemas import (
    DecisionIn,
    MovementIn,
    MovementOut,
    MovementPage,
)
from tongcheng.registry.errors import MovementRefused, StaleVersion
from tongcheng.registry.forms.movements import MovementForm, TransferForm
from tongcheng.registry.history import audit_person
from tongcheng.registry.models import Movement, Person

router = Router()


def _area_ref(area: Area | None) -> dict[str, str] | None:
    return {"code": area.code, "name": area.name} if area is not None else None


def _movement_out(movement: Movement) -> dict[str, Any]:
    return {
        "id": movement.pk,
        "kind": movement.kind,
        "state": movement.state,
        "from_community": _area_ref(movement.from_area),
        "to_community": _area_ref(movement.to_area),
        "moved_on": movement.moved_on,
        "reason": movement.reason,
    }


@router.get(
    "/persons/{pk}/movements",
    response=responses({200: MovementPage}, 404, 422),
    url_name="person_movement_list",
    operation_id=operation_id("person_movement_list"),
    summary="The file's movements and transfers, newest first",
)
def person_movement_list(request: HttpRequest, pk: int, page: int = page_query()) -> dict[str, Any]:
    user = caller(request)
    person = get_person_for_user(user, pk)
    movements = person.movements.select_related("from_area", "to_area").order_by("-moved_on", "-id")
    rows, page, has_next = page_of(movements, page)
    audit_person(actor=user, action="person.view", person=person, detail={"movements": len(rows)})
    return {"items": [_movement_out(m) for m in rows], "page": page, "has_next": has_next}


def _movement_form(
    sent: dict[str, Any], person: Person, user: User, expected: int | None
) -> MovementForm | TransferForm:
    """The page's form for this kind of movement, bound to the request's fields."""
    common = {"moved_on": sent.get("moved_on", ""), "reason": sent.get("reason", "")}
    if sent.get("kind") == Movement.Kind.TRANSFER:
        return TransferForm({**common, "to_area": sent.get("to_community", "")}, user=user)
    data = {
        **common,
        "kind": sent.get("kind", ""),
        "address": sent.get("address", ""),
        "community": sent.get("community", ""),
        "version": person.version if expected is None else expected,
    }
    return MovementForm(data, person=person, user=user)


def _unused_fields(sent: dict[str, Any]) -> list[dict[str, str]]:
    """Fields the kind does not use: refused rather than silently dropped."""
    transfer = sent.get("kind") == Movement.Kind.TRANSFER
    names = ("address", "community") if transfer else ("to_community",)
    message = _("%(field)s is not used for this kind of movement.")
    return [
        {"field": f, "code": "unused", "message": message % {"field": f}}
        for f in names
        if sent.get(f)
    ]


def _movement_save(
    user: User, form: MovementForm | TransferForm, person: Person, expected: int | None
) -> Movement:
    """Run the action for the validated form (raises StaleVersion / MovementRefused)."""
    if isinstance(form, TransferForm):
        if expected is not None and expected != person.version:
            raise StaleVersion(person.version)
        return movement_actions.transfer_request(
            actor=user,
            person=person,
            to_area=form.cleaned_data["to_area"],
            moved_on=form.cleaned_data["moved_on"],
            reason=form.cleaned_data["reason"],
        )
    return movement_actions.movement_record(
        actor=user,
        person=person,
        expected_version=form.cleaned_data["version"],
        data=form.move_input(),
    )


@router.post(
    "/persons/{pk}/movements",
    response=responses({201: MovementOut}, 404, 409, 412, 422),
    url_name="person_movement_create",
    operation_id=operation_id("person_movement_create"),
    auth=write_auth("api:person_movement_create"),
    openapi_extra=IF_MATCH_OPTIONAL,
    summary="Record a movement, or request a transfer (kind=transfer, to_community); "
    "If-Match optional",
)
def person_movement_create(
    request: HttpRequest, pk: int, payload: MovementIn, response: HttpResponse
) -> Any:
    user = caller(request)
    person = get_person_for_user(user, pk, write=True)
    expected = if_match(request, required=False)
    sent = payload.model_dump(exclude_none=True)
    unused = _unused_fields(sent)
    form = _movement_form(sent, person, user, expected)
    if unused or not form.is_valid():
        errors = unused or form_errors(form, {"to_area": "to_community"})
        return Status(400, {"detail": _("The movement has errors."), "errors": errors})
    try:
        movement = _movement_save(user, form, person, expected)
    except StaleVersion:
        return Status(412, stale())
    except MovementRefused as refused:
        return Status(409, {"detail": refused.message})
    version = Person.objects.filter(pk=person.pk).values_list("version", flat=True).first()
    response["ETag"] = f'"{version}"'
    return Status(201, _movement_out(movement))


@router.post(
    "/transfers/{pk}/decision",
    response=responses({200: MovementOut}, 404, 409, 422),
    url_name="transfer_decide",
    operation_id=operation_id("transfer_decide"),
    summary="Accept or decline a transfer into the caller's community (decision: accept|decline)",
)
def transfer_decide(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    user = caller(request)
    movement = get_incoming_transfer_for_user(user, pk)
    decide = {
        "accept": movement_actions.transfer_accept,
        "decline": movement_actions.transfer_decline,
    }.get(payload.decision or "")
    if decide is None:
        message = named(_("Decision"), _("Choose to accept or to decline the transfer."))
        error = {"field": "decision", "code": "invalid", "message": message}
        return Status(400, {"detail": message, "errors": [error]})
    try:
        movement = decide(actor=user, movement=movement)
    except MovementRefused as refused:
        return Status(409, {"detail": refused.message})
    return Status(200, _movement_out(movement))
