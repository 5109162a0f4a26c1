"""REST operations on person files: search/list, detail, create, update.

Same policy (POLICY "api:person_*"), scope (`visible_to`, access helpers), masking, validation
(`validate_person`) and audit as the pages. Optimistic locking: GET returns the file's version
as a strong ETag; PUT/PATCH must send it back in If-Match (428 without it, 412 when stale).
Bodies with unknown keys are refused (422 from the schema → answered as 400).
"""

# No `from __future__ import annotations`: ninja reads the parameter annotations at runtime.
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from tongcheng.api import SessionPolicyAuth, TokenAuth
from tongcheng.audit.services import audit_record
from tongcheng.lib.masking import mask_id_number, mask_phone
from tongcheng.org.access import NotInScope, ReadOnly, writable_prefixes
from tongcheng.org.auth import api_token_user
from tongcheng.org.middleware import audit_denial, check_roles
from tongcheng.org.models import Area, User
from tongcheng.org.policy import POLICY, Access
from tongcheng.org.roles import AREA_ROLES
from tongcheng.registry import services
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.models import Person
from tongcheng.registry.search import search_persons
from tongcheng.registry.validation import reference_cache, validate_person

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


def _authorize_as(request: HttpRequest, user: User, view_name: str) -> User:
    """Apply the policy entry `view_name` (not the resolved URL's) to an authenticated caller."""
    entry = POLICY[view_name]
    if not isinstance(entry, Access) or not check_roles(request, view_name, entry):
        raise HttpError(403, _("You do not have permission for this."))
    return user


class _WriteSessionAuth(SessionPolicyAuth):
    """Session auth for a write that shares its path with a read.

    ninja gives all methods of one path URL patterns with the same route, and Django resolves the
    first (the read): the policy middleware and `tongcheng.api.authorize` saw "api:person_list" /
    "api:person_detail". This applies the write's own entry, before the body is parsed.
    """

    def __init__(self, view_name: str) -> None:
        super().__init__()
        self.view_name = view_name

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated:
            return None
        return _authorize_as(request, user, self.view_name)


class _WriteTokenAuth(TokenAuth):
    """Token auth for such a write (see _WriteSessionAuth)."""

    def __init__(self, view_name: str) -> None:
        super().__init__()
        self.view_name = view_name

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is None:
            audit_denial(request, self.view_name, "bad token")
            return None
        request.user = user
        return _authorize_as(request, user, self.view_name)


def _write_auth(view_name: str) -> list[Any]:
    return [_WriteTokenAuth(view_name), _WriteSessionAuth(view_name)]


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
    auth=_write_auth("api:person_create"),
    summary="Create a file (the same rules as the form; 409 for a known ID number)",
)
def person_create(request: HttpRequest, payload: PersonCreateIn, response: HttpResponse) -> Any:
    user = _user(request)
    community = Area.objects.communities().filter(code=payload.community).first()
    prefixes = writable_prefixes(user, AREA_ROLES)
    if community is None or not any(community.code.startswith(p) for p in prefixes):
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
    match = request.headers.get("If-Match", "").strip()
    if not match:
        raise HttpError(428, _("Send the file's ETag in an If-Match header."))
    expected = match.removeprefix("W/").strip('"')
    if not expected.isdigit():
        raise HttpError(412, _("The If-Match header is not a version of this file."))
    sent = payload.model_dump(exclude_none=True)
    raw = {**_raw_of(person), **sent} if partial else sent
    if partial and ("sex" in sent or "birth_date" in sent) and "id_number" not in sent:
        raw.setdefault("sex", "")
    data, errors = _validated(raw)
    if errors:
        return Status(400, {"detail": _("The file has errors."), "errors": errors})
    try:
        person = services.person_update(
            actor=user, audit_as=request, person=person, expected_version=int(expected), data=data
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
    auth=_write_auth("api:person_update"),
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
    auth=_write_auth("api:person_update"),
    summary="Change some of a file's fields (If-Match: the ETag)",
)
def person_patch(request: HttpRequest, pk: int, payload: PersonIn, response: HttpResponse) -> Any:
    result = _update(request, pk, payload, partial=True)
    if result.status_code == 200:
        response["ETag"] = f'"{result.value["version"]}"'
    return result


__all__ = ["NotInScope", "ReadOnly", "router"]
