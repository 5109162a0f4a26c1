"""REST operations on a file's visits: the list, and recording one.

The visit page's own form (forms.visits.VisitForm) validates the input and the same action
(actions.visits.visit_record) writes it, so the API accepts exactly what the page accepts, with
the same history and audit events.
"""

# No `from __future__ import annotations`: ninja reads the parameter annotations at runtime.
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from tongcheng.org.apiauth import write_auth
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.actions.visits import visit_record
from tongcheng.registry.api.common import (
    IF_MATCH_OPTIONAL,
    caller,
    etag,
    form_errors,
    if_match,
    operation_id,
    page_of,
    page_query,
    responses,
    stale,
)
from tongcheng.registry.api.schemas import VisitIn, VisitOut, VisitPage
from tongcheng.registry.errors import StaleVersion
from tongcheng.registry.forms.visits import VisitForm
from tongcheng.registry.history import audit_person
from tongcheng.registry.models import Visit
from tongcheng.registry.rules import FACTS

router = Router()

# The visit fields that correct the file (they need If-Match).
VISIT_CORRECTIONS = ("address", "phone", "occupation", "occupation_text")


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


@router.get(
    "/persons/{pk}/visits",
    response=responses({200: VisitPage}, 404, 422),
    url_name="person_visit_list",
    operation_id=operation_id("person_visit_list"),
    summary="The file's visits, newest first",
)
def person_visit_list(request: HttpRequest, pk: int, page: int = page_query()) -> dict[str, Any]:
    user = caller(request)
    person = get_person_for_user(user, pk)
    visits = person.visits.select_related("officer").order_by("-visited_on", "-id")
    rows, page, has_next = page_of(visits, page)
    audit_person(actor=user, action="person.view", person=person, detail={"visits": len(rows)})
    return {"items": [_visit_out(v) for v in rows], "page": page, "has_next": has_next}


@router.post(
    "/persons/{pk}/visits",
    response=responses({201: VisitOut}, 404, 412, 422, 428),
    url_name="person_visit_create",
    operation_id=operation_id("person_visit_create"),
    auth=write_auth("api:person_visit_create"),
    openapi_extra=IF_MATCH_OPTIONAL,
    summary="Record a visit (If-Match: the file's ETag; required when it corrects the file)",
)
def person_visit_create(
    request: HttpRequest, pk: int, payload: VisitIn, response: HttpResponse
) -> Any:
    user = caller(request)
    person = get_person_for_user(user, pk, write=True)
    sent = payload.model_dump(exclude_none=True)
    # A correction changes the file's fields: the caller must say which version it corrects.
    expected = if_match(request, required=any(sent.get(f) for f in VISIT_CORRECTIONS))
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
        errors = form_errors(form, names)
        return Status(400, {"detail": _("The visit has errors."), "errors": errors})
    try:
        visit = visit_record(
            actor=user,
            person=person,
            expected_version=form.cleaned_data["version"],
            data=form.visit_input(),
        )
    except StaleVersion:
        return Status(412, stale())
    response["ETag"] = etag(person)  # visit_record updates person.version when it saves
    return Status(201, _visit_out(visit))
