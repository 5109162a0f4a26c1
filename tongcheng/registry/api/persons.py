"""REST operations on person files: search/list, detail, create, update; visits, movements,
transfer decisions.

Same policy (POLICY "api:person_*"), scope (`visible_to`, access helpers), masking, validation
(`validate_person`) and audit as the pages. Optimistic locking: GET returns the file's version
as a strong ETag; PUT/PATCH must send it back in If-Match (428 without it, 412 when stale).
Bodies with unknown keys are refused (422 from the schema → answered as 400).
"""

# No `from __future__ import annotations`: ninja reads the parameter annotations at runtime.
from datetime import date
from typing import Any, Literal, overload

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from tongcheng.audit.services import audit_record
from tongcheng.lib.masking import mask_id_number, mask_phone
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.lib.textnorm import normalize_text
from tongcheng.org.access import NotInScope, ReadOnly, may_write
from tongcheng.org.apiauth import write_auth
from tongcheng.org.models import Area, User
from tongcheng.registry import movements as moves
from tongcheng.registry import services
from tongcheng.registry.access import get_incoming_transfer_for_user, get_person_for_user
from tongcheng.registry.models import Movement, Person, Visit
from tongcheng.registry.search import search_persons
from tongcheng.registry.validation import reference_cache, validate_person
from tongcheng.registry.views.movements import MovementForm, TransferForm
from tongcheng.registry.views.visits import VisitForm
from tongcheng.registry.visits import FACTS, visit_record

router = Router()
PER_PAGE = 50


class PersonOut(Schema):
    id: int
    version: int
    name: str
    ethnicity: str
    sex: str
    birth_date: date | None
    id_number_masked: str
    phone_masked: str
    origin_region: str | None
    origin_text: str
    community: str
    occupation: str
    occupation_text: str
    employer: str
    arrived_on: date | None
    permit_kind: str
    permit_expires_on: date | None
    status: str
    status_since: date


class PersonDetailOut(PersonOut):
    address: str
    credit_code: str
    permit_issued_on: date | None
    notice_given_on: date | None
    origin_verified_on: date | None
    address_verified_on: date | None
    occupation_verified_on: date | None
    notes: str


class PersonPage(Schema):
    items: list[PersonOut]
    page: int
    has_next: bool


