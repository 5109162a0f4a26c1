"""The cases' policy entries: who may open each page and make the moves of a case.

Who sees a case is `Case.objects.visible_to` (area roles and operators by area, liaisons the
cases dispatched to their unit); which move a user may make on a case is `cases.access`. A
move is one URL (`case_move`), so its entry names every role that makes some move; the action
refuses the others with a message.
"""

from __future__ import annotations

from tongcheng.lib.contributions import PolicyEntries, Scope, only
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

POLICY: PolicyEntries = {
    "cases:case_list": only(*CASE_READERS, personal=True),
    "cases:case_detail": only(*CASE_READERS, personal=True),
    "cases:case_move": only(*CASE_ACTORS, write=True),
    "cases:case_create": only(*FILE_OPENERS, write=True, personal=True),
    "cases:inbox": only(Role.DEPT_LIAISON, scope=Scope.DEPARTMENT, personal=True),
}
