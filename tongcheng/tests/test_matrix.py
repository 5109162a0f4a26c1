"""The authorisation matrix: every role of the cast × every policy entry × {own, sibling, other}.

Driven by every app's policy entries (tongcheng.org.contributions.policy_table): a role outside
an entry gets 403; inside it, an object outside the member's scope gets 404, one inside it is
served. The expectations for scope are
written out by hand below (not computed by the code under test), so a scoping bug shows up as a
mismatch. Each cell runs in a rolled-back savepoint, so a write in one cell cannot change the next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse

from tongcheng.conftest import CAST
from tongcheng.lib.contributions import Access, Public
from tongcheng.org.contributions import policy_table
from tongcheng.org.models import Area, Membership, User

# The three objects each cell is tried against.
AREAS = {"own": "140403001001", "sibling": "140403002001", "other": "140404001001"}
ACCOUNTS = {"own": "community_a", "sibling": "community_b", "other": "other_district"}
ALL = frozenset(AREAS)

# Which of the three areas lies in each cast member's scope (their membership's subtree).
AREA_SCOPE: dict[str, frozenset[str]] = {
    "community_a": frozenset({"own"}),
    "community_b": frozenset({"sibling"}),
    "street": frozenset({"own"}),
    "district": frozenset({"own", "sibling"}),
    "other_district": frozenset({"other"}),
    "liaison": ALL,
    "hotline": ALL,
    "volunteer": frozenset({"own", "sibling"}),
    "representative": frozenset({"own"}),
    "inspector": frozenset({"own", "sibling"}),
    "leader": ALL,
    "city_admin": ALL,
    "sys_admin": ALL,
    "security_admin": ALL,
    "audit_admin": ALL,
}

# Cases: as areas, except that a legal-aid volunteer sees only the cases assigned to them (with
# the person's consent on file), and the matrix's cases are assigned to nobody.
CASE_SCOPE: dict[str, frozenset[str]] = {**AREA_SCOPE, "volunteer": frozenset()}

# Joint meetings: the offices see their district's (a street officer or inspector below it too),
# the cast liaison the meetings its unit is invited to (the matrix's meetings invite it).
MEETING_SCOPE: dict[str, frozenset[str]] = {**AREA_SCOPE, "street": frozenset({"own", "sibling"})}

# Accounts each account manager may read, and may change (it could grant all their roles).
ACCOUNT_READ: dict[str, frozenset[str]] = {
    "district": frozenset({"own", "sibling"}),
    "other_district": frozenset({"other"}),
    "city_admin": ALL,
    "security_admin": ALL,
}
ACCOUNT_WRITE: dict[str, frozenset[str]] = {
    "district": frozenset({"own", "sibling"}),
    "other_district": frozenset(),  # its only account in scope is its own district office
    "city_admin": ALL,
    "security_admin": ALL,
}


def area_kwargs(which: str) -> dict[str, str]:
    return {"code": AREAS[which]}


def service_point_kwargs(which: str) -> dict[str, str]:
    return {"code": AREAS[which], "kind": "community_centre"}


def account_kwargs(which: str) -> dict[str, Any]:
    return {"pk": User.objects.get(username=ACCOUNTS[which]).pk}


def person_kwargs(which: str) -> dict[str, Any]:
    from tongcheng.registry.tests.factories import make_person

    return {"pk": make_person(AREAS[which], name="矩阵测试").pk}


def consent_kwargs(which: str) -> dict[str, Any]:
    from tongcheng.registry.models import Consent
    from tongcheng.registry.tests.factories import make_person

    person = make_person(AREAS[which], name="矩阵测试")
    consent = Consent.objects.create(
        person=person, kind=Consent.Kind.LEGAL_AID_SHARING, given_on=date(2026, 1, 5)
    )
    return {"pk": person.pk, "consent_pk": consent.pk}


def duplicate_kwargs(which: str) -> dict[str, Any]:
    from tongcheng.registry.models import DuplicateCandidate
    from tongcheng.registry.tests.factories import make_person

    person = make_person(AREAS[which], name="矩阵测试")
    other = make_person(AREAS[which], name="矩阵测试")
    candidate = DuplicateCandidate.objects.create(
        person=person,
        other=other,
        area_code=person.area_code,
        reason=DuplicateCandidate.Reason.SAME_NAME_AND_BIRTH,
    )
    return {"pk": candidate.pk}


def incoming_transfer_kwargs(which: str) -> dict[str, Any]:
    # A pending transfer INTO the target community, of a file that lives elsewhere.
    from tongcheng.registry.models import Movement
    from tongcheng.registry.tests.factories import make_person

    person = make_person("140405001001" if which != "other" else AREAS["own"], name="矩阵测试")
    movement = Movement.objects.create(
        person=person,
        kind=Movement.Kind.TRANSFER,
        state=Movement.State.PENDING,
        from_area=person.community,
        to_area=Area.objects.get(code=AREAS[which]),
        moved_on=date(2026, 1, 5),
        requested_by=User.objects.get(username="city_admin"),
    )
    return {"pk": movement.pk}


def import_kwargs(which: str) -> dict[str, Any]:
    from tongcheng.registry.models import ImportJob

    area = Area.objects.get(code=AREAS[which])
    job = ImportJob.objects.create(
        community=area,
        area_code=area.code,
        file_name="台账.xlsx",
        file_sha256="0" * 64,
        state=ImportJob.State.INVALID,
        created_by=User.objects.get(username="city_admin"),
    )
    return {"pk": job.pk}


def rejected_import_kwargs(which: str) -> dict[str, Any]:
    """A checked job with a rejected row and its upload kept: its rejected rows can be had."""
    from tongcheng.registry.actions.uploads import upload_store
    from tongcheng.registry.models import ImportJob
    from tongcheng.registry.tests.test_import import good_rows, ledger_bytes

    area = Area.objects.get(code=AREAS[which])
    job = ImportJob.objects.create(
        community=area,
        area_code=area.code,
        file_name="台账.xlsx",
        file_sha256=f"{which:0>64}"[-64:],
        state=ImportJob.State.READY,
        summary={"errors": 1, "error_rows": [5], "create": 1},
        errors=[{"row": 5, "column": "民族 (C)", "message": "?", "code": "unknown"}],
        created_by=User.objects.get(username="city_admin"),
    )
    upload_store(job=job, content=ledger_bytes(good_rows(2)))
    return {"pk": job.pk}


def case_kwargs(which: str) -> dict[str, Any]:
    """A case of the target community, dispatched to the city's 人社局 (the cast's liaison)."""
    from tongcheng.cases.actions.workflow import case_dispatch
    from tongcheng.cases.tests.factories import open_case
    from tongcheng.org.models import Department

    case = open_case(User.objects.get(username="city_admin"), Area.objects.get(code=AREAS[which]))
    case = case_dispatch(
        actor=User.objects.get(username="city_admin"),
        case_id=case.pk,
        expected_version=case.version,
        lead=Department.objects.get(code="city-hrss"),
    )
    return {"pk": case.pk}


def approved_extension_kwargs(which: str) -> dict[str, Any]:
    """An approved extension on the target community's case (the caller is still to be told)."""
    from tongcheng.cases.actions.workflow import (
        case_decide_extension,
        case_request_extension,
        case_sign,
    )
    from tongcheng.cases.models import Case

    pk = case_kwargs(which)["pk"]
    unit = User.objects.get(username="liaison")
    case = case_sign(actor=unit, case_id=pk, expected_version=Case.objects.get(pk=pk).version)
    assert case.handle_due is not None
    extension = case_request_extension(
        actor=unit, case_id=pk, expected_version=case.version,
        new_due=case.handle_due.date() + timedelta(days=10), reason="矩阵",
    )  # fmt: skip
    case_decide_extension(
        actor=User.objects.get(username="city_admin"), case_id=pk,
        expected_version=Case.objects.get(pk=pk).version, approve=True, note="",
    )  # fmt: skip
    return {"pk": extension.pk}