class PersonIn(Schema):
    """A file's fields as text, exactly as the form and the import take them."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    ethnicity: str | None = None
    id_number: str | None = None
    sex: str | None = None
    birth_date: str | None = None
    phone: str | None = None
    origin: str | None = None
    origin_region: str | None = None
    address: str | None = None
    occupation: str | None = None
    occupation_text: str | None = None
    employer: str | None = None
    credit_code: str | None = None
    arrival_date: str | None = None
    permit_kind: str | None = None
    permit_number: str | None = None
    permit_issued: str | None = None
    permit_expires: str | None = None
    notes: str | None = None


class PersonCreateIn(PersonIn):
    community: str


class ErrorOut(Schema):
    detail: str
    errors: list[dict[str, str]] = []
    person_id: int | None = None


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _out(person: Person, detail: bool = False) -> dict[str, Any]:
    id_number = services.decrypt_field(person, "id_number")
    phone = services.decrypt_field(person, "phone")
    data: dict[str, Any] = {
        "id": person.pk,
        "version": person.version,
        "name": person.name,
        "ethnicity": person.ethnicity_id,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "id_number_masked": mask_id_number(id_number) if id_number else "",
        "phone_masked": mask_phone(phone) if phone else "",
        "origin_region": person.origin_region_id,
        "origin_text": person.origin_text,
        "community": person.area_code,
        "occupation": person.occupation,
        "occupation_text": person.occupation_text,
        "employer": person.employer,
        "arrived_on": person.arrived_on,
        "permit_kind": person.permit_kind,
        "permit_expires_on": person.permit_expires_on,
        "status": person.status,
        "status_since": person.status_since,
    }
    if detail:
        data |= {
            "address": services.decrypt_field(person, "address"),
            "credit_code": person.credit_code,
            "permit_issued_on": person.permit_issued_on,
            "notice_given_on": person.notice_given_on,
            "origin_verified_on": person.origin_verified_on,
            "address_verified_on": person.address_verified_on,
            "occupation_verified_on": person.occupation_verified_on,
            "notes": person.notes,
        }
    return data


def _etag(person: Person) -> str:
    return f'"{person.version}"'


@overload
def _if_match(request: HttpRequest, *, required: Literal[True]) -> int: ...
@overload
def _if_match(request: HttpRequest, *, required: bool) -> int | None: ...
def _if_match(request: HttpRequest, *, required: bool) -> int | None:
    """The file version sent in If-Match (None when absent and not required).

    428 when it is required and missing, 412 when it is not a version number.
    """
    match = request.headers.get("If-Match", "").strip()
    if not match:
        if required:
            raise HttpError(428, _("Send the file's ETag in an If-Match header."))
        return None
    expected = match.removeprefix("W/").strip('"')
    if not expected.isdigit():
        raise HttpError(412, _("The If-Match header is not a version of this file."))
    return int(expected)


def _validated(payload: dict[str, Any]) -> Any:
    data, errors, _warnings = validate_person(payload, refs=reference_cache())
    if errors:
        return None, [{"field": e.field, "code": e.code, "message": e.message} for e in errors]
    return data, []


def _raw_of(person: Person) -> dict[str, Any]:
    """A file's current values in input form, for PATCH (fields not sent stay as they are)."""
    return {
        "name": person.name,
        "ethnicity": person.ethnicity_id,
        "id_number": services.decrypt_field(person, "id_number"),
        "sex": "" if person.id_number_enc else {"male": "男", "female": "女"}.get(person.sex, ""),
        "birth_date": None if person.id_number_enc else person.birth_date,
        "phone": services.decrypt_field(person, "phone"),
        "origin_region": person.origin_region_id or "",
        "origin": person.origin_text,
        "address": services.decrypt_field(person, "address"),
        "occupation": person.occupation,
        "occupation_text": person.occupation_text,
        "employer": person.employer,
        "credit_code": person.credit_code,
        "arrival_date": person.arrived_on,
        "permit_kind": person.permit_kind,
        "permit_number": services.decrypt_field(person, "permit_number"),
        "permit_issued": person.permit_issued_on,
        "permit_expires": person.permit_expires_on,
        "notes": person.notes,
    }


@router.get(
    "/persons",
    response=PersonPage,
    url_name="person_list",
    summary="Files in the caller's scope (masked); q searches like the ledger's search box",
)
def person_list(request: HttpRequest, q: str = "", page: int = 1) -> dict[str, Any]:
    user = _user(request)
    page = max(1, page)
    if q.strip():
        result = search_persons(user, q, page=page, per_page=PER_PAGE)
        rows, has_next = result.items, result.has_next
        audit_record(
            actor=request,
            action="person.search",
            object_type="person",
            detail={"kind": result.kind, "count": len(rows)},
        )
    else:
        fetched = list(Person.objects.visible_to(user)[(page - 1) * PER_PAGE : page * PER_PAGE + 1])
        rows, has_next = fetched[:PER_PAGE], len(fetched) > PER_PAGE
    audit_record(
        actor=request,
        action="person.list",
        object_type="person",
        detail={"ids": [p.pk for p in rows]},
    )
    return {"items": [_out(p) for p in rows], "page": page, "has_next": has_next}


