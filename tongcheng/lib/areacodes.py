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
    """Rows whose `field` (a 12-digit area code) starts with any of `prefixes`; none for none.

    Written as index ranges between the subtree's lowest and highest code (`prefix` padded with
    0s and with 9s to 12 digits), which a plain B-tree serves on both engines: SQLite's LIKE is
    case-insensitive and PostgreSQL's LIKE under a non-C collation cannot use the index (the
    ledger list once took 3.4 s that way). Codes of equal length made of digits sort the same
    under every collation, so the bounds hold whatever the database's locale (a bound such as
    `prefix + ':'` would not: ICU and glibc sort punctuation before digits). A full 12-digit
    code is an equality.
    """
    condition = Q(pk__in=[])
    for prefix in sorted(set(prefixes)):
        if len(prefix) == CODE_LENGTH:
            condition |= Q(**{field: prefix})
        else:
            low, high = subtree_bounds(prefix)
            condition |= Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return condition


def subtree_bounds(prefix: str) -> tuple[str, str]:
    """The lowest and highest 12-digit code of the subtree (140403 → 140403000000, …999999)."""
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")


def in_subtree(code: str, prefixes: Iterable[str]) -> bool:
    """Whether the area `code` lies inside any of the subtrees (the Python side of subtree_q)."""
    return any(code.startswith(prefix) for prefix in prefixes)


def ancestor_codes(code: str) -> list[str]:
    """The codes of the areas whose subtree holds `code`, itself included, city first
    (140403001001 → 140400000000, 140403000000, 140403001000, 140403001001)."""
    lengths = sorted(LEVEL_PREFIX_LENGTH.values())
    codes = [code[:length].ljust(CODE_LENGTH, "0") for length in lengths]
    return list(dict.fromkeys(c for c in codes if in_subtree(code, [prefix_of(c)])))


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
