"""The ledger summary: per-community counts the registry dashboard reads instead of raw files.

Dashboards at scale read summaries (docs/performance.md). Every service that writes files calls
`summary_refresh_communities` with the communities it touched, in the same transaction; the
refresh recomputes those communities' rows from their files (one query per community, a few
hundred to a few thousand rows), so there is no delta bookkeeping to get wrong. A dashboard then
sums the rows of the communities in its scope (a range on the area code), whatever the number
of files. `manage.py rebuild_ledger_summary` recomputes everything (after a raw bulk load).

Dimensions (key → count of files):
- total: "" → all files; status: status; ethnicity: code; origin: province (2 digits, "" not
  recorded); occupation: code ("" not recorded); arrival: "YYYY-MM" of arrived_on (a date later
  this month counts in this month; the live query stops at today — forms refuse future dates);
- known: "" → active files whose origin, address and occupation are all known;
- verified: "YYYY-MM-DD" → active files whose oldest of the three verification dates is that
  day (all three verified since a cutoff ⇔ that date ≥ cutoff: the dashboard sums keys ≥ cutoff,
  so the figure stays exact as time passes without any refresh).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper

from tongcheng.org.models import Area
from tongcheng.registry.dimensions import ROW_COLUMNS, SUMMARY_COLUMNS, count_files
from tongcheng.registry.models import AreaSummary, Person
from tongcheng.registry.rules import all_known_q

Dim = AreaSummary.Dimension
REFRESH_CHUNK = 500


def _file_rows(codes: list[str] | None) -> Iterable[tuple[object, ...]]:
    """The summarised columns of the communities' files (of every file when `codes` is None)."""
    files = Person.objects.all() if codes is None else Person.objects.filter(area_code__in=codes)
    known = ExpressionWrapper(all_known_q(), output_field=BooleanField())
    return (
        files.annotate(known=known).order_by().values_list(*ROW_COLUMNS).iterator(chunk_size=10_000)
    )


def _lock(codes: list[str]) -> None:
    """Serialise refreshes of one community (PostgreSQL; SQLite writers are serial already).

    Taken before counting: under READ COMMITTED the count then sees every file a concurrent,
    now committed, refresh counted. FOR NO KEY UPDATE does not block inserts referencing the area.
    """
    list(
        Area.objects.select_for_update(no_key=True)
        .filter(code__in=codes)
        .order_by("code")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def summary_refresh_communities(codes: Iterable[str]) -> None:
    """Recompute the summary rows of these communities (12-digit codes) from their files."""
    wanted = sorted({c for c in codes if c})
    for start in range(0, len(wanted), REFRESH_CHUNK):
        chunk = wanted[start : start + REFRESH_CHUNK]
        _lock(chunk)
        counts = count_files(_file_rows(chunk))
        # Naming the dimensions lets the (dimension, area_code) index find the rows.
        AreaSummary.objects.filter(dimension__in=Dim.values, area_code__in=chunk).delete()
        AreaSummary.objects.bulk_create(
            (
                AreaSummary(area_code=area, dimension=dim, key=key, count=n)
                for (area, dim, key), n in sorted(counts.items())
            ),
            batch_size=2000,
        )


@transaction.atomic
def summary_add_counts(code: str, counts: Counter[tuple[str, str, str]]) -> None:
    """Add new files' counts (count_files) to one community's rows, without re-reading its
    existing files.

    For the bulk import (100k new files at once), which counts the rows as it writes them.
    The community's summary rows (a few hundred) are read, added to and written back under
    the same lock as a refresh. Tested against a full recount (tests/test_stats_summary.py).
    """
    _lock([code])
    counts = Counter(counts)
    existing = AreaSummary.objects.filter(dimension__in=Dim.values, area_code=code)
    for area, dim, key, n in existing.values_list("area_code", "dimension", "key", "count"):
        counts[(area, dim, key)] += n
    existing.delete()
    AreaSummary.objects.bulk_create(
        (
            AreaSummary(area_code=area, dimension=dim, key=key, count=n)
            for (area, dim, key), n in sorted(counts.items())
        ),
        batch_size=2000,
    )


@transaction.atomic
def summary_rebuild() -> int:
    """Recompute the whole summary (after a raw bulk load, or to repair it); returns row count."""
    AreaSummary.objects.all().delete()
    counts = count_files(_file_rows(None))
    AreaSummary.objects.bulk_create(
        (
            AreaSummary(area_code=area, dimension=dim, key=key, count=n)
            for (area, dim, key), n in sorted(counts.items())
        ),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        # Fresh planner statistics for the rewritten table (allowed inside a transaction).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {AreaSummary._meta.db_table}")
    return len(counts)


def summary_refresh_person(before: str, after: str, changed: Iterable[str]) -> None:
    """After an update of one file: refresh its old and new community if a counted column
    changed."""
    if set(changed) & SUMMARY_COLUMNS:
        summary_refresh_communities({before, after})
