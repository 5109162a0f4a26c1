"""Who sees which joint meetings and action items (no model imports here, so models.py uses it).

- The convening offices: the city office and the district offices (they convene and write);
  street section officers and inspectors read the meetings of the district they work in. Each
  sees the meetings convened in its district (a membership below a district counts as its
  district; the city office sees every meeting).
- Liaisons see the meetings their member unit is invited to, and their unit's action items.
- Leaders see figures only (compliance.py); administrators nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from tongcheng.cases.scope import department_ids
from tongcheng.lib.areacodes import LEVEL_PREFIX_LENGTH, subtree_q
from tongcheng.lib.roles import Role

if TYPE_CHECKING:
    from tongcheng.org.models import User

# The offices that convene meetings, set their cadence, write minutes and supervise the items.
CONVENERS = frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICE})
# Who reads the meetings of their district (or, for the city office, of the whole city).
OFFICE_READERS = frozenset(CONVENERS | {Role.STREET_OFFICER, Role.INSPECTOR})
DISTRICT_PREFIX = LEVEL_PREFIX_LENGTH["district"]


def district_prefixes(user: User, roles: frozenset[Role]) -> list[str]:
    """The prefixes of the user's memberships of `roles`, widened below a district to it."""
    return sorted({prefix[:DISTRICT_PREFIX] for prefix in user.scope_prefixes(roles)})


def office_q(user: User, roles: frozenset[Role] = OFFICE_READERS, field: str = "area_code") -> Q:
    return subtree_q(district_prefixes(user, roles), field)


def liaison_units(user: User) -> list[int]:
    return department_ids(user)
