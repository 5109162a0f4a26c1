"""Small-cell suppression that cannot be undone by arithmetic (a pure function, no Django).

Hiding a count of 1–4 as "<5" is not enough on its own: a reader who sees a total and every other
cell of its line subtracts and gets the hidden count back. `suppress` therefore adds
complementary suppression, and checks the result the way a reader would attack it.

What a reader is taken to know (docs/security.md, "Statistics"):
- every shown number, and that each line's whole is the sum of its parts;
- a SMALL cell ("<5") is 1 … threshold-1;
- a WITHHELD cell is ≥ threshold (only non-zero shown figures are ever withheld, and a shown
  figure is 0 or ≥ threshold), and no larger than the figures still shown in the line it was
  withheld from (strictly smaller than those before it: the rule picks the smallest, first on ties);
- an OMITTED cell (a part left out of the page) is ≥ 0; an unpublished cell (never shown by
  design, such as "active files with a gap") is ≥ 0.

From these facts the lowest and highest possible value of every hidden cell are narrowed line
by line until they stop changing (the lines of a dashboard share at most one cell with each other
and form no cycle, where this narrowing gives the exact lowest and highest values). A hidden cell
whose lowest and highest values meet can be worked out. Then, for the first such cell (in the
order of the lines and their parts), the smallest non-zero figure still shown among the parts of
the first of its lines that has one is withheld; if none of its lines has one, the parts of its
lines are omitted. Repeat until no hidden cell can be worked out. Zero is always shown: "none" is
not a small group.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

# A bound no count reaches: "no upper limit" without floats.
UNBOUNDED = 1 << 62


class Mark(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # primary: 1 … threshold-1, shown as "<threshold"
    WITHHELD = "withheld"  # complementary: hidden so that a small cell cannot be worked out
    OMITTED = "omitted"  # left out of the page altogether (the last resort)


@dataclass(frozen=True)
class Line[K: Hashable]:
    """`whole` = sum of `parts` (a row with its total, a breakdown with the grand total)."""

    whole: K
    parts: tuple[K, ...]


@dataclass(frozen=True)
class Suppressed[K: Hashable]:
    marks: dict[K, Mark]
    # The line each withheld cell was taken from (what a reader may infer from the rule).
    withheld_from: dict[K, Line[K]]


def reader_bounds[K: Hashable](
    values: Mapping[K, int],
    lines: Sequence[Line[K]],
    marks: Mapping[K, Mark],
    withheld_from: Mapping[K, Line[K]],
    *,
    threshold: int,
) -> dict[K, tuple[int, int]]:
    """The lowest and highest value a reader can give each cell from what is shown.

    `marks` holds the published cells; a cell of `values` without a mark is unpublished.
    """
    lo: dict[K, int] = {}
    hi: dict[K, int] = {}
    for key, value in values.items():
        mark = marks.get(key)
        if mark is Mark.SHOWN:
            lo[key] = hi[key] = value
        elif mark is Mark.SMALL:
            lo[key], hi[key] = 1, threshold - 1
        elif mark is Mark.WITHHELD:
            lo[key], hi[key] = threshold, UNBOUNDED
            line = withheld_from[key]
            for index, part in enumerate(line.parts):
                if marks.get(part) is Mark.SHOWN and values[part] > 0:
                    before = index < line.parts.index(key)
                    hi[key] = min(hi[key], values[part] - (1 if before else 0))
        else:  # omitted, unpublished
            lo[key], hi[key] = 0, UNBOUNDED
    for _pass in range(10 * len(lines) + 10):  # acyclic lines settle in a few passes
        changed = False
        for line in lines:
            changed |= _narrow(line, lo, hi)
        if not changed:
            break
    return {key: (lo[key], hi[key]) for key in values}


def _narrow[K: Hashable](line: Line[K], lo: dict[K, int], hi: dict[K, int]) -> bool:
    """One pass of whole = Σ parts over the bounds; True if a bound moved.

    The sums are taken once per pass (a part's bound moved in this pass is used from the next),
    which reaches the same settled bounds in linear time per line."""
    whole, parts = line.whole, line.parts
    before = [(lo[k], hi[k]) for k in (whole, *parts)]
    sum_lo = sum(lo[p] for p in parts)
    open_ended = sum(1 for p in parts if hi[p] >= UNBOUNDED)
    sum_hi = sum(hi[p] for p in parts if hi[p] < UNBOUNDED)
    lo[whole] = max(lo[whole], sum_lo)
    hi[whole] = min(hi[whole], UNBOUNDED if open_ended else sum_hi)
    for (own_lo, own_hi), part in zip(before[1:], parts, strict=True):
        own_open = own_hi >= UNBOUNDED
        if open_ended - own_open == 0:
            others_hi = sum_hi - (0 if own_open else own_hi)
            lo[part] = max(lo[part], lo[whole] - others_hi)
        if hi[whole] < UNBOUNDED:
            hi[part] = min(hi[part], hi[whole] - (sum_lo - own_lo))
    return before != [(lo[k], hi[k]) for k in (whole, *parts)]


def _derivable[K: Hashable](
    values: Mapping[K, int],
    marks: Mapping[K, Mark],
    bounds: Mapping[K, tuple[int, int]],
    threshold: int,
) -> list[K]:
    """Hidden cells a reader can pin down: a withheld cell, or any small count (even omitted)."""
    found = []
    for key, mark in marks.items():
        secret = mark is Mark.SMALL or mark is Mark.WITHHELD
        secret |= mark is Mark.OMITTED and 0 < values[key] < threshold
        if secret and bounds[key][0] >= bounds[key][1]:
            found.append(key)
    return found


def suppress[K: Hashable](
    values: Mapping[K, int],
    lines: Sequence[Line[K]],
    *,
    threshold: int = 5,
    unpublished: frozenset[K] = frozenset(),
) -> Suppressed[K]:
    """The mark of every published cell of `values` (those not in `unpublished`)."""
    marks: dict[K, Mark] = {
        key: Mark.SMALL if 0 < value < threshold else Mark.SHOWN
        for key, value in values.items()
        if key not in unpublished
    }
    withheld_from: dict[K, Line[K]] = {}
    for _step in range(len(values) + 2):
        bounds = reader_bounds(values, lines, marks, withheld_from, threshold=threshold)
        pinned = _derivable(values, marks, bounds, threshold)
        if not pinned:
            return Suppressed(marks, withheld_from)
        mine = [line for line in lines if pinned[0] == line.whole or pinned[0] in line.parts]
        for line in mine:
            shown = [p for p in line.parts if marks.get(p) is Mark.SHOWN and values[p] > 0]
            if shown:
                smallest = min(shown, key=lambda p: values[p])  # first on ties
                marks[smallest] = Mark.WITHHELD
                withheld_from[smallest] = line
                break
        else:
            for line in mine:
                for part in line.parts:
                    if part in marks and marks[part] is not Mark.OMITTED:
                        marks[part] = Mark.OMITTED
                        withheld_from.pop(part, None)
    # No step left (cannot happen while a pinned cell's lines have parts to omit): leave out
    # every part rather than show a count that can be worked out.
    parts = {part for line in lines for part in line.parts}
    return Suppressed({k: Mark.OMITTED if k in parts else m for k, m in marks.items()}, {})