def case_version(pk: int) -> int:
    from tongcheng.cases.models import Case

    return Case.objects.get(pk=pk).version


def case_move_kwargs(which: str) -> dict[str, Any]:
    return case_kwargs(which) | {"move": "sign"}


def own_notification_kwargs(which: str, username: str) -> dict[str, Any]:
    """A notification of the requesting account ("own"), or of another account."""
    from tongcheng.notify.models import Notification

    owner = username if which == "own" else ("sys_admin" if username != "sys_admin" else "leader")
    user = User.objects.get(username=owner)
    return {"pk": Notification.objects.create(user=user, kind="k", key=f"matrix:{which}").pk}


def case_service_kwargs(which: str) -> dict[str, Any]:
    # The matrix's case is a job-seeking case (an employment service) led by the cast liaison.
    return case_kwargs(which) | {"step": "employment"}


def certification_kwargs(which: str) -> dict[str, Any]:
    """A certification granted on a case of a file in the target community; its case is
    dispatched to the cast liaison's unit (人社局), so that the liaison is its unit."""
    from tongcheng.cases.actions.workflow import case_dispatch
    from tongcheng.cases.certcodes import verify_code_column
    from tongcheng.cases.servicemodels import Certification
    from tongcheng.cases.tests.factories import open_case
    from tongcheng.org.models import Department
    from tongcheng.registry.tests.factories import make_person

    admin = User.objects.get(username="city_admin")
    person = make_person(AREAS[which], name="矩阵测试")
    case = open_case(admin, person.community, person=person, caller_name="",
                     service_code="hardship-certification")  # fmt: skip
    unit = Department.objects.get(code="city-hrss")
    case_dispatch(actor=admin, case_id=case.pk, expected_version=case.version, lead=unit)
    certification = Certification.objects.create(
        case=case, person=person, area_code=person.area_code, department=unit,
        serial=f"TK2026M{person.pk:07d}", verify_code_enc=verify_code_column("ABCDEF"),
        valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31),
    )  # fmt: skip
    return {"pk": certification.pk}


