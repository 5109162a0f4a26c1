"""The roles of the product and the groups the policy and the scoping speak of.

Every layer names roles: audit events record the acting role, each app's policy entries grant
operations to roles, scoping keeps the memberships of some roles. So the vocabulary lives here,
at the bottom; who may grant which role, and at which level of area, is org's business
(tongcheng/org/roles.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City office administrator")
    DISTRICT_OFFICE = "district_office", _("District office officer")
    STREET_OFFICER = "street_officer", _("Street section officer")
    COMMUNITY_OFFICER = "community_officer", _("Community centre officer")
    DEPT_LIAISON = "dept_liaison", _("Department liaison")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    LEGAL_VOLUNTEER = "legal_volunteer", _("Legal-aid volunteer")
    REPRESENTATIVE = "representative", _("Community representative")
    INSPECTOR = "inspector", _("Inspector")
    LEADER = "leader", _("Leader")
    SYS_ADMIN = "sys_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


ALL_ROLES: frozenset[Role] = frozenset(Role)

# 三员分立: one account never holds two of these.
ADMIN_ROLES: frozenset[Role] = frozenset({Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Roles whose scope is an area subtree of records (persons, cases, visits …).
AREA_ROLES: frozenset[Role] = frozenset(
    {
        Role.CITY_ADMIN,
        Role.DISTRICT_OFFICE,
        Role.STREET_OFFICER,
        Role.COMMUNITY_OFFICER,
        Role.INSPECTOR,
    }
)

# Roles that may read but never write (403 on every write).
READ_ONLY_ROLES: frozenset[Role] = frozenset({Role.INSPECTOR, Role.LEADER, Role.AUDIT_ADMIN})

# Roles that see aggregates only, never a personal record; small counts are suppressed for them.
AGGREGATE_ONLY_ROLES: frozenset[Role] = frozenset({Role.LEADER})
