"""Org's policy entries: the shell, accounts, areas, member units, the calendar, the API's pages.

Deny by default: `AccessPolicyMiddleware` reads the table of every app's entries
(tongcheng.org.contributions.policy_table) before any view runs, and the tests read it too: a
URL without an entry is refused (and fails `test_policy_covers_every_url`), and the
authorisation matrix requests every entry as every role of the cast. Each app declares its own
entries in its `policy.py`, like this one.
"""

from __future__ import annotations

from tongcheng.lib.contributions import PUBLIC, PolicyEntries, Scope, everyone, only
from tongcheng.lib.roles import Role

USER_MANAGERS = (Role.CITY_ADMIN, Role.DISTRICT_OFFICE, Role.SECURITY_ADMIN)
REFERENCE_EDITORS = (Role.CITY_ADMIN, Role.SYS_ADMIN)
SERVICE_POINT_EDITORS = (
    Role.CITY_ADMIN,
    Role.DISTRICT_OFFICE,
    Role.STREET_OFFICER,
    Role.SYS_ADMIN,
)
POLICY: PolicyEntries = {
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
    # The working calendar (holidays and 调休 make-up days): city-wide reference data
    "org:calendar_years": only(*REFERENCE_EDITORS, scope=Scope.CITY),
    "org:calendar_year_edit": only(*REFERENCE_EDITORS, scope=Scope.CITY, write=True),
    # Accounts and memberships
    "org:user_list": only(*USER_MANAGERS),
    "org:user_detail": only(*USER_MANAGERS),
    "org:user_create": only(*USER_MANAGERS, write=True),
    "org:user_edit": only(*USER_MANAGERS, write=True),
    "org:user_set_active": only(*USER_MANAGERS, write=True),
    "org:user_reset_two_factor": only(*USER_MANAGERS, write=True),
    "org:membership_add": only(*USER_MANAGERS, write=True),
    "org:membership_remove": only(*USER_MANAGERS, write=True),
    # REST API
    "api:openapi-json": PUBLIC,
    # ninja's root path: always 404 (it only lets ninja compute the API's base path).
    "api:api-root": PUBLIC,
    "api:openapi-view": everyone(api=True),
    "api:me": everyone(scope=Scope.SELF, api=True),
    "api:area_list": everyone(api=True),
    "api:area_detail": everyone(api=True),
    "api:department_list": everyone(api=True),
}
