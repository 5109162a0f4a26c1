"""The access policy: for every URL name (page or API operation), who may use it and how far.

Deny by default. `AccessPolicyMiddleware` reads this table before any view runs, and the tests
read it too: a URL without an entry is refused (and fails `test_policy_covers_every_url`), and
the authorisation matrix requests every entry as every role of the cast.

An entry is either PUBLIC (no login), or an `Access` naming the roles allowed and, for each, the
scope the view's access helper applies (the helper enforces the scope: out of scope → 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tongcheng.org.roles import ADMIN_ROLES, ALL_ROLES, READ_ONLY_ROLES, Role


class Scope(StrEnum):
    AREA = "area"  # the subtree of the membership's area
    DEPARTMENT = "department"  # records dispatched to the membership's department
    SELF = "self"  # the account's own records
    AGGREGATE = "aggregate"  # counts only, small cells suppressed
    CITY = "city"  # the whole system (administrators)


@dataclass(frozen=True)
class Public:
    """No login needed (login page, health checks, language switch, the API schema)."""

    pending_two_factor: bool = True  # usable while a login waits for its second factor


@dataclass(frozen=True)
class Access:
    roles: dict[Role, Scope]
    write: bool = False
    # Usable before a required two-factor enrolment is finished (enrolment itself, logout).
    during_enrolment: bool = False
    api: bool = False
    # Free text for the policy document (docs/roles.md is generated from this table).
    note: str = field(default="")

    def __post_init__(self) -> None:
        if self.write and set(self.roles) & READ_ONLY_ROLES:
            raise ValueError("a read-only role cannot be given a write operation")


PUBLIC = Public()


def everyone(scope: Scope = Scope.AREA, **kwargs: object) -> Access:
    return Access(roles=dict.fromkeys(ALL_ROLES, scope), **kwargs)  # type: ignore[arg-type]


def only(*roles: Role, scope: Scope = Scope.AREA, **kwargs: object) -> Access:
    return Access(roles=dict.fromkeys(roles, scope), **kwargs)  # type: ignore[arg-type]


USER_MANAGERS = (Role.CITY_ADMIN, Role.DISTRICT_OFFICE, Role.SECURITY_ADMIN)
REFERENCE_EDITORS = (Role.CITY_ADMIN, Role.SYS_ADMIN)
SERVICE_POINT_EDITORS = (
    Role.CITY_ADMIN,
    Role.DISTRICT_OFFICE,
    Role.STREET_OFFICER,
    Role.SYS_ADMIN,
)
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

POLICY: dict[str, Public | Access] = {
    # The shell
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "set_language": PUBLIC,
    "login": PUBLIC,
    "login_two_factor": PUBLIC,
    "logout": everyone(during_enrolment=True),
    "home": everyone(),
    # My account
    "account:profile": everyone(scope=Scope.SELF, during_enrolment=True),
    # One's own password: every role, read-only ones included (it is not a write of records).
    "account:password_change": everyone(scope=Scope.SELF),
    "account:two_factor_setup": everyone(scope=Scope.SELF, during_enrolment=True),
    # Areas, rollout and service points
    "org:area_list": everyone(),
    "org:area_detail": everyone(),
    "org:area_rollout_edit": only(*REFERENCE_EDITORS, write=True),
    "org:service_point_edit": only(*SERVICE_POINT_EDITORS, write=True),
    # Member units and the leading group
    "org:department_list": everyone(),
    "org:department_detail": everyone(),
    "org:leading_group": everyone(),
    # Accounts and memberships
    "org:user_list": only(*USER_MANAGERS),
    "org:user_detail": only(*USER_MANAGERS),
    "org:user_create": only(*USER_MANAGERS, write=True),
    "org:user_edit": only(*USER_MANAGERS, write=True),
    "org:user_set_active": only(*USER_MANAGERS, write=True),
    "org:user_reset_two_factor": only(*USER_MANAGERS, write=True),
    "org:membership_add": only(*USER_MANAGERS, write=True),
    "org:membership_remove": only(*USER_MANAGERS, write=True),
    # The ledger (registry)
    "registry:person_list": only(*RECORD_READERS),
    "registry:person_create": only(*RECORD_WRITERS, write=True),
    "registry:person_detail": only(*RECORD_READERS),
    "registry:person_edit": only(*RECORD_WRITERS, write=True),
    "registry:person_reveal": only(*RECORD_WRITERS, write=True),
    "registry:person_notice": only(*RECORD_READERS),
    "registry:household_edit": only(*RECORD_WRITERS, write=True),
    "registry:consent_add": only(*RECORD_WRITERS, write=True),
    "registry:consent_withdraw": only(*RECORD_WRITERS, write=True),
    "registry:duplicate_list": only(*RECORD_WRITERS),
    "registry:duplicate_resolve": only(*RECORD_WRITERS, write=True),
    "registry:visit_create": only(*RECORD_WRITERS, write=True),
    "registry:visits_due": only(*RECORD_READERS),
    "registry:completeness": only(*RECORD_READERS),
    "registry:movement_create": only(*RECORD_WRITERS, write=True),
    "registry:transfer_request": only(*RECORD_WRITERS, write=True),
    "registry:transfer_list": only(*RECORD_WRITERS),
    "registry:transfer_decide": only(*RECORD_WRITERS, write=True),
    "registry:import_list": only(*RECORD_WRITERS),
    "registry:import_template": only(*RECORD_WRITERS),
    "registry:import_detail": only(*RECORD_WRITERS),
    "registry:import_commit": only(*RECORD_WRITERS, write=True),
    "registry:import_cancel": only(*RECORD_WRITERS, write=True),
    "registry:export": only(*RECORD_READERS),
    "registry:stats": only(*RECORD_READERS, Role.LEADER, scope=Scope.AGGREGATE),
    # Audit (三员: the audit administrator reads the trail; nobody edits it)
    "audit:event_list": only(Role.AUDIT_ADMIN, scope=Scope.CITY),
    "audit:object_history": only(Role.AUDIT_ADMIN, scope=Scope.CITY),
    # REST API
    "api:openapi-json": PUBLIC,
    # ninja's root path: always 404 (it only lets ninja compute the API's base path).
    "api:api-root": PUBLIC,
    "api:openapi-view": everyone(api=True),
    "api:me": everyone(scope=Scope.SELF, api=True),
    "api:area_list": everyone(api=True),
    "api:area_detail": everyone(api=True),
    "api:department_list": everyone(api=True),
    # Ledger API (tongcheng/registry/api.py): the same readers and writers as the pages.
    "api:person_list": only(*RECORD_READERS, api=True),
    "api:person_detail": only(*RECORD_READERS, api=True),
    "api:person_create": only(*RECORD_WRITERS, write=True, api=True),
    "api:person_update": only(*RECORD_WRITERS, write=True, api=True),
    "api:person_visit_list": only(*RECORD_READERS, api=True),
    "api:person_visit_create": only(*RECORD_WRITERS, write=True, api=True),
    "api:person_movement_list": only(*RECORD_READERS, api=True),
    "api:person_movement_create": only(*RECORD_WRITERS, write=True, api=True),
    "api:transfer_decide": only(*RECORD_WRITERS, write=True, api=True),
}


def entry_for(view_name: str | None) -> Public | Access | None:
    if not view_name:
        return None
    return POLICY.get(view_name)


def allowed_roles(view_name: str) -> frozenset[Role]:
    entry = POLICY.get(view_name)
    if isinstance(entry, Access):
        return frozenset(entry.roles)
    return frozenset()


__all__ = [
    "ADMIN_ROLES",
    "POLICY",
    "PUBLIC",
    "Access",
    "Public",
    "Scope",
    "allowed_roles",
    "entry_for",
]
