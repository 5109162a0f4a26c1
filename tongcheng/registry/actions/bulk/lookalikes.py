"""The import's look-alike pairs: the single-create rule (selectors.look_alikes_of), in SQL.

A new file looks like an older file that shares its phone, or its name and birth date
(rules.look_alike_keys), unless more than rules.LOOK_ALIKE_LIMIT files in the city share that
value (rules.crowded). Every such pair is queued for duplicate review, as a single create
does; the review queue shows each pair only to users who see both files. Older files include
the earlier rows of the same ledger. tests/test_import_rules.py holds the SQL to the rule.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection

from tongcheng.registry import rules
from tongcheng.registry.actions.bulk.write import Writer
from tongcheng.registry.ledger.sql import stamp, table
from tongcheng.registry.models import DuplicateCandidate, Person

if TYPE_CHECKING:
    from tongcheng.org.models import Area

# New files (ids in the ranges) and the older files they look like: the same phone, or the
# same name and birth date (name_pinyin follows from the name: it lets the pinyin index find
# them). A value held by more than LOOK_ALIKE_LIMIT files is crowded (rules.crowded): no pairs
# for it. One statement for the whole import: per chunk, PostgreSQL hash-joined against a scan
# of the whole table each time (8 s for 100k rows, measured).
_LOOK_ALIKES = """
WITH crowded_phones AS (
    SELECT p.phone_hash FROM {table} p
    WHERE p.phone_hash IN (SELECT n.phone_hash FROM {table} n WHERE ({new}))
    AND p.phone_hash <> ''
    GROUP BY p.phone_hash HAVING COUNT(*) > {limit}
), crowded_names AS (
    SELECT p.name_pinyin, p.name, p.birth_date FROM {table} p
    WHERE p.name_pinyin IN (SELECT n.name_pinyin FROM {table} n WHERE ({new}))
    AND p.birth_date IS NOT NULL
    GROUP BY p.name_pinyin, p.name, p.birth_date HAVING COUNT(*) > {limit}
)
SELECT n.id, o.id, '{phone}' FROM {table} n JOIN {table} o
    ON o.phone_hash = n.phone_hash AND o.id < n.id
    WHERE ({new}) AND n.phone_hash <> ''
    AND n.phone_hash NOT IN (SELECT phone_hash FROM crowded_phones)
UNION ALL
SELECT n.id, o.id, '{name}' FROM {table} n JOIN {table} o
    ON o.name_pinyin = n.name_pinyin AND o.name = n.name AND o.birth_date = n.birth_date
    AND o.id < n.id
    WHERE ({new}) AND n.birth_date IS NOT NULL
    AND NOT EXISTS (
        SELECT 1 FROM crowded_names c WHERE c.name_pinyin = n.name_pinyin
        AND c.name = n.name AND c.birth_date = n.birth_date
    )
"""


def look_alike_pairs(ranges: list[list[int]]) -> list[tuple[int, int, str]]:
    """(new file id, older file id, reason) for the new files whose ids are in `ranges`
    ([first, last] pairs)."""
    if not ranges:
        return []
    sql = _LOOK_ALIKES.format(
        table=table(Person),
        phone=rules.SAME_PHONE,
        name=rules.SAME_NAME_AND_BIRTH,
        new=" OR ".join(["n.id BETWEEN %s AND %s"] * len(ranges)),
        limit=int(rules.LOOK_ALIKE_LIMIT),
    )
    bounds = [bound for pair in ranges for bound in pair]
    with connection.cursor() as cursor:
        cursor.execute(sql, bounds * 4)
        return [(new, old, reason) for new, old, reason in cursor.fetchall()]


def queue_look_alikes(ranges: list[list[int]], community: Area, now: dt.datetime) -> None:
    """Queue the new files that look like an older file anywhere in the city for review."""
    pairs = look_alike_pairs(ranges)
    if not pairs:
        return
    found_at = stamp(now)
    open_state = DuplicateCandidate.State.OPEN.value
    rows = [(new, old, reason, community.code, open_state, found_at) for new, old, reason in pairs]
    Writer().write(
        DuplicateCandidate, ("person", "other", "reason", "area_code", "state", "found_at"), rows
    )