@router.get(
    "/persons/{pk}",
    response=PersonDetailOut,
    url_name="person_detail",
    summary="One file (masked); the ETag header is its version",
)
def person_detail(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    person = get_person_for_user(_user(request), pk)
    services.audit_person(audit_as=request, action="person.view", person=person)
    response["ETag"] = _etag(person)
    return _out(person, detail=True)


@router.post(
    "/persons",
    response={201: PersonDetailOut, 303: ErrorOut, 400: ErrorOut, 409: ErrorOut},
    url_name="person_create",
    auth=write_auth("api:person_create"),
    summary="Create a file (the same rules as the form; 409 for a known ID number)",
)
def person_create(request: HttpRequest, payload: PersonCreateIn, response: HttpResponse) -> Any:
    user = _user(request)
    community = Area.objects.communities().filter(code=payload.community).first()
    if community is None or not may_write(user, community.code, AREA_ROLES):
        return Status(
            400,
            {
                "detail": _("Choose a community in your area."),
                "errors": [{"field": "community", "code": "invalid", "message": ""}],
            },
        )
    data, errors = _validated(payload.model_dump(exclude={"community"}, exclude_none=True))
    if errors:
        return Status(400, {"detail": _("The file has errors."), "errors": errors})
    try:
        person = services.person_create(
            actor=user, audit_as=request, community=community, data=data
        )
    except services.DuplicateIdNumber as exc:
        return Status(
            409,
            {
                "detail": _("A file with this ID number already exists."),
                "person_id": exc.person.pk,
            },
        )
    except services.IdNumberElsewhere:
        return Status(
            409,
            {
                "detail": _(
                    "A file with this ID number exists in another community — request a transfer."
                )
            },
        )
    response["ETag"] = _etag(person)
    return Status(201, _out(person, detail=True))


def _update(request: HttpRequest, pk: int, payload: PersonIn, partial: bool) -> Any:
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    expected = _if_match(request, required=True)
    sent = payload.model_dump(exclude_none=True)
    raw = {**_raw_of(person), **sent} if partial else sent
    if partial and ("sex" in sent or "birth_date" in sent) and "id_number" not in sent:
        raw.setdefault("sex", "")
    data, errors = _validated(raw)
    if errors:
        return Status(400, {"detail": _("The file has errors."), "errors": errors})
    try:
        person = services.person_update(
            actor=user, audit_as=request, person=person, expected_version=expected, data=data
        )
    except services.StaleVersion:
        return Status(412, {"detail": _("The file was changed by someone else; get it again.")})
    except (services.DuplicateIdNumber, services.IdNumberElsewhere):
        return Status(409, {"detail": _("Another file already has this ID number.")})
    return Status(200, _out(person, detail=True))


_UPDATE_RESPONSES = {
    200: PersonDetailOut,
    400: ErrorOut,
    409: ErrorOut,
    412: ErrorOut,
    428: ErrorOut,
}


@router.put(
    "/persons/{pk}",
    response=_UPDATE_RESPONSES,
    url_name="person_update",
    auth=write_auth("api:person_update"),
    summary="Replace a file's fields (If-Match: the ETag; 412 when stale, 428 without it)",
)
def person_update(request: HttpRequest, pk: int, payload: PersonIn, response: HttpResponse) -> Any:
    result = _update(request, pk, payload, partial=False)
    if result.status_code == 200:
        response["ETag"] = f'"{result.value["version"]}"'
    return result


@router.patch(
    "/persons/{pk}",
    response=_UPDATE_RESPONSES,
    url_name="person_update",
    auth=write_auth("api:person_update"),
    summary="Change some of a file's fields (If-Match: the ETag)",
)
def person_patch(request: HttpRequest, pk: int, payload: PersonIn, response: HttpResponse) -> Any:
    result = _update(request, pk, payload, partial=True)
    if result.status_code == 200:
        response["ETag"] = f'"{result.value["version"]}"'
    return result


# --- Visits and movements of a file -----------------------------------------------------------
# The pages' own forms (VisitForm, MovementForm, TransferForm) validate the input and the same
# services write it, so the API accepts exactly what the pages accept, with the same history and
# audit events. The input schemas make every field optional on purpose: the scope check (404)
# comes before any validation, and missing or bad values get the forms' messages naming the field.


class AreaRef(Schema):
    code: str
    name: str


class VisitOut(Schema):
    id: int
    visited_on: date
    officer: str
    outcome: str
    verified_origin: bool
    verified_address: bool
    verified_occupation: bool
    notes: str


class VisitPage(Schema):
    items: list[VisitOut]
    page: int
    has_next: bool


class VisitIn(Schema):
    """A visit as the visit form takes it; address/phone/occupation are corrections ("" = none)."""

    model_config = ConfigDict(extra="forbid")

    visited_on: str | None = None
    outcome: str | None = None
    verified_origin: bool = False
    verified_address: bool = False
    verified_occupation: bool = False
    address: str | None = None
    phone: str | None = None
    occupation: str | None = None
    occupation_text: str | None = None
    notes: str | None = None


class MovementOut(Schema):
    id: int
    kind: str
    state: str
    from_community: AreaRef
    to_community: AreaRef | None
    moved_on: date
    reason: str


class MovementPage(Schema):
    items: list[MovementOut]
    page: int
    has_next: bool


class MovementIn(Schema):
    """kind: address_change, moved_away, returned_home, settled, reactivated or transfer."""

    model_config = ConfigDict(extra="forbid")

    kind: str | None = None
    moved_on: str | None = None
    reason: str | None = None
    # address_change / reactivated: a new address and/or a community inside the caller's area.
    address: str | None = None
    community: str | None = None
    # transfer: the receiving community (12-digit code), outside the caller's area.
    to_community: str | None = None


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: str | None = None  # "accept" or "decline"


# The visit fields that correct the file (they need If-Match).
VISIT_CORRECTIONS = ("address", "phone", "occupation", "occupation_text")


def _slice(queryset: QuerySet[Any], page: int) -> tuple[list[Any], int, bool]:
    """One page of rows and whether another follows (one row more is read to know)."""
    page = max(1, page)
    rows = list(queryset[(page - 1) * PER_PAGE : page * PER_PAGE + 1])
    return rows[:PER_PAGE], page, len(rows) > PER_PAGE


def _named(label: Any, message: str) -> str:
    return _("%(field)s: %(message)s") % {"field": label, "message": message}


def _form_errors(form: forms.Form, names: dict[str, str]) -> list[dict[str, str]]:
    """A bound form's errors as the API reports them: the API's field name and a message naming
    the field (the form's label), in the request's language."""
    errors = []
    for field, field_errors in form.errors.as_data().items():
        label = form.fields[field].label if field in form.fields else None
        for error in field_errors:
            for message in error.messages:
                errors.append(
                    {
                        "field": "" if field == NON_FIELD_ERRORS else names.get(field, field),
                        "code": error.code or "invalid",
                        "message": _named(label, message) if label else message,
                    }
                )
    return errors


def _visit_out(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "visited_on": visit.visited_on,
        "officer": str(visit.officer),
        "outcome": visit.outcome,
        "verified_origin": visit.verified_origin,
        "verified_address": visit.verified_address,
        "verified_occupation": visit.verified_occupation,
        "notes": visit.notes,
    }


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
    "/persons/{pk}/visits",
    response=VisitPage,
    url_name="person_visit_list",
    summary="The file's visits, newest first",
)
def person_visit_list(request: HttpRequest, pk: int, page: int = 1) -> dict[str, Any]:
    person = get_person_for_user(_user(request), pk)
    visits = person.visits.select_related("officer").order_by("-visited_on", "-id")
    rows, page, has_next = _slice(visits, page)
    services.audit_person(
        audit_as=request, action="person.view", person=person, detail={"visits": len(rows)}
    )
    return {"items": [_visit_out(v) for v in rows], "page": page, "has_next": has_next}


