"""REST operations on person files: search/list, detail, create, replace and change.

Same policy (POLICY "api:person_*"), scope (`visible_to`, access helpers), masking, validation
(`validate_person`) and audit as the pages, and the same actions (actions.persons). Optimistic
locking: GET returns the file's version as a strong ETag; PUT/PATCH must send it back in If-Match
(428 without it, 412 when stale). Bodies with unknown keys are refused (422 from the schema →
answered as 400).
"""

# No `from __future__ import annotations`: ninja reads the parameter annotations at runtime.
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from tongcheng.audit.services import audit_record
from tongcheng.lib.masking import birth_month
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.org.access import may_write
from tongcheng.org.apiauth import write_auth
from tongcheng.org.models import Area
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.actions import persons as person_actions
from tongcheng.registry.actions import searches as search_actions
from tongcheng.registry.api.common import (
    IF_MATCH_REQUIRED,
    PER_PAGE,
    caller,
    etag,
    if_match,
    operation_id,
    page_query,
    responses,
    search_query,
    stale,
)
from tongcheng.registry.api.schemas import (
    ErrorOut,
    PersonCreateIn,
    PersonDetailOut,
    PersonIn,
    PersonPage,
)
from tongcheng.registry.errors import (
    DuplicateIdNumber,
    IdNumberElsewhere,
    LookupLimitReached,
    StaleVersion,
)
from tongcheng.registry.history import audit_person
from tongcheng.registry.identifiers import decrypt, masked
from tongcheng.registry.models import Person
from tongcheng.registry.validation import PersonInput, reference_cache, validate_person

router = Router()

# Person columns every answer carries as they are (the rest: masked, renamed or decrypted).
PLAIN = (
    "version",
    "name",
    "sex",
    "origin_text",
    "occupation",
    "occupation_text",
    "employer",
    "arrived_on",
    "permit_kind",
    "permit_expires_on",
    "status",
    "status_since",
)
DETAIL_PLAIN = (
    "credit_code",
    "permit_issued_on",
    "notice_given_on",
    "origin_verified_on",
    "address_verified_on",
    "occupation_verified_on",
    "notes",
)


def _out(person: Person, detail: bool = False) -> dict[str, Any]:
    ids = masked(person)
    data: dict[str, Any] = {
        "id": person.pk,
        **{name: getattr(person, name) for name in PLAIN},
        "ethnicity": person.ethnicity_id,
        # Year and month only: with the day, the ID number's mask could be completed.
        "birth_month": birth_month(person.birth_date) or None,
        "id_number_masked": ids["id_number"],
        "phone_masked": ids["phone"],
        "origin_region": person.origin_region_id,
        "community": person.area_code,
    }
    if detail:
        data |= {name: getattr(person, name) for name in DETAIL_PLAIN}
        data["address"] = decrypt(person, "address")
    return data


def _validated(payload: dict[str, Any]) -> tuple[PersonInput | None, list[dict[str, str]]]:
    data, errors, _warnings = validate_person(payload, refs=reference_cache())
    if errors:
        return None, [{"field": e.field, "code": e.code, "message": e.message} for e in errors]
    return data, []


def _raw_of(person: Person) -> dict[str, Any]:
    """A file's current values in input form, for PATCH (fields not sent stay as they are)."""
    return {
        "name": person.name,
        "ethnicity": person.ethnicity_id,
        "id_number": decrypt(person, "id_number"),
        "sex": "" if person.id_number_enc else {"male": "男", "female": "女"}.get(person.sex, ""),
        "birth_date": None if person.id_number_enc else person.birth_date,
        "phone": decrypt(person, "phone"),
        "origin_region": person.origin_region_id or "",
        "origin": person.origin_text,
        "address": decrypt(person, "address"),
        "occupation": person.occupation,
        "occupation_text": person.occupation_text,
        "employer": person.employer,
        "credit_code": person.credit_code,
        "arrival_date": person.arrived_on,
        "permit_kind": person.permit_kind,
        "permit_number": decrypt(person, "permit_number"),
        "permit_issued": person.permit_issued_on,
        "permit_expires": person.permit_expires_on,
        "notes": person.notes,
    }