def volunteer_kwargs(which: str) -> dict[str, Any]:
    """A volunteer on the team of the target community's district."""
    from tongcheng.cases.servicemodels import LegalVolunteer
    from tongcheng.lib.roles import Role

    district = Area.objects.get(code=AREAS[which]).parent.parent  # type: ignore[union-attr]
    user = User.objects.create(username=f"matrix.volunteer.{which}")
    Membership.objects.create(user=user, role=Role.LEGAL_VOLUNTEER, area=district)
    volunteer = LegalVolunteer.objects.create(
        user=user,
        district=district,
        area_code=district.code,
        name="矩阵测试",
        contact="13800000000",
    )
    return {"pk": volunteer.pk}


def article_kwargs(which: str) -> dict[str, Any]:
    """A knowledge-base entry: city-wide reference, the same for every target."""
    from tongcheng.hotline.models import Article

    return {"pk": Article.objects.create(title="矩阵", question="问", answer="答").pk}


def service_limit_kwargs(which: str) -> dict[str, Any]:
    """A service's own time limits: city-wide reference, the same for every target."""
    from tongcheng.cases.models import TimeLimit
    from tongcheng.cases.tests.factories import service

    limits = {"dispatch": "1d", "sign": "1d", "handle": "3d", "follow_up": "1d"}
    row = TimeLimit.objects.create(nature="help", urgency="normal", service=service(), **limits)
    return {"pk": row.pk}


def meeting_kwargs(which: str) -> dict[str, Any]:
    """A joint meeting of the target community's district, inviting the cast liaison's unit."""
    from tongcheng.meetings.tests.factories import meeting

    district = AREAS[which][:6].ljust(12, "0")
    return {"pk": meeting(district, units=["city-hrss"]).pk}


def meeting_document_kwargs(which: str) -> dict[str, Any]:
    return meeting_kwargs(which) | {"document": "notice", "kind": "docx"}


def action_item_kwargs(which: str) -> dict[str, Any]:
    """An action item of such a meeting, assigned to the cast liaison's unit."""
    from tongcheng.meetings.tests.factories import action_item

    return {"pk": action_item(meeting_kwargs(which)["pk"], "city-hrss").pk}


