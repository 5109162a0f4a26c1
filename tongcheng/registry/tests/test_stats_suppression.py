"""The leader's statistics page gives no small count away: parsed from the page as rendered.

The ledger is built so that primary suppression alone leaks (one community of 3 files in the
other district, 3 files of one ethnic group, 1 file moved away): the total minus the other rows
would give each "<5" back. The test reads only the page (numbers, "<5", "withheld", percentages
and the chart data), writes down the sums a reader knows, and searches by brute force
(lib/tests/reader.py) every value each hidden cell can have.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tongcheng.lib.suppression import Line, Mark
from tongcheng.lib.tests.reader import possible_values, reader_domains
from tongcheng.registry.actions.summary import summary_rebuild
from tongcheng.registry.models import Person
from tongcheng.registry.stats import SMALL_CELL
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/registry/stats/"
COMMUNITY_A = "140403001001"
COMMUNITY_B = "140403002001"
OTHER_DISTRICT_COMMUNITY = "140404001001"
# Breakdowns whose rows add up to the total at the top of the page.
SUMMED = ("area", "ethnicity", "origin", "occupation", "status")


def leaky_ledger() -> None:
    recent = timezone.localdate() - timedelta(days=40)
    for n in range(12):
        make_person(
            COMMUNITY_A,
            name=f"马{n}",
            ethnicity="03",
            origin_region="640324",
            occupation="vendor",
            address="东街1号" if n < 3 else "",
            arrived_on=recent,
        )
    for n in range(6):
        make_person(COMMUNITY_B, name=f"丁{n}", ethnicity="03", origin_region="640324")
    for n in range(3):
        make_person(OTHER_DISTRICT_COMMUNITY, name=f"巴特尔{n}", ethnicity="02")
    first = Person.objects.filter(area_code=COMMUNITY_B).order_by("pk").first()
    assert first is not None
    Person.objects.filter(pk=first.pk).update(status=Person.Status.MOVED_AWAY)
    summary_rebuild()


def sections(body: str) -> dict[str, list[tuple[str, str, str]]]:
    """Each breakdown's rows as (label, count as shown, percentage as shown)."""
    found = {}
    for key, content in re.findall(
        r'<section class="card mb-4" aria-labelledby="stats-([a-z]+)">(.*?)</section>', body, re.S
    ):
        rows = []
        for tbody in re.findall(r"<tbody>(.*?)</tbody>", content, re.S):
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, re.S):
                cells = [
                    html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                    for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
                ]
                rows.append((cells[0], cells[1], cells[2] if len(cells) > 2 else ""))
        found[key] = rows
    return found


def read_number(text: str) -> tuple[Mark, int | None]:
    if text == f"<{SMALL_CELL}":
        return Mark.SMALL, None
    if text.isdigit():
        return Mark.SHOWN, int(text)
    assert text == "已隐去", text
    return Mark.WITHHELD, None


def reader_sees(
    body: str,
) -> tuple[dict[str, Mark], dict[str, int | None], list[Line[str]], dict[str, tuple[str, str]]]:
    """Marks, shown values, the sums and the percentages (cell → (percent, base cell))."""
    total_text = re.search(r"<strong[^>]*>\s*(\d+|&lt;\d+)\s*</strong>", body)
    assert total_text is not None
    marks: dict[str, Mark] = {}
    shown: dict[str, int | None] = {}
    marks["total"], shown["total"] = read_number(html.unescape(total_text.group(1)).strip())
    lines: list[Line[str]] = []
    percents: dict[str, tuple[str, str]] = {}
    tables = sections(body)
    for key in SUMMED:
        parts = []
        for label, count, percent in tables.get(key, []):
            cell = f"{key}:{label}"
            marks[cell], shown[cell] = read_number(count)
            parts.append(cell)
            if percent:
                percents[cell] = (percent, "total")
        if parts:
            lines.append(Line("total", tuple(parts)))
    rows = tables["completeness"]
    active, *rest = (f"completeness:{label}" for label, _c, _p in rows)
    for (_label, count, percent), cell in zip(rows, [active, *rest], strict=True):
        marks[cell], shown[cell] = read_number(count)
        if percent:
            percents[cell] = (percent, "total" if cell == active else active)
    for cell in rest:  # known and verified files are some of the active files
        shown[f"gap:{cell}"] = None
        lines.append(Line(active, (cell, f"gap:{cell}")))
    if "status:在册" in marks:  # the same active files in the status table
        lines.append(Line(active, ("status:在册",)))
    return marks, shown, lines, percents


