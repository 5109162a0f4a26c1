"""Small-cell suppression: no hidden count can be worked out from what is shown.

Tables are generated (hypothesis): a grand total shared by up to three breakdowns, and parts of
the first breakdown split again with an unpublished remainder (like "active files" and "active
files with all three facts known"). The reader of `tests/reader.py` then searches, by brute
force, every assignment of the hidden cells that fits the shown numbers and the sums.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tongcheng.lib.suppression import Line, Mark, Suppressed, suppress
from tongcheng.lib.tests.reader import possible_values, reader_domains

T = 5

Table = tuple[dict[str, int], list[Line[str]], frozenset[str]]


@st.composite
def tables(draw: st.DrawFn) -> Table:
    count = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 14))
    first = draw(st.lists(count, min_size=1, max_size=4))
    total = sum(first)
    values = {"T": total} | {f"A{j}": n for j, n in enumerate(first)}
    lines = [Line("T", tuple(f"A{j}" for j in range(len(first))))]
    for i in range(draw(st.integers(0, 2))):
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=0, max_size=3)))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        values |= {f"B{i}_{j}": n for j, n in enumerate(parts)}
        lines.append(Line("T", tuple(f"B{i}_{j}" for j in range(len(parts)))))
    unpublished = set()
    for s in range(draw(st.integers(0, 2))):
        whole = "A0"
        known = draw(st.integers(0, values[whole]))
        values |= {f"K{s}": known, f"G{s}": values[whole] - known}
        lines.append(Line(whole, (f"K{s}", f"G{s}")))
        unpublished.add(f"G{s}")
    return values, lines, frozenset(unpublished)


def withheld_below(values: dict[str, int], result: Suppressed[str]) -> dict[str, int]:
    """The rule withholds the smallest figure shown in a line, first on ties: what a withheld
    figure's line still shows bounds it from above."""
    below = {}
    for key, line in result.withheld_from.items():
        shown = [
            values[p] - (1 if line.parts.index(p) < line.parts.index(key) else 0)
            for p in line.parts
            if result.marks.get(p) is Mark.SHOWN and values[p] > 0
        ]
        if shown:
            below[key] = min(shown)
    return below


def pinned_cells(
    values: dict[str, int], lines: list[Line[str]], result: Suppressed[str]
) -> dict[str, list[int]]:
    """Hidden cells the brute-force reader finds only one value for (with that value)."""
    shown = {k: (v if result.marks.get(k) is Mark.SHOWN else None) for k, v in values.items()}
    domains = reader_domains(
        shown,
        result.marks,
        threshold=T,
        cap=max(values.values()) + T,
        withheld_below=withheld_below(values, result),
    )
    pinned = {}
    for key, mark in result.marks.items():
        secret = mark in (Mark.SMALL, Mark.WITHHELD) or (
            mark is Mark.OMITTED and 0 < values[key] < T
        )
        if secret:
            found = possible_values(domains, lines, key)
            assert values[key] in possible_values(domains, lines, key, enough=99)
            if len(found) < 2:
                pinned[key] = found
    return pinned


@settings(max_examples=300, deadline=None)
@given(tables())
def test_it_leaves_no_hidden_count_that_can_be_worked_out(table: Table) -> None:
    values, lines, unpublished = table
    result = suppress(values, lines, threshold=T, unpublished=unpublished)
    assert pinned_cells(values, lines, result) == {}


@settings(max_examples=300, deadline=None)
@given(tables())
def test_it_shows_zero_and_every_count_it_can(table: Table) -> None:
    values, lines, unpublished = table
    result = suppress(values, lines, threshold=T, unpublished=unpublished)
    assert set(result.marks) == set(values) - unpublished
    for key, mark in result.marks.items():
        if values[key] == 0:
            assert mark in (Mark.SHOWN, Mark.OMITTED)
        if 0 < values[key] < T:
            assert mark in (Mark.SMALL, Mark.OMITTED)
        if values[key] >= T:
            assert mark is not Mark.SMALL
    # Deterministic: the same table gives the same page.
    assert suppress(values, lines, threshold=T, unpublished=unpublished) == result


def test_the_reader_works_out_a_small_count_that_only_primary_suppression_hides() -> None:
    """The leak this module closes: 上党区 "<5" is the total minus the other district."""
    values = {"T": 10, "潞州区": 7, "上党区": 3}
    lines = [Line("T", ("潞州区", "上党区"))]
    primary_only = Suppressed(
        {"T": Mark.SHOWN, "潞州区": Mark.SHOWN, "上党区": Mark.SMALL}, withheld_from={}
    )
    assert pinned_cells(values, lines, primary_only) == {"上党区": [3]}
    result = suppress(values, lines)
    assert result.marks == {"T": Mark.SHOWN, "潞州区": Mark.WITHHELD, "上党区": Mark.SMALL}
    assert pinned_cells(values, lines, result) == {}


def test_two_small_cells_are_not_enough_when_their_sum_pins_them() -> None:
    """1 + 1 = 2: two hidden cells in a line can still both be worked out."""
    values = {"T": 22, "a": 20, "b": 1, "c": 1}
    lines = [Line("T", ("a", "b", "c"))]
    two_small = Suppressed({"T": Mark.SHOWN, "a": Mark.SHOWN, "b": Mark.SMALL, "c": Mark.SMALL}, {})
    assert pinned_cells(values, lines, two_small) == {"b": [1], "c": [1]}
    result = suppress(values, lines)
    assert result.marks["a"] is Mark.WITHHELD
    assert pinned_cells(values, lines, result) == {}


def test_it_leaves_out_a_breakdown_that_withholding_cannot_protect() -> None:
    """11 = 5 + 5 + 1: a withheld figure is at least 5, so even with all three hidden the
    small one is 1. The breakdown is left out; the other one, fully shown, stays."""
    values = {"T": 11, "a": 5, "b": 5, "c": 1, "x": 11}
    lines = [Line("T", ("a", "b", "c")), Line("T", ("x",))]
    result = suppress(values, lines)
    assert result.marks == {
        "T": Mark.SHOWN,
        "a": Mark.OMITTED,
        "b": Mark.OMITTED,
        "c": Mark.OMITTED,
        "x": Mark.SHOWN,
    }
    assert pinned_cells(values, lines, result) == {}


def test_it_shows_no_breakdown_of_a_total_below_the_threshold() -> None:
    """Four groups of one under a total "<5": the total would be 4, so the breakdown goes."""
    values = {"T": 4, "a": 1, "b": 1, "c": 1, "d": 1}
    result = suppress(values, [Line("T", ("a", "b", "c", "d"))])
    assert result.marks["T"] is Mark.SMALL
    assert {result.marks[k] for k in "abcd"} == {Mark.OMITTED}
