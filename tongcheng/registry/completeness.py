"""三必清 reads: which files are due for a visit, completeness per area, the visits-due order.

Known and verified are the rules of rules.py (all_known_q, all_verified_q, gaps_q,
unverified_q); the months after which a verification is stale are settings.VISIT_DUE_MONTHS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.org.models import Area
from tongcheng.registry.identifiers import decrypt, decryptor
from tongcheng.registry.models import Person, PersonQuerySet
from tongcheng.registry.rules import all_known_q, all_verified_q, gaps_q, unverified_q

if TYPE_CHECKING:
    from tongcheng.org.models import User

DUE_PER_PAGE = 50
# Up to this many due files, the whole list is sorted by decrypted address (see due_page).
DUE_FULL_SORT_LIMIT = 3000


def due_cutoff(today: date | None = None, months: int | None = None) -> date:
    """Files verified before this date are due for a visit (settings.VISIT_DUE_MONTHS)."""
    months = settings.VISIT_DUE_MONTHS if months is None else months
    return months_before(today or timezone.localdate(), months)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def due_for_visit(persons: PersonQuerySet, cutoff: date) -> PersonQuerySet:
    """Active files with a 三必清 gap or a fact not verified since `cutoff`."""
    return persons.active().filter(gaps_q() | unverified_q(cutoff))


@dataclass
class CompletenessRow:
    area: Area
    files: int
    known: int
    verified: int

    @property
    def known_percent(self) -> float | None:
        return round(100 * self.known / self.files, 1) if self.files else None

    @property
    def verified_percent(self) -> float | None:
        return round(100 * self.verified / self.files, 1) if self.files else None


def completeness_by_area(
    persons: PersonQuerySet, areas: list[Area], cutoff: date
) -> list[CompletenessRow]:
    """Active files, all-known and all-verified counts per area, in one GROUP BY per code length.

    `areas` are siblings (or any areas whose subtrees do not overlap); each row counts the
    files whose area code starts with the area's prefix.
    """
    by_length: dict[int, list[Area]] = {}
    for area in areas:
        by_length.setdefault(len(area.prefix), []).append(area)
    counts: dict[str, dict[str, int]] = {}
    for length, group in by_length.items():
        rows = (
            persons.active()
            .filter(subtree_q([group[0].prefix]) if len(group) == 1 else Q())
            .annotate(key=Substr("area_code", 1, length))
            .filter(key__in=[a.prefix for a in group])
            .values("key")
            .annotate(
                files=Count("id"),
                known=Count("id", filter=all_known_q()),
                verified=Count("id", filter=all_verified_q(cutoff)),
            )
            .order_by()
        )
        counts |= {
            row["key"]: {"files": row["files"], "known": row["known"], "verified": row["verified"]}
            for row in rows
        }
    empty = {"files": 0, "known": 0, "verified": 0}
    return [
        CompletenessRow(
            area=area,
            files=counts.get(area.prefix, empty)["files"],
            known=counts.get(area.prefix, empty)["known"],
            verified=counts.get(area.prefix, empty)["verified"],
        )
        for area in areas
    ]


def completeness_areas(user: User) -> list[Area]:
    """The areas one level below each record membership (a community is its own row)."""
    tops = sorted(
        {m.area.code: m.area for m in user.active_memberships() if m.role in AREA_ROLES}.values(),
        key=lambda a: a.code,
    )
    tops = [a for a in tops if not any(o is not a and o.contains(a) for o in tops)]
    parents = [a for a in tops if a.level != Area.Level.COMMUNITY]
    children = list(Area.objects.filter(parent__in=parents).order_by("code")) if parents else []
    return sorted(
        [*children, *(a for a in tops if a.level == Area.Level.COMMUNITY)], key=lambda a: a.code
    )


_DIGITS = re.compile(r"(\d+)")


def address_sort_key(address: str) -> tuple[object, ...]:
    """Natural order for addresses: "英雄南路2号" before "英雄南路12号"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(address)
    )


def due_page(due: PersonQuerySet, number: Any) -> tuple[Page[Any], list[Person], bool]:
    """One page of due files ordered by street, community and address; whether fully sorted.

    The exact address is encrypted, so the database cannot sort by it. A community's (or a
    street's) list is small: up to DUE_FULL_SORT_LIMIT files we read only (id, area code,
    encrypted address), decrypt and sort them all in Python (a few ms per thousand) and then
    load the page's rows — a true street-and-address order across pages. Beyond that (a
    district or the city) decrypting everything per page view would not scale, so pages are
    cut in SQL by area code and name and each page is sorted by address within itself; the
    page says so. A stored non-identifying sort key would avoid both, but any key that sorts
    like the address (street name + house number) reveals the address, so we keep none.
    """
    keys = list(
        due.order_by("area_code", "id").values_list("id", "area_code", "address_enc")[
            : DUE_FULL_SORT_LIMIT + 1
        ]
    )
    rows_query = Person.objects.select_related("community__parent", "origin_region")
    if len(keys) <= DUE_FULL_SORT_LIMIT:
        address_of = decryptor("address")

        def key(row: tuple[int, str, str]) -> tuple[object, ...]:
            address = address_of(row[2])
            return (row[1], address == "", address_sort_key(address), row[0])

        ordered = [row[0] for row in sorted(keys, key=key)]
        page = Paginator(ordered, DUE_PER_PAGE).get_page(number)
        by_pk = {p.pk: p for p in rows_query.filter(pk__in=list(page.object_list))}
        return page, [by_pk[pk] for pk in page.object_list], True
    cut = Paginator(
        due.select_related("community__parent", "origin_region").order_by(
            "area_code", "name_pinyin", "id"
        ),
        DUE_PER_PAGE,
    ).get_page(number)
    rows = sorted(
        cut.object_list, key=lambda p: (p.area_code, address_sort_key(decrypt(p, "address")))
    )
    return cut, rows, False
