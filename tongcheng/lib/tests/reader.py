"""A reader who tries to work out hidden counts from published ones, by brute force.

Independent of `lib.suppression`'s narrowing of bounds: it searches whole assignments of the
hidden cells that satisfy every line, and reports which values a hidden cell can take. Used by
the suppression tests and by the statistics page's test (on the numbers parsed from the page).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from tongcheng.lib.suppression import Line, Mark


def reader_domains[K: Hashable](
    shown: Mapping[K, int | None],
    marks: Mapping[K, Mark],
    *,
    threshold: int,
    cap: int,
    withheld_below: Mapping[K, int] | None = None,
) -> dict[K, range]:
    """What a reader allows for each cell: a shown value; 1 … threshold-1 for "<threshold"; at
    least `threshold` for a withheld figure (at most `withheld_below[k]` if given); 0 … cap
    for a cell that is not on the page. `cap` bounds the search (a smaller search finds fewer
    values, so a cell found to have two values has at least two)."""
    domains: dict[K, range] = {}
    for key, value in shown.items():
        mark = marks.get(key)
        if mark is Mark.SHOWN and value is not None:
            domains[key] = range(value, value + 1)
        elif mark is Mark.SMALL:
            domains[key] = range(1, threshold)
        elif mark is Mark.WITHHELD:
            top = min(cap, (withheld_below or {}).get(key, cap))
            domains[key] = range(threshold, top + 1)
        else:
            domains[key] = range(0, cap + 1)
    return domains


def possible_values[K: Hashable](
    domains: Mapping[K, range], lines: Sequence[Line[K]], key: K, *, enough: int = 2
) -> list[int]:
    """Values of `key` that some assignment satisfying every line gives it (stops at `enough`).

    Hidden cells that share no line with `key`'s group (through other hidden cells) are
    searched apart: each group only has to be satisfiable on its own."""
    groups = _groups(domains, lines)
    if not all(_completes(domains, lines, group) for group in groups if key not in group):
        return []
    mine = next((g for g in groups if key in g), [key])
    found: list[int] = []
    for value in domains[key]:
        if _completes({**domains, key: range(value, value + 1)}, lines, mine):
            found.append(value)
            if len(found) >= enough:
                break
    return found


def _groups[K: Hashable](domains: Mapping[K, range], lines: Sequence[Line[K]]) -> list[list[K]]:
    """Hidden cells (more than one possible value) joined by the lines they share, in the
    order of the lines (so a search fills one line before the next)."""
    group_of: dict[K, int] = {}
    groups: list[list[K]] = []
    for line in lines:
        hidden = [k for k in (line.whole, *line.parts) if len(domains[k]) > 1]
        met = sorted({group_of[k] for k in hidden if k in group_of})
        if not met:
            groups.append([])
            met = [len(groups) - 1]
        target = met[0]
        for other in met[1:]:
            for k in groups[other]:
                group_of[k] = target
            groups[target].extend(groups[other])
            groups[other] = []
        for k in hidden:
            if k not in group_of:
                group_of[k] = target
                groups[target].append(k)
    return [g for g in groups if g]


def _completes[K: Hashable](
    domains: Mapping[K, range], lines: Sequence[Line[K]], order: Sequence[K]
) -> bool:
    """Whether the cells of `order` can take values that satisfy every line."""
    order = [k for k in order if len(domains[k]) > 1]
    assigned: dict[K, int] = {k: r.start for k, r in domains.items() if len(r) == 1}
    mine = set(order)
    relevant = [line for line in lines if mine & {line.whole, *line.parts}] if mine else lines

    def span(key: K) -> tuple[int, int]:
        if key in assigned:
            return assigned[key], assigned[key]
        return domains[key].start, domains[key].stop - 1

    def consistent() -> bool:
        for line in relevant:
            low = sum(span(p)[0] for p in line.parts)
            high = sum(span(p)[1] for p in line.parts)
            whole_low, whole_high = span(line.whole)
            if low > whole_high or high < whole_low:
                return False
        return True

    def search(index: int) -> bool:
        if not consistent():
            return False
        if index == len(order):
            return True
        key = order[index]
        for value in domains[key]:
            assigned[key] = value
            if search(index + 1):
                return True
        del assigned[key]
        return False

    return all(len(r) > 0 for r in domains.values()) and search(0)
