"""Real community ledgers: the shapes the importer must read, each in a workbook written with
openpyxl (as other tools write them: shared strings, merged ranges, several sheets) and read
back through the whole reader — no mocks.

The shared helper `workbook` writes sheets of rows (with merged ranges) and returns the bytes.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from tongcheng.lib.idnumber import make_id_number
from tongcheng.registry.actions.bulk.commit import commit_import
from tongcheng.registry.columns import OCCUPATION_WORDS
from tongcheng.registry.errors import ImportRefused
from tongcheng.registry.ledger.plan import plan_import
from tongcheng.registry.ledger.read import inspect_upload, read_ledger
from tongcheng.registry.ledger.template import TEMPLATE_HEADERS
from tongcheng.registry.models import HouseholdMember, Occupation, Person
from tongcheng.registry.tests.test_import import community, ledger_bytes

pytestmark = pytest.mark.django_db

Sheet = tuple[str, list[list[Any]], list[str]]  # name, rows, merged ranges ("A1:C1")


def workbook(*sheets: Sheet) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows, merged in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in merged:
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def born(n: int, day: date = date(1985, 3, 12)) -> str:
    return make_id_number("622924", day, n, "male" if n % 2 else "female")


HEADER = ["序号", "姓名", "民族", "身份证号码", "联系电话", "来源地", "暂住地址"]


def person(n: int, **changes: Any) -> list[Any]:
    row = [n, f"马{'一二三四五六七八九'[n % 9]}明", "回族", born(n), "13812345678",
           "甘肃省临夏州广河县", f"东街{n}号"]  # fmt: skip
    for index, value in changes.items():
        row[int(index.removeprefix("c"))] = value
    return row


INSTRUCTIONS: Sheet = (
    "填表说明",
    [["填表说明：一人一行，姓名、民族必填；身份证号码请设为文本格式。"], ["如有疑问请联系街道。"]],
    [],
)


def test_it_finds_the_ledger_after_an_instruction_sheet() -> None:
    data = workbook(INSTRUCTIONS, ("台账", [["和平社区台账"], HEADER, person(1), person(2)], []))
    ledger = read_ledger(data)
    assert ledger.sheet_name == "台账" and ledger.header_row == 2
    assert [item["name"] for item in ledger.sheets] == ["台账"]
    assert [number for number, _cells in ledger.rows] == [3, 4]


def test_it_reads_the_best_sheet_and_the_one_chosen_by_name_or_position() -> None:
    data = workbook(
        INSTRUCTIONS,
        ("1号楼", [HEADER[:4], person(1)[:4]], []),
        ("2号楼", [HEADER, person(2), person(3)], []),
    )
    ledger = read_ledger(data)
    assert ledger.sheet_name == "2号楼"  # its header names more fields
    assert [(s["name"], s["position"]) for s in ledger.sheets] == [("1号楼", 2), ("2号楼", 3)]
    assert read_ledger(data, sheet="1号楼").sheet_name == "1号楼"
    assert read_ledger(data, sheet=2).sheet_name == "1号楼"
    with pytest.raises(ImportRefused) as caught:
        read_ledger(data, sheet="3号楼")
    assert "3号楼" in caught.value.message and "2号楼" in caught.value.message
    with pytest.raises(ImportRefused) as caught:
        read_ledger(data, sheet="填表说明")
    assert caught.value.code == "no_header"


def two_row_header() -> bytes:
    rows = [
        ["序号", "姓名", "民族", "身份证号码", "户籍所在地", None, None, "居住证", None],
        [None, None, None, None, "省", "市", "县（区）", "证号", "有效期至"],
        [1, "马一明", "回族", born(1), "甘肃省", "临夏回族自治州", "广河县", "P1404001",
         "2027-06-30"],
        [2, "马二明", "回族", born(2), "青海省", "西宁市", "城中区", None, None],
    ]  # fmt: skip
    merged = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:G1", "H1:I1"]
    return workbook(("台账", rows, merged))


def test_it_reads_a_two_row_header_with_merged_groups() -> None:
    ledger = read_ledger(two_row_header())
    assert [number for number, _cells in ledger.rows] == [3, 4]  # the sub-header is no person
    assert ledger.column_label("origin") == "户籍所在地 (E–G)"
    assert ledger.column_label("permit_number") == "居住证 (H)"
    assert ledger.column_label("permit_expires") == "居住证 (I)"
    plan = plan_import(ledger, community())
    assert plan.errors == []
    first, second = (data for _row, data in plan.create)
    assert first.origin_text == "甘肃省临夏回族自治州广河县"
    assert first.origin_region_code.startswith("6229")  # 临夏州, matched from the three cells
    assert first.permit_number == "P1404001"
    assert first.permit_expires_on == date(2027, 6, 30)
    assert second.origin_region_code.startswith("6301")  # 西宁市


@pytest.mark.parametrize("written", [1985.03, "1985.03", "1985.3", "1985年3月", 198503])
def test_it_compares_a_birth_month_with_the_id_number_at_month_precision(written: Any) -> None:
    header = ["姓名", "民族", "出生年月", "身份证号码"]
    rows = [header, ["马一明", "回族", written, born(1)], ["马二明", "回族", written, born(2)]]
    rows[2][3] = born(2, date(1985, 4, 12))  # a month later than written
    plan = plan_import(read_ledger(workbook(("台账", rows, []))), community())
    assert [data.birth_date for _row, data in plan.create] == [date(1985, 3, 12)]
    assert [(e.row, e.code) for e in plan.errors] == [(3, "conflicts_with_id_number")]


def test_it_skips_footers_and_rows_of_spaces_and_says_so() -> None:
    rows = [
        person(1), ["   ", "  ", None, " "], person(2),
        ["合计", "2人"],
        ["填表人：王芳", None, None, "审核人：李强", None, "联系电话：0355-2011234"],
    ]  # fmt: skip
    # XlsxWriter, like Excel, keeps cells of spaces (xml:space="preserve"); openpyxl's come
    # back empty.
    ledger = read_ledger(ledger_bytes(rows, headers=HEADER, title=False))
    assert [number for number, _cells in ledger.rows] == [2, 4]
    plan = plan_import(ledger, community())
    assert plan.errors == [] and len(plan.create) == 2
    assert [(row, reason) for row, reason, _message in plan.skipped] == [
        (3, "blank"), (5, "footer"), (6, "footer"),
    ]  # fmt: skip
    summary = plan.summary(ledger)
    assert summary["skipped"] == 3
    assert summary["skipped_rows"][1]["message"].startswith("表尾行")  # in Chinese


def test_it_reads_line_breaks_and_a_landline_as_the_only_phone() -> None:
    rows = [
        HEADER,
        person(1, c1="马一明\n", c6="东街\n建设路12号"),
        person(2, c4="0355-2011234"),
        person(3, c4="13812345678\n0355-2011234"),
    ]
    plan = plan_import(read_ledger(workbook(("台账", rows, []))), community())
    assert plan.errors == []
    first, second, third = (data for _row, data in plan.create)
    assert first.name == "马一明" and first.address == "东街 建设路12号"
    assert second.phone == "0355-2011234"
    assert third.phone == "13812345678"
    assert [(w.row, w.code) for w in plan.warnings] == [(4, "several_lines")]


def test_it_reads_children_into_household_members_or_keeps_them_as_a_note() -> None:
    header = [*HEADER, "随迁子女", "备注"]
    rows = [
        header,
        [*person(1), "子：马小明，2016年9月生；女：马小红，2018.3", ""],
        [*person(2), "有两个孩子在老家上学", "开拉面馆"],
    ]
    data = workbook(("台账", rows, []))
    plan = plan_import(read_ledger(data), community())
    assert plan.errors == [] and plan.household_members == 2
    assert [(w.row, w.code, w.column) for w in plan.warnings] == [
        (3, "household_as_note", "随迁子女 (H)")
    ]
    commit_import(read_ledger(data), community(), actor=None)
    members = HouseholdMember.objects.order_by("birth_date")
    assert [(m.name, m.relation, m.birth_date) for m in members] == [
        ("马小明", "child", date(2016, 9, 1)),
        ("马小红", "child", date(2018, 3, 1)),
    ]
    assert {m.person.name for m in members} == {"马二明"}  # person(1)
    assert Person.objects.get(name="马三明").notes == "开拉面馆；有两个孩子在老家上学"


def test_it_skips_a_person_entered_twice_and_refuses_one_number_with_two_people() -> None:
    rows = [HEADER, person(1), person(2), person(1, c0=3), person(2, c0=4, c6="西街9号")]
    ledger = read_ledger(workbook(("台账", rows, [])))
    plan = plan_import(ledger, community())
    assert [row for row, _data in plan.create] == [2, 3]
    assert [(row, reason) for row, reason, _m in plan.skipped] == [(4, "identical")]
    assert plan.skipped[0][2] == "与第2行是同一人，重复录入，已跳过。"
    assert [(e.row, e.code) for e in plan.errors] == [(5, "duplicate_in_file")]
    assert "第3行和第5行" in plan.errors[0].message
    assert plan.summary(ledger)["error_rows"] == [5]


def test_it_reads_the_old_templates_words_and_the_screens_words() -> None:
    old = ["姓名", "民族", "公民身份号码", "户籍地", "现住址", "从事职业", "来长日期"]
    new = ["姓名", "民族", "身份证号码", "来源地", "暂住地址", "从事职业", "来本市日期"]
    for header, words in ((old, 1), (new, 0)):
        rows = [header] + [
            ["马一明", "回族", born(n), "甘肃广河", "东街1号",
             OCCUPATION_WORDS[code][-1 if words else 0], "2014.3.5"]
            for n, code in enumerate(("noodle_restaurant", "construction", "unemployed"))
        ]  # fmt: skip
        ledger = read_ledger(workbook(("台账", rows, [])))
        assert ledger.unknown == []
        plan = plan_import(ledger, community())
        assert plan.errors == []
        assert [(d.occupation, d.occupation_text) for _r, d in plan.create] == [
            ("noodle_restaurant", ""), ("construction", ""), ("unemployed", ""),
        ]  # fmt: skip
        assert {d.arrived_on for _r, d in plan.create} == {date(2014, 3, 5)}


def test_it_offers_in_the_template_the_words_the_screens_show() -> None:
    with translation.override("zh-hans"):
        for code, label in Occupation.choices:
            assert OCCUPATION_WORDS[code][0] == str(label)
        screens = {str(Person._meta.get_field(name).verbose_name) for name in ("arrived_on",)}
    assert {"身份证号码", "来源地", "暂住地址"} <= set(TEMPLATE_HEADERS)
    assert screens <= set(TEMPLATE_HEADERS)
    for retired in ("公民身份号码", "户籍地", "现住址", "来长日期"):
        assert retired not in TEMPLATE_HEADERS


def test_it_refuses_a_workbook_over_the_row_cap_before_parsing_it(settings) -> None:
    settings.IMPORT_MAX_ROWS = 5
    rows = [HEADER] + [person(n) for n in range(60)]
    data = workbook(("台账", rows, []))
    with pytest.raises(ImportRefused) as caught:
        inspect_upload(data)
    assert caught.value.code == "too_many_rows" and "5" in caught.value.message
    small = workbook(("台账", [HEADER] + [person(n) for n in range(8)], []))
    inspect_upload(small)  # within the allowance for titles and headers
    with pytest.raises(ImportRefused) as caught:
        read_ledger(small)  # but the ledger itself counts exactly
    assert caught.value.code == "too_many_rows"
