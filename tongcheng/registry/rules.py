"""The ledger's rules, each stated once: 三必清 "known", and what makes two files look alike.

Every query, count, summary and page asks these functions; the bulk import's row-level fast
paths are checked against them by tests over generated rows (tests/test_rules.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import Q

# --- 三必清: origin, temporary address and occupation known --------------------------------

# The three facts, in display order; each has a `<fact>_verified_on` date on Person. A fact is
# known when any of its columns holds a value: a foreign key that is set, a text that is not "".
FACTS = ("origin", "address", "occupation")
FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "origin": ("origin_region_id", "origin_text"),
    "address": ("address_enc",),
    "occupation": ("occupation",),
}


def _filled_q(column: str) -> Q:
    if column.endswith("_id"):
        return Q(**{f"{column.removesuffix('_id')}__isnull": False})
    return ~Q(**{column: ""})


def _empty_q(column: str) -> Q:
    if column.endswith("_id"):
        return Q(**{f"{column.removesuffix('_id')}__isnull": True})
    return Q(**{column: ""})


def fact_known_q(fact: str) -> Q:
    condition = Q(pk__in=[])
    for column in FACT_COLUMNS[fact]:
        condition |= _filled_q(column)
    return condition


def all_known_q() -> Q:
    """Files whose three facts are all known."""
    condition = Q()
    for fact in FACTS:
        condition &= fact_known_q(fact)
    return condition


def gaps_q() -> Q:
    """Files where at least one fact is not known (exactly the files all_known_q leaves out)."""
    condition = Q(pk__in=[])
    for fact in FACTS:
        every_column_empty = Q()
        for column in FACT_COLUMNS[fact]:
            every_column_empty &= _empty_q(column)
        condition |= every_column_empty
    return condition


def known_facts(values: Mapping[str, Any]) -> dict[str, bool]:
    """三必清 of one file, from its column values (a Person's attributes, or an import's row)."""
    return {
        fact: any(values.get(column) not in (None, "") for column in columns)
        for fact, columns in FACT_COLUMNS.items()
    }


def all_known(values: Mapping[str, Any]) -> bool:
    return all(known_facts(values).values())


def all_verified_q(cutoff: date) -> Q:
    """All three facts verified by a visit on or after `cutoff`."""
    return Q(**{f"{fact}_verified_on__gte": cutoff for fact in FACTS})


def unverified_q(cutoff: date) -> Q:
    """Any of the three not verified by a visit since `cutoff` (or never)."""
    condition = Q(pk__in=[])
    for fact in FACTS:
        condition |= Q(**{f"{fact}_verified_on__isnull": True})
        condition |= Q(**{f"{fact}_verified_on__lt": cutoff})
    return condition


# --- Possible duplicates: the same name and birth date, or the same phone -------------------

# A phone, or a name and birth date, held by more files than this is no sign of a duplicate (a
# workplace's phone, a placeholder): no review pairs for it. Without the limit, a 20,000-row
# ledger in which every row had the same phone made 200 million pairs.
LOOK_ALIKE_LIMIT = 10
SAME_NAME_AND_BIRTH = "same_name_birth"
SAME_PHONE = "same_phone"


def look_alike_keys(
    *, name: str, birth_date: date | None, phone_hash: str
) -> list[tuple[str, tuple[Any, ...]]]:
    """What a file shares with the files it looks like: (reason, value) pairs.

    Two files look alike when they share any of these values, unless more than LOOK_ALIKE_LIMIT
    files share it (`crowded`).
    """
    keys: list[tuple[str, tuple[Any, ...]]] = []
    if birth_date is not None:
        keys.append((SAME_NAME_AND_BIRTH, (name, birth_date)))
    if phone_hash:
        keys.append((SAME_PHONE, (phone_hash,)))
    return keys


def look_alike_q(reason: str, value: tuple[Any, ...]) -> Q:
    """The files holding this look-alike value."""
    if reason == SAME_NAME_AND_BIRTH:
        name, birth_date = value
        return Q(name=name, birth_date=birth_date)
    return Q(phone_hash=value[0])


def crowded(holders: int) -> bool:
    """Whether a value held by `holders` files (the file itself included) is too common."""
    return holders > LOOK_ALIKE_LIMIT
