"""The engagement's policy entries: who opens each page of the representatives and 三必谈.

Community, street and district officers and the city office write in their area (the city
office city-wide); inspectors read; leaders see the compliance figures only (counts per area
and officer, no resident); a representative sees their own appointment. Which objects a user
reaches is `engagement.scope` (through `visible_to`).
"""

from __future__ import annotations

from tongcheng.lib.contributions import PolicyEntries, Scope, only
from tongcheng.lib.roles import Role

WRITERS = (Role.CITY_ADMIN, Role.DISTRICT_OFFICE, Role.STREET_OFFICER, Role.COMMUNITY_OFFICER)
READERS = (*WRITERS, Role.INSPECTOR)
FIGURES = (*READERS, Role.LEADER)

POLICY: PolicyEntries = {
    "engagement:representative_list": only(*READERS, personal=True),
    "engagement:representative_detail": only(*READERS, personal=True),
    "engagement:representative_create": only(*WRITERS, write=True),
    "engagement:representative_create_for_file": only(*WRITERS, write=True, personal=True),
    "engagement:representative_edit": only(*WRITERS, write=True, personal=True),
    "engagement:representative_end": only(*WRITERS, write=True),
    "engagement:letter_pdf": only(*READERS, personal=True),
    "engagement:contact_create": only(*WRITERS, write=True, personal=True),
    "engagement:contact_delete": only(*WRITERS, write=True),
    "engagement:my_appointment": only(Role.REPRESENTATIVE, scope=Scope.SELF),
    "engagement:due_list": only(*READERS, personal=True),
    "engagement:missed_list": only(*READERS, personal=True),
    "engagement:compliance": only(
        *FIGURES,
        scope=Scope.AGGREGATE,
        note="done, due and missed per area and officer; no resident",
    ),
    "engagement:festival_list": only(*FIGURES, note="reference data: festival dates"),
    "engagement:festival_edit": only(Role.CITY_ADMIN, scope=Scope.CITY, write=True),
    # The API (engagement/api/): the pages' readers and writers.
    "api:representative_list": only(*READERS, api=True, personal=True),
    "api:representative_detail": only(*READERS, api=True, personal=True),
    "api:representative_create": only(*WRITERS, api=True, write=True),
    "api:contact_list": only(*READERS, api=True, personal=True),
    "api:contact_detail": only(*READERS, api=True, personal=True),
    "api:contact_create": only(*WRITERS, api=True, write=True),
}