@router.post(
    "/persons/{pk}/visits",
    response={201: VisitOut, 400: ErrorOut, 412: ErrorOut, 428: ErrorOut},
    url_name="person_visit_create",
    auth=write_auth("api:person_visit_create"),
    summary="Record a visit (If-Match: the file's ETag; required when it corrects the file)",
)
def person_visit_create(
    request: HttpRequest, pk: int, payload: VisitIn, response: HttpResponse
) -> Any:
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    sent = payload.model_dump(exclude_none=True)
    # A correction changes the file's fields: the caller must say which version it corrects.
    expected = _if_match(request, required=any(sent.get(f) for f in VISIT_CORRECTIONS))
    verified = [fact for fact in FACTS if sent.get(f"verified_{fact}")]
    fields = ("visited_on", "outcome", *VISIT_CORRECTIONS, "notes")
    form = VisitForm(
        {
            **{name: sent.get(name, "") for name in fields},
            "verified": verified,
            "version": person.version if expected is None else expected,
        }
    )
    if not form.is_valid():
        names = {"verified": f"verified_{verified[0]}" if verified else "verified_origin"}
        errors = _form_errors(form, names)
        return Status(400, {"detail": _("The visit has errors."), "errors": errors})
    try:
        visit = visit_record(
            person=person,
            expected_version=form.cleaned_data["version"],
            data=form.visit_input(),
            user=user,
            audit_as=request,
        )
    except services.StaleVersion:
        return Status(412, {"detail": _("The file was changed by someone else; get it again.")})
    response["ETag"] = _etag(person)  # visit_record updates person.version when it saves
    return Status(201, _visit_out(visit))


