"""Who sees representatives, their contacts and their summaries (no model imports here).

The area roles (the city and district offices, street sections, community centres, inspectors
read-only) see the appointments of their subtree: a street section the representatives of its
street and of its communities, the city office every one. Leaders see the compliance figures
only; a representative sees their own appointment (`own_q`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.roles import AREA_ROLES, Role

if TYPE_CHECKING:
    from tongcheng.org.models import User

# Who writes: the area roles but the inspector.
WRITERS = frozenset(AREA_ROLES - {Role.INSPECTOR})
# Who reads the compliance figures (counts per area and officer, no resident).
FIGURE_ROLES = frozenset(AREA_ROLES | {Role.LEADER})


def representative_prefixes(user: User, *, write: bool = False) -> list[str]:
    return user.scope_prefixes(AREA_ROLES, write=write)


def representatives_q(user: User) -> Q:
    return subtree_q(representative_prefixes(user))


def figure_prefixes(user: User) -> list[str]:
    return user.scope_prefixes(FIGURE_ROLES)