def pinned_cells(body: str) -> dict[str, list[int]]:
    marks, shown, lines, percents = reader_sees(body)
    cap = (shown["total"] or SMALL_CELL) + SMALL_CELL
    domains = reader_domains(shown, marks, threshold=SMALL_CELL, cap=cap)
    for cell, (percent, base) in percents.items():
        # A percentage of a shown base is a count: keep only the values it rounds from.
        assert marks[base] is Mark.SHOWN, f"{cell}: a percentage of a hidden base"
        base_value = shown[base] or 0
        domains[cell] = range(0) if not base_value else domains[cell]
        fits = [v for v in domains[cell] if f"{100 * v / base_value:.1f}%" == percent]
        assert fits, f"{cell}: {percent} fits no count"
        domains[cell] = range(fits[0], fits[-1] + 1)
    pinned = {}
    for cell, mark in marks.items():
        if mark is not Mark.SHOWN:
            found = possible_values(domains, lines, cell)
            if len(found) < 2:
                pinned[cell] = found
    return pinned


def test_it_leaves_no_small_count_on_the_leaders_page_that_can_be_worked_out(cast) -> None:
    leaky_ledger()
    response = cast.client("leader").get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    marks, shown, _lines, _percents = reader_sees(body)
    # The cells that leaked before: the other district's 3, the 3 蒙古族, the 1 moved away.
    assert marks["area:上党区"] is Mark.SMALL
    assert marks["ethnicity:蒙古族"] is Mark.SMALL
    assert marks["status:已迁离"] is Mark.SMALL
    assert shown["total"] == 21
    assert pinned_cells(body) == {}
    # The chart data sent to the browser holds no hidden figure either.
    island = re.search(r'<script id="registry-stats-data"[^>]*>(.*?)</script>', body, re.S)
    assert island is not None
    for chart in json.loads(island.group(1)):
        for label, value, text, percent in zip(
            chart["labels"], chart["values"], chart["shown"], chart["percents"], strict=True
        ):
            if value is None:
                assert text in (f"<{SMALL_CELL}", "已隐去") and percent == "", (chart["id"], label)
            else:
                assert text == str(value), (chart["id"], label)


def test_the_reader_works_out_a_lone_small_count_from_the_total() -> None:
    """The reader is not toothless: a page that hides only 上党区 gives it back as 21 - 18."""
    body = (
        '<strong id="stats-total">21</strong>'
        '<section class="card mb-4" aria-labelledby="stats-area"><table><tbody>'
        '<tr><td>潞州区</td><td class="text-end">18</td></tr>'
        '<tr><td>上党区</td><td class="text-end">&lt;5</td></tr>'
        "</tbody></table></section>"
        '<section class="card mb-4" aria-labelledby="stats-completeness"><table><tbody>'
        '<tr><td>在册档案</td><td class="text-end">21</td></tr>'
        "</tbody></table></section>"
    )
    assert pinned_cells(body) == {"area:上党区": [3]}
    # A percentage beside a hidden count gives it back too.
    with_percent = body.replace("&lt;5</td></tr>", '&lt;5</td><td class="text-end">14.3%</td></tr>')
    with_percent = with_percent.replace(">18</td></tr>", ">已隐去</td></tr>")
    assert pinned_cells(with_percent) == {"area:上党区": [3], "area:潞州区": [18]}
