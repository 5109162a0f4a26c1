"""What an aggregate-only reader (a leader) may see of the KPI tables: no count of 1–4 cases.

Counts (received, direct, dispatched, closed after the follow-up call, unreachable) go through
`lib.suppression` as every dashboard's do: each column of each table adds up to the total,
which all tables share, so one call protects them together (the lines share only the total
cell and form no cycle, where its narrowing is exact).

A rate tells its numerator to a reader who knows its denominator. For each rate the reader's
knowledge of each row's numerator is an interval:
- exact: the rate is shown (numerator and rest are 0 or at least 5, the denominator shown);
- a numerator of 1–4: shown as a bound, "<10.0%" (5 of 50), so the reader learns [1, 4];
- a rest of 1–4: shown as ">90.0%", the numerator in [d-4, d-1]; both small: hidden, [d-4, 4];
- hidden to protect another row (complementary): only rows whose numerator and rest are both at
  least 5 are chosen, so the reader learns [5, d-5];
- the denominator not shown exactly: hidden, [0, the highest the reader can give the
  denominator].
Each table's rows add up to the total's numerator: one line per table, all sharing the total.
The intervals are narrowed over these lines until they stop changing (a star of lines: the
narrowing is exact); while a bound or hidden numerator can be worked out exactly, the exact row
with the smallest denominator in its line is hidden too (the total when none is left; every
row of the rate in the end).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from tongcheng.lib.suppression import UNBOUNDED, Line, Mark, reader_bounds, suppress

THRESHOLD = 5


class Kind(StrEnum):
    EXACT = "exact"
    BELOW = "below"  # numerator 1–4: "<x%"
    ABOVE = "above"  # rest 1–4: ">x%"
    HIDDEN = "hidden"


@dataclass(frozen=True)
class CountMarks[K: Hashable]:
    marks: dict[K, Mark]
    bounds: dict[K, tuple[int, int]]


def protect_counts[K: Hashable](values: Mapping[K, int], lines: Sequence[Line[K]]) -> CountMarks[K]:
    """The marks of the count cells, and the bounds a reader gives each (for the rates)."""
    done = suppress(values, lines, threshold=THRESHOLD)
    bounds = reader_bounds(values, lines, done.marks, done.withheld_from, threshold=THRESHOLD)
    return CountMarks(done.marks, bounds)


@dataclass
class RateCell:
    numerator: int
    denominator: int
    den_exact: bool  # the reader knows the denominator exactly
    den_high: int  # else the highest value the reader can give it
    kind: Kind = Kind.EXACT


def _primary(cell: RateCell) -> tuple[Kind, int, int]:
    """The kind of the cell before any complementary hiding, and the reader's interval."""
    n, d = cell.numerator, cell.denominator
    if not cell.den_exact:
        return Kind.HIDDEN, 0, cell.den_high
    small_n, small_rest = 0 < n < THRESHOLD, 0 < d - n < THRESHOLD
    if small_n and small_rest:
        return Kind.HIDDEN, max(1, d - THRESHOLD + 1), min(THRESHOLD - 1, d - 1)
    if small_n:
        return Kind.BELOW, 1, THRESHOLD - 1
    if small_rest:
        return Kind.ABOVE, d - THRESHOLD + 1, d - 1
    return Kind.EXACT, n, n


def _may_hide(kind: Kind, cell: RateCell) -> bool:
    """An exact cell whose numerator and rest are both at least 5 (so hidden: [5, d-5])."""
    rest = cell.denominator - cell.numerator
    return kind is Kind.EXACT and cell.numerator >= THRESHOLD and rest >= THRESHOLD


def _narrow[K](lines: list[tuple[K, list[K]]], lo: dict[K, int], hi: dict[K, int]) -> None:
    """whole = Σ parts over intervals, line by line, until nothing moves."""
    for _pass in range(4 * len(lines) + 4):
        moved = False
        for whole, parts in lines:
            sum_lo, sum_hi = sum(lo[p] for p in parts), sum(min(hi[p], UNBOUNDED) for p in parts)
            new = {whole: (max(lo[whole], sum_lo), min(hi[whole], sum_hi))}
            for p in parts:
                others_lo, others_hi = sum_lo - lo[p], sum_hi - min(hi[p], UNBOUNDED)
                new[p] = (max(lo[p], lo[whole] - others_hi), min(hi[p], hi[whole] - others_lo))
            for key, (low, high) in new.items():
                if (low, high) != (lo[key], hi[key]):
                    lo[key], hi[key], moved = low, high, True
        if not moved:
            return


# Long because: the loop's steps (intervals, narrowing, the complementary choice) share state.
def protect_rate[K: Hashable](
    total: K, cells: Mapping[K, RateCell], tables: Sequence[Sequence[K]]
) -> dict[K, Kind]:
    """How each cell of one rate is shown: `tables` are the rows of each table (lines whose
    whole is `total`)."""
    kinds: dict[K, Kind] = {}
    fixed: dict[K, tuple[int, int]] = {}
    for key, cell in cells.items():
        kind, low, high = _primary(cell)
        kinds[key], fixed[key] = kind, (low, high)
    lines = [(total, list(rows)) for rows in tables]
    for _step in range(len(cells) + 1):
        lo = {k: v[0] for k, v in fixed.items()}
        hi = {k: v[1] for k, v in fixed.items()}
        _narrow(lines, lo, hi)
        pinned = [k for k in cells if kinds[k] is not Kind.EXACT and lo[k] >= hi[k]]
        if not pinned:
            return kinds
        line = next((rows for whole, rows in lines if pinned[0] in rows), lines[0][1])
        candidates = [k for k in line if _may_hide(kinds[k], cells[k])]
        if not candidates and _may_hide(kinds[total], cells[total]):
            candidates = [total]
        if not candidates:
            break
        chosen = min(candidates, key=lambda k: (cells[k].denominator, str(k)))
        kinds[chosen] = Kind.HIDDEN
        fixed[chosen] = (THRESHOLD, cells[chosen].denominator - THRESHOLD)
    # No choice left that protects the small numerators: the rate is not shown at all.
    return dict.fromkeys(cells, Kind.HIDDEN)
