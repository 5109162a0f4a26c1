"""REST operations on representatives and their talks: list, one, create.

Same policy, scope (`visible_to` through the selectors and the access helpers), masking (the
lists' names, masked phones) and audit (`representative.list` / `.view`, `contact.list` /
`.view` with the ids shown) as the pages, and the same actions for the writes.
"""

# No `from __future__ import annotations`: ninja reads the operations' annotations at runtime.
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.params import functions as params

from tongcheng.audit.services import audit_record
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import Service
from tongcheng.engagement import selectors
from tongcheng.engagement.access import get_contact_for_user, get_representative_for_user
from tongcheng.engagement.actions.contacts import ContactInput, contact_create
from tongcheng.engagement.actions.representatives import (
    RepresentativeInput,
    representative_create,
)
from tongcheng.engagement.api.schemas import (
    AppointmentState,
    ContactCreateIn,
    ContactOut,
    ContactPage,
    RepresentativeCreateIn,
    RepresentativeDetailOut,
    RepresentativePage,
)
from tongcheng.engagement.errors import EngagementRefused
from tongcheng.engagement.forms import ContactForm
from tongcheng.engagement.identifiers import identity, listed_name, masked_phone
from tongcheng.engagement.models import Contact, Representative
from tongcheng.org.access import NotInScope
from tongcheng.org.apiauth import write_auth
from tongcheng.org.apierrors import declared
from tongcheng.org.models import Area, User
from tongcheng.registry.access import get_person_for_user
from tongcheng.registry.api.common import named, page_query

router = Router(tags=["engagement"])

STATE_QUERY: Any = params.Query(None, description="Only appointments in this state.")

AREA_QUERY: Any = params.Query("", max_length=12, description="Only this area's subtree (code).")
ENDING_QUERY: Any = params.Query(False, description="Only terms ending within 60 days.")
REP_QUERY: Any = params.Query(None, ge=1, le=2**31 - 1, description="Only this appointment's.")


# The talk's required fields, labelled as the page's form labels them.
REQUIRED_TALK = {
    name: ContactForm.base_fields[name].label for name in ("kind", "held_on", "summary")
}


def caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _name_of(user: User) -> str:
    return user.display_name or user.username


def rep_out(rep: Representative) -> dict[str, Any]:
    return {
        "id": rep.pk, "serial": rep.serial, "name": listed_name(rep),
        "has_file": rep.person_id is not None,
        "area": {"code": rep.area.code, "name": rep.area.name},
        "term_from": rep.term_from, "term_to": rep.term_to, "state": rep.state,
        "ended_on": rep.ended_on, "officer": _name_of(rep.officer),
    }  # fmt: skip


def rep_detail_out(rep: Representative) -> dict[str, Any]:
    _name, ethnicity, _phone = identity(rep)
    return {
        **rep_out(rep), "phone_masked": masked_phone(rep), "ethnicity": ethnicity,
        "office": rep.office, "duties": rep.duties, "end_reason": rep.end_reason,
    }  # fmt: skip


def contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk, "representative": contact.representative_id, "kind": contact.kind,
        "held_on": contact.held_on, "officer": _name_of(contact.officer),
        "topics": contact.topics, "summary": contact.summary, "follow_up": contact.follow_up,
        "case": str(contact.case) if contact.case is not None else None,
        "created_at": contact.created_at,
    }  # fmt: skip


def errors_of(problem: ValidationError | EngagementRefused | CaseRefused) -> list[dict[str, str]]:
    if isinstance(problem, EngagementRefused | CaseRefused):
        return [{"field": "", "code": "refused", "message": problem.message}]
    if not hasattr(problem, "error_dict"):
        return [{"field": "", "code": "invalid", "message": m} for m in problem.messages]
    return [
        {"field": "" if field == NON_FIELD_ERRORS else field, "code": "invalid", "message": m}
        for field, messages in problem.message_dict.items()
        for m in messages
    ]


def bad_request(detail: str, errors: list[dict[str, str]]) -> Status[Any]:
    return Status(400, {"detail": detail, "errors": errors})


@router.get("/engagement/representatives", response=declared({200: RepresentativePage}, 404, 422),
            url_name="representative_list",
            summary="Appointments of representatives in the caller's scope")  # fmt: skip
def representative_list(
    request: HttpRequest, state: AppointmentState | None = STATE_QUERY,
    area: str = AREA_QUERY, ending: bool = ENDING_QUERY, page: int = page_query(),
) -> Any:  # fmt: skip
    user = caller(request)
    chosen = Area.objects.visible_to(user).filter(code=area).first() if area else None
    if area and chosen is None:
        raise NotInScope("area", area)
    result = selectors.representative_page(user, page, state=state or "", area=chosen,
                                           ending=ending)  # fmt: skip
    audit_record(actor=request, action="representative.list", object_type="representative",
                 detail={"page": "api", "ids": [rep.pk for rep in result.rows]})  # fmt: skip
    return {"items": [rep_out(rep) for rep in result.rows], "page": page,
            "has_next": result.has_next}  # fmt: skip


@router.get("/engagement/representatives/{pk}",
            response=declared({200: RepresentativeDetailOut}, 404, 422),
            url_name="representative_detail",
            summary="One appointment (the phone masked)")  # fmt: skip
