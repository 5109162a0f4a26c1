"""The cases' policy entries: who may open each page and make the moves of a case.

Who sees a case is `Case.objects.visible_to` (area roles and operators by area, liaisons the
cases dispatched to their unit); which move a user may make on a case is `cases.access`. A
move is one URL (`case_move`), so its entry names every role that makes some move; the action
refuses the others with a message.
"""

from __future__ import annotations

from dataclasses import replace

from tongcheng.lib.contributions import Access, PolicyEntries, Scope, only
from tongcheng.lib.roles import Role

CASE_READERS = (
    Role.CITY_ADMIN,
    Role.DISTRICT_OFFICE,
    Role.STREET_OFFICER,
    Role.COMMUNITY_OFFICER,
    Role.INSPECTOR,
    Role.HOTLINE_OPERATOR,
    Role.DEPT_LIAISON,
)
CASE_ACTORS = tuple(role for role in CASE_READERS if role is not Role.INSPECTOR)
# Who opens a case from a file: the ledger's writers (liaisons and operators never see files).
FILE_OPENERS = (
    Role.CITY_ADMIN,
    Role.DISTRICT_OFFICE,
    Role.STREET_OFFICER,
    Role.COMMUNITY_OFFICER,
)

# The services beyond dispatch: the units record their steps, the offices assign volunteers.
SERVICE_ACTORS = (Role.CITY_ADMIN, Role.DISTRICT_OFFICE, Role.DEPT_LIAISON)
OFFICES = (Role.CITY_ADMIN, Role.DISTRICT_OFFICE, Role.STREET_OFFICER, Role.INSPECTOR)
ROSTER_KEEPERS = (Role.CITY_ADMIN, Role.DISTRICT_OFFICE)
PROACTIVE = (Role.COMMUNITY_OFFICER, Role.STREET_OFFICER)
# The dispatch desk's users (the dispatchers), and the offices that decide for the units.
DESK_USERS = (Role.CITY_ADMIN, Role.DISTRICT_OFFICE, Role.HOTLINE_OPERATOR)
DECIDING_OFFICES = (Role.CITY_ADMIN, Role.DISTRICT_OFFICE)
# Who opens a case through the API: from a file (the file openers) or for a caller without one
# (also the hotline operators), as actions.intake.case_open allows.
API_OPENERS = (*FILE_OPENERS, Role.HOTLINE_OPERATOR)


def _with_volunteers(entry: Access) -> Access:
    """A case page a legal-aid volunteer opens too: the cases assigned to them, with consent."""
    return replace(entry, roles={**entry.roles, Role.LEGAL_VOLUNTEER: Scope.SELF})


# The KPIs (aggregates only): the offices, inspectors and leaders of a district or the city;
# a liaison its own unit's figures (never the other units' ranking).
KPI_READERS = Access(
    {
        Role.CITY_ADMIN: Scope.AGGREGATE,
        Role.DISTRICT_OFFICE: Scope.AGGREGATE,
        Role.INSPECTOR: Scope.AGGREGATE,
        Role.LEADER: Scope.AGGREGATE,
        Role.DEPT_LIAISON: Scope.DEPARTMENT,
    }
)

