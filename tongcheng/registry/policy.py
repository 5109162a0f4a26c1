"""The ledger's policy entries: who may open each page and API operation of the registry."""

from __future__ import annotations

from tongcheng.lib.contributions import PolicyEntries, Scope, only
from tongcheng.lib.roles import Role

# The ledger: files are read by area roles (the inspector read-only) and written by the offices
# and centres that keep them; leaders see statistics only.
RECORD_READERS = (
    Role.CITY_ADMIN,
    Role.DISTRICT_OFFICE,
    Role.STREET_OFFICER,
    Role.COMMUNITY_OFFICER,
    Role.INSPECTOR,
)
RECORD_WRITERS = (
    Role.CITY_ADMIN,
    Role.DISTRICT_OFFICE,
    Role.STREET_OFFICER,
    Role.COMMUNITY_OFFICER,
)
# Who may export the ledger with full identifiers (with a stated reason, audited).
IDENTIFIED_EXPORT_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICE})

# `personal=True`: the page or operation shows residents' personal data, so each GET of it writes
# exactly one audit event (tongcheng/tests/test_audit_once.py; the entries without it are listed
# there with the reason they show none).
POLICY: PolicyEntries = {
    # The ledger (registry)
    "registry:person_list": only(*RECORD_READERS, personal=True),
    "registry:person_create": only(*RECORD_WRITERS, write=True, personal=True),
    "registry:person_detail": only(*RECORD_READERS, personal=True),
    "registry:person_edit": only(*RECORD_WRITERS, write=True, personal=True),
    "registry:person_reveal": only(*RECORD_WRITERS, write=True, personal=True),
    "registry:person_notice": only(*RECORD_READERS, personal=True),
    "registry:household_edit": only(*RECORD_WRITERS, write=True, personal=True),
    "registry:consent_add": only(*RECORD_WRITERS, write=True),
    "registry:consent_withdraw": only(*RECORD_WRITERS, write=True),
    "registry:duplicate_list": only(*RECORD_WRITERS, personal=True),
    "registry:duplicate_resolve": only(*RECORD_WRITERS, write=True, personal=True),
    "registry:visit_create": only(*RECORD_WRITERS, write=True, personal=True),
    "registry:visits_due": only(*RECORD_READERS, personal=True),
    "registry:completeness": only(*RECORD_READERS),
    "registry:movement_create": only(*RECORD_WRITERS, write=True, personal=True),
    "registry:transfer_request": only(*RECORD_WRITERS, write=True, personal=True),
    "registry:transfer_list": only(*RECORD_WRITERS, personal=True),
    "registry:transfer_decide": only(*RECORD_WRITERS, write=True, personal=True),
    "registry:import_list": only(*RECORD_WRITERS),
    "registry:import_template": only(*RECORD_WRITERS),
    "registry:import_detail": only(*RECORD_WRITERS),
    "registry:import_commit": only(*RECORD_WRITERS, write=True),
    "registry:import_cancel": only(*RECORD_WRITERS, write=True),
    "registry:import_sheet": only(*RECORD_WRITERS, write=True),
    "registry:import_commit_valid": only(*RECORD_WRITERS, write=True),
    "registry:import_rejected": only(*RECORD_WRITERS, personal=True),
    "registry:export": only(*RECORD_READERS),
    "registry:stats": only(*RECORD_READERS, Role.LEADER, scope=Scope.AGGREGATE),
    # Ledger API (tongcheng/registry/api.py): the same readers and writers as the pages.
    "api:person_list": only(*RECORD_READERS, api=True, personal=True),
    "api:person_detail": only(*RECORD_READERS, api=True, personal=True),
    "api:person_create": only(*RECORD_WRITERS, write=True, api=True),
    "api:person_update": only(*RECORD_WRITERS, write=True, api=True),
    "api:person_visit_list": only(*RECORD_READERS, api=True, personal=True),
    "api:person_visit_create": only(*RECORD_WRITERS, write=True, api=True),
    "api:person_movement_list": only(*RECORD_READERS, api=True, personal=True),
    "api:person_movement_create": only(*RECORD_WRITERS, write=True, api=True),
    "api:transfer_decide": only(*RECORD_WRITERS, write=True, api=True),
}