def representative_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    rep = get_representative_for_user(caller(request), pk)
    audit_record(actor=request, action="representative.view", object_type="representative",
                 object_id=rep.pk, area_code=rep.area_code)  # fmt: skip
    return rep_detail_out(rep)


def _rep_input(user: User, sent: RepresentativeCreateIn) -> RepresentativeInput | list[Any]:
    person = get_person_for_user(user, sent.person, write=True) if sent.person else None
    area = Area.objects.filter(code=sent.area).first()
    officer = User.objects.filter(pk=sent.officer).first()
    account = User.objects.filter(pk=sent.account).first() if sent.account else None
    errors = []
    if area is None:
        errors.append({"field": "area", "code": "unknown", "message": _("No area has this code.")})
    if officer is None:
        errors.append({"field": "officer", "code": "unknown",
                       "message": _("No account has this id.")})  # fmt: skip
    if sent.account and account is None:
        errors.append({"field": "account", "code": "unknown",
                       "message": _("No account has this id.")})  # fmt: skip
    if errors:
        return errors
    assert area is not None and officer is not None
    return RepresentativeInput(
        person=person, name=sent.name or "", ethnicity=sent.ethnicity or "",
        phone=sent.phone or "", area=area, term_from=sent.term_from, term_to=sent.term_to,
        office=sent.office, officer=officer, duties=[str(d) for d in sent.duties],
        account=account,
    )  # fmt: skip


@router.post("/engagement/representatives",
             response=declared({201: RepresentativeDetailOut}, 404, 409),
             url_name="representative_create", auth=write_auth("api:representative_create"),
             summary="Appoint a representative (of a file, or a resident without one)")  # fmt: skip
def representative_create_op(request: HttpRequest, payload: RepresentativeCreateIn) -> Any:
    user = caller(request)
    data = _rep_input(user, payload)
    if isinstance(data, list):
        return bad_request(_("The appointment has errors."), data)
    try:
        rep = representative_create(actor=user, data=data)
    except ValidationError as problem:
        return bad_request(_("The appointment has errors."), errors_of(problem))
    except EngagementRefused as refused:
        return Status(409, {"detail": refused.message})
    return Status(201, rep_detail_out(get_representative_for_user(user, rep.pk)))


@router.get("/engagement/contacts", response=declared({200: ContactPage}, 404, 422),
            url_name="contact_list",
            summary="Talks with representatives in the caller's scope, latest first")  # fmt: skip
def contact_list(request: HttpRequest, representative: int | None = REP_QUERY,
                 page: int = page_query()) -> Any:  # fmt: skip
    user = caller(request)
    found = Contact.objects.visible_to(user).select_related("officer", "case")
    if representative is not None:
        found = found.filter(representative=get_representative_for_user(user, representative))
    start = (page - 1) * selectors.PAGE
    rows = list(found.order_by("-held_on", "-pk")[start : start + selectors.PAGE + 1])
    shown = rows[: selectors.PAGE]
    audit_record(actor=request, action="contact.list", object_type="contact",
                 detail={"page": "api", "ids": [c.pk for c in shown]})  # fmt: skip
    return {"items": [contact_out(c) for c in shown], "page": page,
            "has_next": len(rows) > selectors.PAGE}  # fmt: skip


@router.get("/engagement/contacts/{pk}", response=declared({200: ContactOut}, 404, 422),
            url_name="contact_detail", summary="One talk with a representative")  # fmt: skip
def contact_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    contact = get_contact_for_user(caller(request), pk)
    audit_record(actor=request, action="contact.view", object_type="contact",
                 object_id=contact.pk, area_code=contact.area_code)  # fmt: skip
    return contact_out(contact)


@router.post("/engagement/representatives/{pk}/contacts",
             response=declared({201: ContactOut}, 404, 409, 422), url_name="contact_create",
             auth=write_auth("api:contact_create"),
             summary="Record a talk (case_service opens its follow-up as a case)")  # fmt: skip
def contact_create_op(request: HttpRequest, pk: int, payload: ContactCreateIn) -> Any:
    user = caller(request)
    rep = get_representative_for_user(user, pk, write=True)
    missing = [
        {"field": name, "code": "missing", "message": named(label, _("This field is required."))}
        for name, label in REQUIRED_TALK.items()
        if getattr(payload, name) in (None, "")
    ]
    if missing:
        return bad_request(_("The talk has errors."), missing)
    assert payload.kind is not None and payload.held_on is not None
    service = None
    if payload.case_service:
        service = Service.objects.filter(code=payload.case_service, active=True).first()
        if service is None:
            message = _("No service of the catalogue has this code.")
            error = {"field": "case_service", "code": "unknown", "message": message}
            return bad_request(_("The talk has errors."), [error])
    data = ContactInput(kind=payload.kind, held_on=payload.held_on, summary=payload.summary or "",
                        topics=[str(t) for t in payload.topics], follow_up=payload.follow_up,
                        case_service=service)  # fmt: skip
    try:
        contact = contact_create(actor=user, rep_id=rep.pk, data=data)
    except (ValidationError, CaseRefused) as problem:
        return bad_request(_("The talk has errors."), errors_of(problem))
    except EngagementRefused as refused:
        return Status(409, {"detail": refused.message})
    return Status(201, contact_out(get_contact_for_user(user, contact.pk)))