POLICY: PolicyEntries = {
    "cases:case_list": _with_volunteers(only(*CASE_READERS, personal=True)),
    "cases:case_detail": _with_volunteers(only(*CASE_READERS, personal=True)),
    "cases:case_move": only(*CASE_ACTORS, write=True),
    "cases:case_create": only(*FILE_OPENERS, write=True, personal=True),
    "cases:inbox": only(Role.DEPT_LIAISON, scope=Scope.DEPARTMENT, personal=True),
    "cases:case_service": only(*SERVICE_ACTORS, write=True),
    "cases:certificate": only(*CASE_READERS, personal=True),
    "cases:certificate_pdf": only(*CASE_READERS, personal=True),
    "cases:certificate_verify": only(
        *CASE_READERS,
        scope=Scope.CITY,
        personal=True,
        note="any certificate of the city, found by its serial and code; masked name only",
    ),
    "cases:relief_sums": only(*OFFICES, note="sums per year and area, no person"),
    "cases:proactive": only(*PROACTIVE, personal=True),
    "cases:volunteer_list": only(*ROSTER_KEEPERS),
    "cases:volunteer_create": only(*ROSTER_KEEPERS, write=True),
    "cases:volunteer_edit": only(*ROSTER_KEEPERS, write=True),
    "cases:kpi": KPI_READERS,
    # The contact's full phone, to call them: once per stated reason, limited per day.
    "cases:case_reveal": only(*CASE_ACTORS, write=True, personal=True),
    # 批量签收: a liaison signs several cases of the inbox at once.
    "cases:inbox_sign": only(Role.DEPT_LIAISON, scope=Scope.DEPARTMENT, write=True),
    # The time limits: city-wide, kept by the city office (read by the offices).
    "cases:time_limits": only(Role.CITY_ADMIN, scope=Scope.CITY, write=True),
    "cases:time_limit_delete": only(Role.CITY_ADMIN, scope=Scope.CITY, write=True),
    # The dispatch desk (派单台): who dispatches (access.DISPATCHERS); the offices' sections of
    # decisions are shown to the deciding offices only (cases/desk.py).
    "cases:desk": only(*DESK_USERS, personal=True),
    # The 通报 list to print, and as a PDF: the deciding offices' own cases, by unit, no names.
    "cases:circulation": only(*DECIDING_OFFICES, personal=True),
    "cases:circulation_pdf": only(*DECIDING_OFFICES, personal=True),
    # Open cases with a provisional deadline: the city office, beside the working calendar.
    "cases:provisional": only(
        Role.CITY_ADMIN, note="case numbers, services and deadlines; no person"
    ),
    # The cases' API (cases/api/): the list's and the case page's readers, the moves' actors.
    "api:case_list": _with_volunteers(only(*CASE_READERS, api=True, personal=True)),
    "api:case_detail": _with_volunteers(only(*CASE_READERS, api=True, personal=True)),
    "api:case_create": only(*API_OPENERS, write=True, api=True),
    "api:case_dispatch": only(*CASE_ACTORS, write=True, api=True),
    "api:case_sign": only(*CASE_ACTORS, write=True, api=True),
    "api:case_return": only(*CASE_ACTORS, write=True, api=True),
    "api:case_adjudicate": only(*CASE_ACTORS, write=True, api=True),
    "api:case_reply": only(*CASE_ACTORS, write=True, api=True),
    "api:case_follow_up": only(*CASE_ACTORS, write=True, api=True),
    "api:case_close_direct": only(*CASE_ACTORS, write=True, api=True),
    "api:case_request_extension": only(*CASE_ACTORS, write=True, api=True),
    "api:case_decide_extension": only(*CASE_ACTORS, write=True, api=True),
    "api:case_supervise": only(*CASE_ACTORS, write=True, api=True),
    # A case's attachments: opened by whoever sees the case (each opening audited), attached by
    # whoever may act on it, removed by the uploader or the office (cases.access).
    "cases:attachment_upload": only(*CASE_ACTORS, write=True),
    "cases:attachment_download": _with_volunteers(only(*CASE_READERS, personal=True)),
    "cases:attachment_remove": only(*CASE_ACTORS, write=True),
    "api:case_attachment_list": _with_volunteers(only(*CASE_READERS, api=True, personal=True)),
    "api:case_attachment_upload": replace(
        only(*CASE_ACTORS, write=True, api=True), upload_limit="ATTACHMENT_MAX_MB"
    ),
    "api:case_attachment_download": _with_volunteers(only(*CASE_READERS, api=True, personal=True)),
    "api:case_attachment_remove": only(*CASE_ACTORS, write=True, api=True),
}
