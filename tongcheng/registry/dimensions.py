"""How the dashboard summary counts one file: its dimensions and keys (a pure function).

Shared by the summary's refreshes (actions.summary, from rows read back from the database) and
by the bulk import, whose helper processes count each new file as they build it (ledger.rows),
so both count a file the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from tongcheng.registry.models import AreaSummary, Person

Dim = AreaSummary.Dimension
# Person columns the summary depends on: a write that changes none of them needs no refresh.
SUMMARY_COLUMNS = frozenset(
    {
        "community",
        "community_id",
        "area_code",
        "status",
        "ethnicity",
        "ethnicity_id",
        "origin_region",
        "origin_region_id",
        "origin_province",
        "origin_text",
        "address_enc",
        "occupation",
        "arrived_on",
        "origin_verified_on",
        "address_verified_on",
        "occupation_verified_on",
    }
)


def count_files(files: Iterable[tuple[object, ...]]) -> Counter[tuple[str, str, str]]:
    """(area_code, dimension, key) → files, from rows of `ROW_COLUMNS` (read from the
    database, or built by the import as it writes: summary_add_counts)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for code, status, ethnicity, province, occupation, arrived, known, *verified in files:
        area = str(code)
        counts[(area, Dim.TOTAL, "")] += 1
        counts[(area, Dim.STATUS, str(status))] += 1
        counts[(area, Dim.ETHNICITY, str(ethnicity))] += 1
        counts[(area, Dim.ORIGIN, str(province or ""))] += 1
        counts[(area, Dim.OCCUPATION, str(occupation or ""))] += 1
        if isinstance(arrived, date):
            counts[(area, Dim.ARRIVAL, f"{arrived:%Y-%m}")] += 1
        if status == Person.Status.ACTIVE:
            if known:
                counts[(area, Dim.KNOWN, "")] += 1
            if all(isinstance(d, date) for d in verified):
                oldest = min(d for d in verified if isinstance(d, date))
                counts[(area, Dim.VERIFIED, oldest.isoformat())] += 1
    return counts


ROW_COLUMNS = (
    "area_code",
    "status",
    "ethnicity_id",
    "origin_province",
    "occupation",
    "arrived_on",
    "known",
    "origin_verified_on",
    "address_verified_on",
    "occupation_verified_on",
)
