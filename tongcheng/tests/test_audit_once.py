"""Every page and API operation that shows residents' personal data writes exactly one audit event.

The walk is driven by the project itself, not by a list typed here: every URL pattern
(`get_resolver()`) and every operation of the OpenAPI document. Each one is declared either in its
policy entry (`personal=True`, tongcheng.lib.contributions.Access) or below in NOT_PERSONAL with
the reason it shows none; a new URL with neither fails. Each personal page is then opened (GET)
as a role its entry allows, on a real file in that role's scope, and must write one event, which
names the file (a page of one file) or the ids shown (a list); and it must answer `no-store`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import CAST, Cast
from tongcheng.lib.contributions import Access, Public
from tongcheng.org.contributions import policy_table
from tongcheng.tests.test_matrix import FIXED_KWARGS, TARGETS, person_kwargs
from tongcheng.tests.test_policy import url_names

pytestmark = pytest.mark.django_db

# Pages and operations that show no resident's personal data, each with the reason.
NOT_PERSONAL: dict[str, str] = {
    "healthz": "public: the process status",
    "readyz": "public: the database status",
    "set_language": "public: sets the language cookie",
    "login": "public: the login form",
    "login_two_factor": "public: the code form",
    "logout": "the confirmation form; the logout is audited as a write",
    "home": "the account's own roles, areas, service points and to-do counts",
    "account:profile": "the account's own roles and areas",
    "account:password_change": "the account's own password form; the change is audited",
    "account:two_factor_setup": "the account's own enrolment; audited as a write",
    "org:area_list": "reference data: areas",
    "org:area_detail": "reference data: an area, its rollout and service points",
    "org:area_rollout_edit": "POST only: a write of reference data, audited as one",
    "org:service_point_edit": "reference data: a service point's form",
    "org:department_list": "reference data: member units",
    "org:department_detail": "reference data: a member unit's duties",
    "org:leading_group": "reference data: the leading group's positions",
    "org:calendar_years": "reference data: the calendar's years and the staff who entered them",
    "org:calendar_year_edit": "reference data: a year's holidays; the save is audited",
    "org:user_list": "staff accounts, not residents (the read is audited as user.list)",
    "org:user_detail": "a staff account, not a resident (audited as user.view)",
    "org:user_create": "the empty account form",
    "org:user_edit": "a staff account's display name; the change is audited",
    "org:user_set_active": "POST only: a write, audited as one",
    "org:user_reset_two_factor": "POST only: a write, audited as one",
    "org:membership_add": "POST only: a write, audited as one",
    "org:membership_remove": "POST only: a write, audited as one",
    "registry:consent_add": "POST only: a write, audited as one",
    "registry:consent_withdraw": "POST only: a write, audited as one",
    "registry:completeness": "counts per area, no file",
    "registry:import_list": "the uploader's own jobs: file names, states and counts",
    "registry:import_template": "the empty Excel template",
    "registry:import_detail": "a job's counts and row numbers, no file's values",
    "registry:import_commit": "POST only: the import, audited as one",
    "registry:import_cancel": "POST only: a write, audited as one",
    "registry:import_sheet": "POST only: a new check of the job, audited as import.sheet",
    "registry:import_commit_valid": "POST only: the import, audited as one",
    "registry:export": "the export form; the download itself is a POST audited as person.export",
    "registry:stats": "counts only, small cells suppressed",
    "api:api-root": "public: always 404",
    "api:openapi-json": "public: the API's schema",
    "api:openapi-view": "the interactive documentation page",
    "api:me": "the calling account itself",
    "api:area_list": "reference data: areas",
    "api:area_detail": "reference data: an area",
    "api:department_list": "reference data: member units",
    # Writes: the write's own event is the request's event.
    "api:person_create": "a write (POST), audited as person.create",
    "api:person_update": "a write (PUT/PATCH), audited as person.update",
    "api:person_visit_create": "a write (POST), audited as visit.create",
    "api:person_movement_create": "a write (POST), audited as its movement",
    "api:transfer_decide": "a write (POST), audited as its decision",
    "cases:case_move": "POST only: a move of a case, audited as its case.<move> event",
    "api:hotline_platform_event": "POST only: the platform's signed tickets and call events",
    "hotline:track": "the public look-up form (GET); each look-up (POST) is audited",
    "cases:inbox_sign": "POST only: signs cases, each audited as its case.sign event",
    "cases:time_limits": "the time limits (reference data); a save is audited",
    "cases:time_limit_delete": "POST only: removes a service's limits, audited",
    "hotline:call_list": "the calls ringing now: masked numbers and times, no file",
    "hotline:community_options": "names of communities (reference data)",
    "hotline:intake": "POST only: opens a case, audited as case.create",
    "hotline:article_list": "the knowledge base: policy answers, nothing personal",
    "hotline:article_create": "the knowledge-base form; the save is audited",
    "hotline:article_edit": "a knowledge-base entry; the save is audited",
    # Joint meetings name units, officials and decisions, never a resident; writes are audited.
    "meetings:meeting_list": "joint meetings: units, times and places, nothing personal",
    "meetings:meeting_create": "the form of a joint meeting; convening it is audited",
    "meetings:meeting_setting": "an office's meeting cadence; a save is audited",
    "meetings:meeting_detail": "a joint meeting: agenda, units' answers and reports, minutes",
    "meetings:meeting_document": "a meeting's notice or minutes (units, no resident), audited",
    "meetings:meeting_answer": "POST only: a unit's answer, audited as meeting.answer",
    "meetings:meeting_report": "POST only: a unit's work report, audited as meeting.report",
    "meetings:meeting_minutes": "POST only: the minutes, audited as meeting.minutes",
    "meetings:meeting_attendance": "POST only: the sign-in, audited as meeting.attendance",
    "meetings:item_create": "POST only: an action item, audited as action_item.create",
    "meetings:item_list": "action items: decisions, units and deadlines, nothing personal",
    "meetings:item_detail": "an action item and its notes, nothing personal",
    "meetings:item_report": "POST only: a unit's report, audited as action_item.<step>",
    "meetings:item_supervise": "POST only: 督办, audited as action_item.supervise",
    "meetings:mine": "a liaison's unit's invitations and items, nothing personal",
    "meetings:compliance": "counts of action items per unit",
    "api:meeting_list": "joint meetings, nothing personal",
    "api:meeting_detail": "a joint meeting, nothing personal",
    "api:meeting_create": "a write (POST), audited as meeting.create",
    "api:action_item_list": "action items, nothing personal",
    "api:action_item_detail": "an action item, nothing personal",
    "api:action_item_report": "a write (POST), audited as action_item.<step>",
    "notify:list": "one's own notifications: case numbers, services and units, nothing personal",
    "notify:bell": "a count of one's own unread notifications",
    "notify:open": "marks one's own notification read and redirects",
    "notify:read_all": "POST only: marks one's own notifications read",
    "notify:preferences": "one's own settings (one's own mobile, not a resident's)",
    "cases:case_service": "POST only: a service step of a case, audited as its case.<step> event",
    "cases:relief_sums": "sums of relief per year and area, no person",
    "cases:volunteer_list": "the legal-aid volunteer team: volunteers, not residents",
    "cases:volunteer_create": "the volunteer form; the save is audited as volunteer.create",
    "cases:volunteer_edit": "a volunteer's details, not a resident; the save is audited",
    "cases:kpi": "sums of the KPI summary per unit, district, service and month; no case",
    "api:case_create": "a write (POST), audited as case.create",
    "api:case_dispatch": "a move (POST), audited as its case.<move> event",
    "api:case_sign": "a move (POST), audited as its case.<move> event",
    "api:case_return": "a move (POST), audited as its case.<move> event",
    "api:case_adjudicate": "a move (POST), audited as its case.<move> event",
    "api:case_reply": "a move (POST), audited as its case.<move> event",
    "api:case_follow_up": "a move (POST), audited as its case.<move> event",
    "api:case_close_direct": "a move (POST), audited as its case.<move> event",
    "api:case_request_extension": "a move (POST), audited as its case.<move> event",
    "api:case_decide_extension": "a move (POST), audited as its case.<move> event",
    "api:case_supervise": "a move (POST), audited as its case.<move> event",
    "cases:provisional": "case numbers, services, communities and deadlines; no person",
    "hotline:caller_told": "POST only: records a call, audited as its case.caller_told event",
    "cases:attachment_upload": "POST only: attaches files, each audited as attachment.upload",
    "cases:attachment_remove": "POST only: removes an attachment, audited as attachment.remove",
    "api:case_attachment_upload": "a write (POST), audited as attachment.upload",
    "api:case_attachment_remove": "a write (POST), audited as attachment.remove",
    "engagement:representative_create": "the empty appointment form (areas and staff to choose)",
    "engagement:representative_end": "the end form names the letter's serial only; audited",
    "engagement:contact_delete": "POST only: a write, audited as contact.delete",
    "engagement:my_appointment": "the representative's own appointment (the account's own)",
    "engagement:compliance": "counts of talks due and done per area, officer and period",
    "engagement:festival_list": "reference data: the festival dates of each year",
    "engagement:festival_edit": "reference data: a year's festival dates; the save is audited",
    "api:representative_create": "a write (POST), audited as representative.create",
    "api:contact_create": "a write (POST), audited as contact.create",
}

# A page that shows two files side by side writes one event per file (each file's own history
# then shows the read), never two for one file.
ONE_EVENT_PER_FILE = {"registry:duplicate_resolve": 2}

# Pages whose personal content needs a query: the search, and create's look-up before the form.
SEARCH_NAME = "矩阵测试"
GET_VARIANTS: dict[str, list[dict[str, str]]] = {
    "registry:person_list": [{}, {"q": SEARCH_NAME}],
    "registry:person_create": [{"q": SEARCH_NAME}],
    "api:person_list": [{}, {"q": SEARCH_NAME}],
}

# Who opens each page: the first of these whose role the entry allows. Every target the walk
# builds lies in the first two's community, so each of them sees it; the liaison (last) opens
# its unit's inbox, and the matrix's cases are dispatched to its unit.
OPENERS = (
    "community_a", "district", "city_admin", "audit_admin", "security_admin", "sys_admin",
    "liaison", "hotline", "representative",
)  # fmt: skip


def _declared_personal() -> list[str]:
    return sorted(
        name
        for name, entry in policy_table().items()
        if isinstance(entry, Access) and entry.personal
    )


def _opener(entry: Access) -> str:
    for username in OPENERS:
        if CAST[username][0] in entry.roles:
            return username
    raise AssertionError(f"no cast member may open {entry}")


def _api_get_operations(client: Client) -> dict[str, str]:
    """URL name → path of every GET operation in the OpenAPI document."""
    document = client.get(reverse("api:openapi-json")).json()
    found = {}
    for path, operations in document["paths"].items():
        for method in operations:
            if method.lower() != "get":
                continue
            # Any value resolves the path template to its URL name.
            name = resolve(re.sub(r"\{[^}]+\}", "1", path)).view_name
            found[name] = path
    return found


def test_it_declares_every_url_and_api_operation() -> None:
    names = set(url_names())
    personal = set(_declared_personal())
    undeclared = sorted(names - personal - set(NOT_PERSONAL))
    assert undeclared == [], f"declare personal=True or add to NOT_PERSONAL: {undeclared}"
    assert sorted(personal & set(NOT_PERSONAL)) == [], "declared both ways"
    assert sorted(set(NOT_PERSONAL) - names) == [], "NOT_PERSONAL names no URL"
    assert all(reason.strip() for reason in NOT_PERSONAL.values())
    for name in personal:
        # A personal declaration on something nobody can open would test nothing.
        assert not isinstance(policy_table()[name], Public), name


def test_it_declares_every_api_get_operation(cast: Cast) -> None:
    operations = _api_get_operations(Client())
    assert "api:person_list" in operations
    undeclared = sorted(set(operations) - set(_declared_personal()) - set(NOT_PERSONAL))
    assert undeclared == []


def _target_url(name: str, username: str = "") -> tuple[str, dict[str, Any]]:
    """The URL of the own target (an object of `username` for a "self" target)."""
    if name not in TARGETS:
        kwargs = FIXED_KWARGS.get(name, {})
    else:
        kwargs_for, kind = TARGETS[name]
        kwargs = kwargs_for("own", username) if kind == "self" else kwargs_for("own")
    return reverse(name, kwargs=kwargs or None), kwargs


def _walk(cast: Cast) -> list[tuple[str, str, Any, dict[str, Any], list[AuditEvent]]]:
    """Open every personal page once per variant: (name, url, response, kwargs, events)."""
    opened = []
    for name in _declared_personal():
        entry = policy_table()[name]
        assert isinstance(entry, Access)
        client = cast.client(_opener(entry))
        for query in GET_VARIANTS.get(name, [{}]):
            url, kwargs = _target_url(name, _opener(entry))
            if name in GET_VARIANTS:
                # Something for the search to find, in the opener's community.
                person_kwargs("own")
            last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = client.get(url, query)
            events = list(AuditEvent.objects.filter(id__gt=last).order_by("id"))
            opened.append((f"{name} {query or ''}".strip(), url, response, kwargs, events))
    return opened


def test_it_writes_exactly_one_event_for_every_personal_page(cast: Cast) -> None:
    wrong = []
    for label, _url, response, kwargs, events in _walk(cast):
        name = label.split(" ")[0]
        want = ONE_EVENT_PER_FILE.get(name, 1)
        actions = [event.action for event in events]
        if response.status_code != 200:
            wrong.append(f"{label}: status {response.status_code}")
        elif len(events) != want:
            wrong.append(f"{label}: {len(events)} events {actions}, want {want}")
        elif want > 1 and len({(e.object_type, e.object_id) for e in events}) != want:
            wrong.append(f"{label}: one file audited twice {actions}")
        else:
            event = events[0]
            names_what = bool(event.object_id) or isinstance(event.detail.get("ids"), list)
            # The trail's own pages (audit.view) name their filter and count, not files.
            if not names_what and not name.startswith("audit:"):
                wrong.append(f"{label}: {event.action} names neither a file nor the ids shown")
            if TARGETS.get(name, (None,))[0] is person_kwargs and (
                event.object_type,
                event.object_id,
            ) != ("person", str(kwargs["pk"])):
                wrong.append(f"{label}: {event.action} does not name the file shown")
    assert wrong == [], "\n".join(wrong)


def test_it_answers_no_store_on_every_personal_page(cast: Cast) -> None:
    cached = [
        label
        for label, _url, response, _kwargs, _events in _walk(cast)
        if "no-store" not in response.get("Cache-Control", "")
    ]
    assert cached == [], "\n".join(cached)


def test_it_answers_no_store_on_every_authenticated_page(cast: Cast) -> None:
    # The rule is wider than personal pages: every answer to a logged-in account, whatever it is.
    cached = []
    for name, entry in sorted(policy_table().items()):
        if not isinstance(entry, Access):
            continue
        url, _kwargs = _target_url(name, _opener(entry))
        response = cast.client(_opener(entry)).get(url)
        if "no-store" not in response.get("Cache-Control", ""):
            cached.append(f"{name} ({response.status_code})")
    assert cached == [], "\n".join(cached)


def test_it_leaves_anonymous_public_pages_cacheable_as_before(cast: Cast) -> None:
    # Static files and public pages keep their own caching: no-store is for logged-in answers.
    response = Client().get(reverse("api:openapi-json"))
    assert "no-store" not in response.get("Cache-Control", "")
