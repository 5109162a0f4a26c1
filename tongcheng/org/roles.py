"""The roles of DESIGN.md, what kind of scope each has, and who may grant what."""

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

# The level of area each role's membership is normally attached to (the form offers these).
ROLE_AREA_LEVELS: dict[Role, tuple[str, ...]] = {
    Role.CITY_ADMIN: ("city",),
    Role.DISTRICT_OFFICE: ("district",),
    Role.STREET_OFFICER: ("street",),
    Role.COMMUNITY_OFFICER: ("community",),
    Role.DEPT_LIAISON: ("city", "district"),
    Role.HOTLINE_OPERATOR: ("city", "district"),
    Role.LEGAL_VOLUNTEER: ("city", "district"),
    Role.REPRESENTATIVE: ("district", "street", "community"),
    Role.INSPECTOR: ("city", "district", "street"),
    Role.LEADER: ("city", "district", "street"),
    Role.SYS_ADMIN: ("city",),
    Role.SECURITY_ADMIN: ("city",),
    Role.AUDIT_ADMIN: ("city",),
}

# Who may grant which roles (always inside the granter's own area). Nobody grants a role above
# their own: the city office grants the working roles city-wide, a district office the roles of
# its district, and only the security administrator (三员 account management) grants the
# administrator roles and the city office role.
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.SECURITY_ADMIN: frozenset(Role),
    Role.CITY_ADMIN: frozenset(
        {
            Role.DISTRICT_OFFICE,
            Role.STREET_OFFICER,
            Role.COMMUNITY_OFFICER,
            Role.DEPT_LIAISON,
            Role.HOTLINE_OPERATOR,
            Role.LEGAL_VOLUNTEER,
            Role.REPRESENTATIVE,
            Role.INSPECTOR,
            Role.LEADER,
        }
    ),
    Role.DISTRICT_OFFICE: frozenset(
        {
            Role.STREET_OFFICER,
            Role.COMMUNITY_OFFICER,
            Role.DEPT_LIAISON,
            Role.HOTLINE_OPERATOR,
            Role.LEGAL_VOLUNTEER,
            Role.REPRESENTATIVE,
            Role.INSPECTOR,
        }
    ),
}

# Roles whose membership names a department (a liaison acts for one member unit).
DEPARTMENT_ROLES: frozenset[Role] = frozenset({Role.DEPT_LIAISON})
