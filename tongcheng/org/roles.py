"""Who may hold and grant which role, at which level of area (the roles: tongcheng.lib.roles)."""

from tongcheng.lib.roles import Role

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