def attachment_kwargs(which: str) -> dict[str, Any]:
    """A photo attached to the matrix's case of the target community (by the city office)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongcheng.cases.attachments.actions import attachments_add
    from tongcheng.cases.attachments.rules import check_upload
    from tongcheng.lib.tests.filesamples import png

    kwargs = case_kwargs(which)
    checked = check_upload(SimpleUploadedFile("矩阵.png", png()))
    admin = User.objects.get(username="city_admin")
    (attachment,) = attachments_add(actor=admin, case_id=kwargs["pk"], files=[checked])
    return kwargs | {"attachment_pk": attachment.pk}


def representative_kwargs(which: str) -> dict[str, Any]:
    """An appointment in the target community (its officer the city office)."""
    from tongcheng.engagement.tests.factories import appoint

    admin = User.objects.get(username="city_admin")
    return {
        "pk": appoint(admin, Area.objects.get(code=AREAS[which]), term_from=date(2026, 1, 1)).pk
    }


def engagement_contact_kwargs(which: str) -> dict[str, Any]:
    """A phone talk with an appointment of the target community."""
    from tongcheng.engagement.tests.factories import appoint, talk

    admin = User.objects.get(username="city_admin")
    rep = appoint(admin, Area.objects.get(code=AREAS[which]), term_from=date(2026, 1, 1))
    return {"pk": talk(admin, rep, date(2026, 2, 3)).pk}


def membership_kwargs(which: str) -> dict[str, Any]:
    membership = Membership.objects.get(user__username=ACCOUNTS[which])
    return {"pk": membership.user_id, "membership_pk": membership.pk}


# URL name → (kwargs for a target, which scope table decides 404 for it). A "self" target is an
# object of one account: its kwargs function also takes the requesting username, and only
# "own" (the account's own object) is found. A "global" target is city-wide reference data.
Target = tuple[Callable[..., dict[str, Any]], str]
TARGETS: dict[str, Target] = {
    "org:area_detail": (area_kwargs, "area"),
    "org:area_rollout_edit": (area_kwargs, "area"),
    "org:service_point_edit": (service_point_kwargs, "area"),
    "org:user_detail": (account_kwargs, "account"),
    "org:user_edit": (account_kwargs, "account"),
    "org:user_set_active": (account_kwargs, "account"),
    "org:user_reset_two_factor": (account_kwargs, "account"),
    "org:membership_add": (account_kwargs, "account"),
    "org:membership_remove": (membership_kwargs, "account"),
    "api:area_detail": (area_kwargs, "area"),
    "registry:person_detail": (person_kwargs, "area"),
    "registry:person_edit": (person_kwargs, "area"),
    "registry:person_reveal": (person_kwargs, "area"),
    "registry:person_notice": (person_kwargs, "area"),
    "registry:household_edit": (person_kwargs, "area"),
    "registry:consent_add": (person_kwargs, "area"),
    "registry:consent_withdraw": (consent_kwargs, "area"),
    "registry:duplicate_resolve": (duplicate_kwargs, "area"),
    "registry:visit_create": (person_kwargs, "area"),
    "registry:movement_create": (person_kwargs, "area"),
    "registry:transfer_request": (person_kwargs, "area"),
    "registry:transfer_decide": (incoming_transfer_kwargs, "area"),
    "registry:import_detail": (import_kwargs, "area"),
    "registry:import_commit": (import_kwargs, "area"),
    "registry:import_cancel": (import_kwargs, "area"),
    "registry:import_sheet": (import_kwargs, "area"),
    "registry:import_commit_valid": (import_kwargs, "area"),
    "registry:import_rejected": (rejected_import_kwargs, "area"),
    "api:person_detail": (person_kwargs, "area"),
    "api:person_update": (person_kwargs, "area"),
    "api:person_visit_list": (person_kwargs, "area"),
    "api:person_visit_create": (person_kwargs, "area"),
    "api:person_movement_list": (person_kwargs, "area"),
    "api:person_movement_create": (person_kwargs, "area"),
    "api:transfer_decide": (incoming_transfer_kwargs, "area"),
    "cases:case_detail": (case_kwargs, "case"),
    "cases:case_move": (case_move_kwargs, "case"),
    "cases:case_reveal": (case_kwargs, "case"),
    "cases:case_create": (person_kwargs, "area"),
    "notify:open": (own_notification_kwargs, "self"),
    "hotline:article_edit": (article_kwargs, "global"),
    "cases:time_limit_delete": (service_limit_kwargs, "global"),
    "cases:case_service": (case_service_kwargs, "case"),
    "cases:certificate": (certification_kwargs, "case"),
    "cases:certificate_pdf": (certification_kwargs, "case"),
    "cases:volunteer_edit": (volunteer_kwargs, "area"),
    "api:case_detail": (case_kwargs, "case"),
    "api:case_dispatch": (case_kwargs, "case"),
    "api:case_sign": (case_kwargs, "case"),
    "api:case_return": (case_kwargs, "case"),
    "api:case_adjudicate": (case_kwargs, "case"),
    "api:case_reply": (case_kwargs, "case"),
    "api:case_follow_up": (case_kwargs, "case"),
    "api:case_close_direct": (case_kwargs, "case"),
    "api:case_request_extension": (case_kwargs, "case"),
    "api:case_decide_extension": (case_kwargs, "case"),
    "api:case_supervise": (case_kwargs, "case"),
    "hotline:caller_told": (approved_extension_kwargs, "case"),
    "meetings:meeting_detail": (meeting_kwargs, "meeting"),
    "meetings:meeting_answer": (meeting_kwargs, "meeting"),
    "meetings:meeting_report": (meeting_kwargs, "meeting"),
    "meetings:meeting_minutes": (meeting_kwargs, "meeting"),
    "meetings:meeting_attendance": (meeting_kwargs, "meeting"),
    "meetings:item_create": (meeting_kwargs, "meeting"),
    "meetings:meeting_document": (meeting_document_kwargs, "meeting"),
    "meetings:item_detail": (action_item_kwargs, "meeting"),
    "meetings:item_report": (action_item_kwargs, "meeting"),
    "meetings:item_supervise": (action_item_kwargs, "meeting"),
    "api:meeting_detail": (meeting_kwargs, "meeting"),
    "api:action_item_detail": (action_item_kwargs, "meeting"),
    "api:action_item_report": (action_item_kwargs, "meeting"),
    "cases:attachment_upload": (case_kwargs, "case"),
    "cases:attachment_download": (attachment_kwargs, "case"),
    "cases:attachment_remove": (attachment_kwargs, "case"),
    "api:case_attachment_list": (case_kwargs, "case"),
    "api:case_attachment_upload": (case_kwargs, "case"),
    "api:case_attachment_download": (attachment_kwargs, "case"),
    "api:case_attachment_remove": (attachment_kwargs, "case"),
    "engagement:representative_detail": (representative_kwargs, "area"),
    "engagement:representative_edit": (representative_kwargs, "area"),
    "engagement:representative_end": (representative_kwargs, "area"),
    "engagement:letter_pdf": (representative_kwargs, "area"),
    "engagement:contact_create": (representative_kwargs, "area"),
    "engagement:contact_delete": (engagement_contact_kwargs, "area"),
    "engagement:representative_create_for_file": (person_kwargs, "area"),
    "api:representative_detail": (representative_kwargs, "area"),
    "api:contact_detail": (engagement_contact_kwargs, "area"),
    "api:contact_create": (representative_kwargs, "area"),
}
# Entries whose URL takes fixed arguments that are not scoped objects.
FIXED_KWARGS: dict[str, dict[str, str]] = {
    "org:department_detail": {"code": "city-hrss"},
    # A year the package does not cover, so the page offers its form (an empty POST: 400).
    "org:calendar_year_edit": {"year": "2027"},
    "engagement:festival_edit": {"year": "2027"},
    "audit:object_history": {"object_type": "area", "object_id": AREAS["own"]},
}
# Operations that are not writes of records but still only answer POST.
POST_ONLY = {"logout", "notify:open"}
# API updates answer PATCH with a JSON body and an If-Match header (412/428 otherwise).
PATCH_JSON = {"api:person_update"}
# API writes that take a JSON body: "{}" reaches the scope check (a form-encoded empty POST would
# be refused as an unreadable body first) and then fails validation (400).
POST_JSON = {
    "api:person_visit_create", "api:person_movement_create", "api:transfer_decide",
    "api:meeting_create", "api:action_item_report", "api:case_attachment_remove",
    "api:representative_create", "api:contact_create",
}  # fmt: skip
# API moves of a case: "{}" with the case's version in If-Match, as a client that has just read it
# (428/412 otherwise); the move's form or the action then refuses (400/409) or makes it.
CASE_MOVES = {
    "api:case_dispatch",
    "api:case_sign",
    "api:case_return",
    "api:case_adjudicate",
    "api:case_reply",
    "api:case_follow_up",
    "api:case_close_direct",
    "api:case_request_extension",
    "api:case_decide_extension",
    "api:case_supervise",
}


def expected(username: str, name: str, entry: Access, which: str | None) -> str:
    role = CAST[username][0]
    if role not in entry.roles:
        return "403"
    if which is None:
        return "ok"
    kind = TARGETS[name][1]
    if kind == "self":
        return "ok" if which == "own" else "404"
    if kind == "global":  # city-wide reference data: the role decides, not the target
        return "ok"
    if kind == "account":
        readable = which in ACCOUNT_READ.get(username, frozenset())
        if not readable:
            return "404"
        if entry.write and which not in ACCOUNT_WRITE.get(username, frozenset()):
            return "403"
        return "ok"
    scope = {"case": CASE_SCOPE, "meeting": MEETING_SCOPE}.get(kind, AREA_SCOPE)
    return "ok" if which in scope[username] else "404"


def observed(status: int) -> str:
    if status in (403, 404):
        return str(status)
    if status < 400 or status in (400, 405, 409, 422):
        # 400/422: the empty test POST was refused by validation — the permission layer passed.
        return "ok"
    return f"error {status}"


def test_it_runs_every_cell_of_the_matrix(cast: Any, capsys: Any) -> None:
    cells = 0
    mismatches: list[str] = []
    for name, entry in sorted(policy_table().items()):
        if isinstance(entry, Public):
            continue
        targets: list[str | None] = list(AREAS) if name in TARGETS else [None]
        for username in CAST:
            client = cast.client(username)
            for which in targets:
                url = "" if which is not None else reverse(name, kwargs=FIXED_KWARGS.get(name))
                kwargs: dict[str, Any] = {}
                post = entry.write or name in POST_ONLY
                with transaction.atomic():
                    # Inside the savepoint: objects the targets create vanish with the cell.
                    if which is not None:
                        kwargs_for, kind = TARGETS[name]
                        given = (which, username) if kind == "self" else (which,)
                        kwargs = kwargs_for(*given)
                        url = reverse(name, kwargs=kwargs)
                    if name in CASE_MOVES:
                        response = client.post(
                            url, "{}", content_type="application/json",
                            headers={"If-Match": f'"{case_version(kwargs["pk"])}"'},
                        )  # fmt: skip
                    elif name in PATCH_JSON:
                        response = client.patch(
                            url, "{}", content_type="application/json", headers={"If-Match": '"1"'}
                        )
                    elif name in POST_JSON:
                        response = client.post(url, "{}", content_type="application/json")
                    elif post:
                        response = client.post(url)
                    else:
                        response = client.get(url)
                    transaction.set_rollback(True)
                cells += 1
                want = expected(username, name, entry, which)
                got = observed(response.status_code)
                if want != got:
                    mismatches.append(
                        f"{name} as {username} on {which or '-'}: want {want}, got {got}"
                    )
    with capsys.disabled():
        print(f"\nauthorisation matrix: {cells} cells, {len(mismatches)} mismatches")
    assert mismatches == []


def test_it_has_a_target_for_every_url_with_an_object() -> None:
    # A new URL that takes an object id must say how the matrix picks own/sibling/other.
    from django.urls import get_resolver

    for name in policy_table():
        if isinstance(policy_table()[name], Public):
            continue
        try:
            reverse(name, kwargs=FIXED_KWARGS.get(name))
        except Exception:
            assert name in TARGETS, f"{name} takes arguments but has no matrix target"
    assert get_resolver() is not None
