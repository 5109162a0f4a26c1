"""NBS statistical area codes (12 digits) and the one filter for "inside these subtrees".

An area's subtree is every area whose code starts with its prefix: the city's first 4 digits, a
district's 6, a street's 9, a community's all 12. Every list, count, search, export and
`visible_to` in the product filters by subtree through `subtree_q`, and every decision about one
code goes through `in_subtree`: there is no other way to say it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

# Digits of the 12-digit NBS code that identify an area at each level: a subtree is a prefix.
LEVEL_PREFIX_LENGTH = {"city": 4, "district": 6, "street": 9, "community": 12}
CODE_LENGTH = 12


def subtree_q(prefixes: Iterable[str], field: str = "area_code") -> Q:
    """Rows whose `field` (an area code) starts with any of `prefixes`; none for no prefix.

    Written as index ranges (`code >= prefix AND code < prefix + ':'`; codes are digits and ':'
    follows '9'), which a plain B-tree serves on both engines: SQLite's LIKE is case-insensitive
    and PostgreSQL's LIKE under a non-C collation cannot use the index, and the ledger list once
    took 3.4 s on PostgreSQL that way. A full 12-digit code is an equality.
    """
    condition = Q(pk__in=[])
    for prefix in sorted(set(prefixes)):
        if len(prefix) == CODE_LENGTH:
            condition |= Q(**{field: prefix})
        else:
            condition |= Q(**{f"{field}__gte": prefix, f"{field}__lt": f"{prefix}:"})
    return condition


def in_subtree(code: str, prefixes: Iterable[str]) -> bool:
    """Whether the area `code` lies inside any of the subtrees (the Python side of subtree_q)."""
    return any(code.startswith(prefix) for prefix in prefixes)


def prefix_of(code: str) -> str:
    """The subtree prefix of a full code: 140403000000 → 140403 (NBS pads lower levels with 0).

    Shorter input is taken as a prefix already.
    """
    if len(code) != CODE_LENGTH:
        return code
    for length in sorted(LEVEL_PREFIX_LENGTH.values()):
        if code[length:].strip("0") == "":
            return code[:length]
    return code
