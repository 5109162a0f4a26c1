"""Which cases a user sees: the rules behind `Case.objects.visible_to` (no model imports here).

- Area roles (the city and district offices, street sections, community centres, the inspector
  read-only) see the cases of their subtree, as they see files.
- Hotline operators see the cases of their membership's area (the city: they take every call).
- Liaisons see the cases dispatched to their member unit (`department_ids`; models.py joins
  them through the case's units). They never see the ledger.
- Legal-aid volunteers see the cases assigned to them while the person's legal-aid sharing
  consent is on file (`acts_as_volunteer`; the rule is servicemodels.volunteer_cases_q).
- Leaders see aggregates only, administrators nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.roles import AREA_ROLES, Role

if TYPE_CHECKING:
    from tongcheng.org.models import User

# The roles that see cases by area.
CASE_AREA_ROLES = frozenset(AREA_ROLES | {Role.HOTLINE_OPERATOR})


def case_prefixes(user: User, *, write: bool = False) -> list[str]:
    """The subtrees whose cases the user sees (or, `write=True`, may act on)."""
    return user.scope_prefixes(CASE_AREA_ROLES, write=write)


def cases_by_area_q(user: User) -> Q:
    return subtree_q(case_prefixes(user))


def department_ids(user: User) -> list[int]:
    """The member units the user acts for as a liaison (acting memberships only)."""
    return sorted(
        {
            m.department_id
            for m in user.active_memberships()
            if m.role == Role.DEPT_LIAISON and m.department_id is not None
        }
    )


def acts_as_volunteer(user: User) -> bool:
    """Whether the user acts as a legal-aid volunteer (they see the cases assigned to them)."""
    return any(m.role == Role.LEGAL_VOLUNTEER for m in user.active_memberships())