@router.get(
    "/persons",
    response=responses({200: PersonPage}, 422, 429),
    url_name="person_list",
    operation_id=operation_id("person_list"),
    summary="Files in the caller's scope (masked); q searches like the ledger's search box "
    "(429 when today's exact-number searches are used up)",
)
def person_list(request: HttpRequest, q: str = search_query(), page: int = page_query()) -> Any:
    user = caller(request)
    page = max(1, page)
    if q.strip():
        # One event, written by the action: person.search, or person.lookup (counted per day).
        try:
            result = search_actions.person_search(actor=user, q=q, page=page, per_page=PER_PAGE)
        except LookupLimitReached as exc:
            return Status(429, {"detail": exc.message})
        rows, has_next = result.items, result.has_next
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
    response=responses({200: PersonDetailOut}, 404, 422),
    url_name="person_detail",
    operation_id=operation_id("person_detail"),
    summary="One file (masked); the ETag header is its version",
)
def person_detail(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    user = caller(request)
    person = get_person_for_user(user, pk)
    audit_person(actor=user, action="person.view", person=person)
    response["ETag"] = etag(person)
    return _out(person, detail=True)


@router.post(
    "/persons",
    response=responses({201: PersonDetailOut, 303: ErrorOut}, 409, 429),
    url_name="person_create",
    operation_id=operation_id("person_create"),
    auth=write_auth("api:person_create"),
    summary="Create a file (the same rules as the form; 409 for a known ID number; 429 when "
    "today's look-ups by number are used up)",
    description=(
        "One file per ID number, also when several requests send one number at once: one "
        "creates the file (201), every other gets 409. In the caller's scope the 409's "
        "`person_id` is the existing file's id; a file in another community is not named."
    ),
)
def person_create(request: HttpRequest, payload: PersonCreateIn, response: HttpResponse) -> Any:
    user = caller(request)
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
    if data is None:
        return Status(400, {"detail": _("The file has errors."), "errors": errors})
    # The check before saving is a look-up (counted, audited); the create checks again, for a
    # file saved meanwhile by a concurrent request.
    try:
        check = search_actions.registration_check(actor=user, data=data, look_alikes=False)
    except LookupLimitReached as exc:
        return Status(429, {"detail": exc.message})
    existing, elsewhere = check.existing, check.elsewhere
    if check.clear:
        try:
            person = person_actions.person_create(actor=user, community=community, data=data)
        except DuplicateIdNumber as exc:
            existing = exc.person
        except IdNumberElsewhere:
            elsewhere = True
    if existing is not None:
        return Status(
            409,
            {"detail": _("A file with this ID number already exists."), "person_id": existing.pk},
        )
    if elsewhere:
        return Status(
            409,
            {
                "detail": _(
                    "A file with this ID number exists in another community — request a transfer."
                )
            },
        )
    response["ETag"] = etag(person)
    return Status(201, _out(person, detail=True))


def _update(request: HttpRequest, pk: int, payload: PersonIn, partial: bool) -> Any:
    user = caller(request)
    person = get_person_for_user(user, pk, write=True)
    expected = if_match(request, required=True)
    sent = payload.model_dump(exclude_none=True)
    raw = {**_raw_of(person), **sent} if partial else sent
    if partial and ("sex" in sent or "birth_date" in sent) and "id_number" not in sent:
        raw.setdefault("sex", "")
    data, errors = _validated(raw)
    if data is None:
        return Status(400, {"detail": _("The file has errors."), "errors": errors})
    try:
        person = person_actions.person_update(
            actor=user, person=person, expected_version=expected, data=data
        )
    except StaleVersion:
        return Status(412, stale())
    except (DuplicateIdNumber, IdNumberElsewhere):
        return Status(409, {"detail": _("Another file already has this ID number.")})
    except LookupLimitReached as exc:
        return Status(429, {"detail": exc.message})
    return Status(200, _out(person, detail=True))


_UPDATE_RESPONSES = responses({200: PersonDetailOut}, 404, 409, 412, 422, 428, 429)


@router.put(
    "/persons/{pk}",
    response=_UPDATE_RESPONSES,
    url_name="person_update",
    operation_id=operation_id("person_update"),
    auth=write_auth("api:person_update"),
    openapi_extra=IF_MATCH_REQUIRED,
    summary="Replace a file's fields (If-Match: the ETag; 412 when stale, 428 without it)",
)
def person_update(request: HttpRequest, pk: int, payload: PersonIn, response: HttpResponse) -> Any:
    return _update_with_etag(request, pk, payload, response, partial=False)


@router.patch(
    "/persons/{pk}",
    response=_UPDATE_RESPONSES,
    url_name="person_update",
    operation_id=operation_id("person_patch"),
    auth=write_auth("api:person_update"),
    openapi_extra=IF_MATCH_REQUIRED,
    summary="Change some of a file's fields (If-Match: the ETag)",
)
def person_patch(request: HttpRequest, pk: int, payload: PersonIn, response: HttpResponse) -> Any:
    return _update_with_etag(request, pk, payload, response, partial=True)


def _update_with_etag(
    request: HttpRequest, pk: int, payload: PersonIn, response: HttpResponse, *, partial: bool
) -> Any:
    """PUT and PATCH: the update, and the new version's ETag when it was saved."""
    result = _update(request, pk, payload, partial=partial)
    if result.status_code == 200:
        response["ETag"] = f'"{result.value["version"]}"'
    return result