@router.get(
    "/persons/{pk}/movements",
    response=MovementPage,
    url_name="person_movement_list",
    summary="The file's movements and transfers, newest first",
)
def person_movement_list(request: HttpRequest, pk: int, page: int = 1) -> dict[str, Any]:
    person = get_person_for_user(_user(request), pk)
    movements = person.movements.select_related("from_area", "to_area").order_by("-moved_on", "-id")
    rows, page, has_next = _slice(movements, page)
    services.audit_person(
        audit_as=request, action="person.view", person=person, detail={"movements": len(rows)}
    )
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
    request: HttpRequest, form: MovementForm | TransferForm, person: Person, user: User
) -> Movement:
    """Run the service for the validated form (raises StaleVersion / MovementRefused)."""
    if isinstance(form, TransferForm):
        return moves.transfer_request(
            person=person,
            to_area=form.cleaned_data["to_area"],
            moved_on=form.cleaned_data["moved_on"],
            reason=normalize_text(form.cleaned_data["reason"]),
            user=user,
            audit_as=request,
        )
    return moves.movement_record(
        person=person,
        expected_version=form.cleaned_data["version"],
        data=form.move_input(),
        user=user,
        audit_as=request,
    )


@router.post(
    "/persons/{pk}/movements",
    response={201: MovementOut, 400: ErrorOut, 409: ErrorOut, 412: ErrorOut},
    url_name="person_movement_create",
    auth=write_auth("api:person_movement_create"),
    summary="Record a movement, or request a transfer (kind=transfer, to_community); "
    "If-Match optional",
)
def person_movement_create(
    request: HttpRequest, pk: int, payload: MovementIn, response: HttpResponse
) -> Any:
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    expected = _if_match(request, required=False)
    sent = payload.model_dump(exclude_none=True)
    unused = _unused_fields(sent)
    form = _movement_form(sent, person, user, expected)
    if unused or not form.is_valid():
        errors = unused or _form_errors(form, {"to_area": "to_community"})
        return Status(400, {"detail": _("The movement has errors."), "errors": errors})
    try:
        transfer = isinstance(form, TransferForm)
        if transfer and expected is not None and expected != person.version:
            raise services.StaleVersion(person.version)
        movement = _movement_save(request, form, person, user)
    except services.StaleVersion:
        return Status(412, {"detail": _("The file was changed by someone else; get it again.")})
    except moves.MovementRefused as refused:
        return Status(409, {"detail": refused.message})
    version = Person.objects.filter(pk=person.pk).values_list("version", flat=True).first()
    response["ETag"] = f'"{version}"'
    return Status(201, _movement_out(movement))


@router.post(
    "/transfers/{pk}/decision",
    response={200: MovementOut, 400: ErrorOut, 409: ErrorOut},
    url_name="transfer_decide",
    summary="Accept or decline a transfer into the caller's community (decision: accept|decline)",
)
def transfer_decide(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    user = _user(request)
    movement = get_incoming_transfer_for_user(user, pk)
    decide = {"accept": moves.transfer_accept, "decline": moves.transfer_decline}.get(
        payload.decision or ""
    )
    if decide is None:
        message = _named(_("Decision"), _("Choose to accept or to decline the transfer."))
        error = {"field": "decision", "code": "invalid", "message": message}
        return Status(400, {"detail": message, "errors": [error]})
    try:
        movement = decide(movement=movement, user=user, audit_as=request)
    except moves.MovementRefused as refused:
        return Status(409, {"detail": refused.message})
    return Status(200, _movement_out(movement))


__all__ = ["NotInScope", "ReadOnly", "router"]
