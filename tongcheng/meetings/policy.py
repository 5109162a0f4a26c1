"""The meetings' policy entries.

Who sees which meeting or item is `visible_to` (scope.py): the offices their district's (the
city office all), liaisons the meetings their unit is invited to and its items. The convening
office's steps need a convener's write scope over the meeting (access.may_convene); a liaison's
steps need their unit invited or assigned (access.invitation_of, access.may_report). Nothing
here is personal data of residents: the pages name units, officials and decisions.
"""

from tongcheng.lib.contributions import Access, PolicyEntries, Scope, only
from tongcheng.lib.roles import Role

CONVENERS = (Role.CITY_ADMIN, Role.DISTRICT_OFFICE)
OFFICES = (*CONVENERS, Role.STREET_OFFICER, Role.INSPECTOR)
LIAISON = {Role.DEPT_LIAISON: Scope.DEPARTMENT}


def _with_liaison(entry: Access) -> Access:
    return Access({**entry.roles, **LIAISON}, entry.write, api=entry.api, note=entry.note)


POLICY: PolicyEntries = {
    "meetings:meeting_list": only(*OFFICES),
    "meetings:meeting_create": only(*CONVENERS, write=True),
    "meetings:meeting_setting": only(*CONVENERS, write=True),
    "meetings:meeting_detail": _with_liaison(only(*OFFICES)),
    "meetings:meeting_document": _with_liaison(only(*OFFICES)),
    "meetings:meeting_answer": only(Role.DEPT_LIAISON, scope=Scope.DEPARTMENT, write=True),
    "meetings:meeting_report": only(Role.DEPT_LIAISON, scope=Scope.DEPARTMENT, write=True),
    "meetings:meeting_minutes": only(*CONVENERS, write=True),
    "meetings:meeting_attendance": only(*CONVENERS, write=True),
    "meetings:item_create": only(*CONVENERS, write=True),
    "meetings:item_list": only(*OFFICES),
    "meetings:item_detail": _with_liaison(only(*OFFICES)),
    "meetings:item_report": only(Role.DEPT_LIAISON, scope=Scope.DEPARTMENT, write=True),
    "meetings:item_supervise": only(*CONVENERS, write=True),
    "meetings:mine": only(Role.DEPT_LIAISON, scope=Scope.DEPARTMENT),
    "meetings:compliance": Access(
        {**dict.fromkeys(OFFICES, Scope.AREA), Role.LEADER: Scope.AGGREGATE},
        note="per unit: open, overdue, done on time, done late; leaders: counts below 5 as <5",
    ),
    # The API: the same scope and steps as the pages.
    "api:meeting_list": _with_liaison(only(*OFFICES, api=True)),
    "api:meeting_detail": _with_liaison(only(*OFFICES, api=True)),
    "api:meeting_create": only(*CONVENERS, write=True, api=True),
    "api:action_item_list": _with_liaison(only(*OFFICES, api=True)),
    "api:action_item_detail": _with_liaison(only(*OFFICES, api=True)),
    "api:action_item_report": only(Role.DEPT_LIAISON, scope=Scope.DEPARTMENT, write=True, api=True),
}
