"""The importer itself: messy ledgers, the plan (dry run), all-or-nothing commit.

The helpers at the top (`ledger_bytes`, `good_rows`) are shared by the other test_import*
files.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
import xlsxwriter

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.idnumber import make_id_number
from tongcheng.org.models import Area
from tongcheng.registry import rules
from tongcheng.registry.actions import imports
from tongcheng.registry.actions.bulk import commit, write
from tongcheng.registry.actions.bulk.commit import commit_import
from tongcheng.registry.columns import name_columns
from tongcheng.registry.errors import ImportInvalid, ImportRefused
from tongcheng.registry.identifiers import decrypt, id_number_hash
from tongcheng.registry.ledger import helpers
from tongcheng.registry.ledger.plan import plan_import
from tongcheng.registry.ledger.read import read_ledger
from tongcheng.registry.models import (
    DuplicateCandidate,
    ImportJob,
    NameKey,
    Person,
    PersonChange,
)
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

COMMUNITY_A = "140403001001"
HEADERS = ["序号", "姓名", "民族", "性别", "公民身份号码", "联系电话", "籍贯", "现住址", "从业情况",
           "来长日期"]  # fmt: skip


def id_number(n: int, born: date = date(1985, 6, 1)) -> str:
    """A unique valid number per n: 500 people per birth day, then the next day."""
    day = born + timedelta(days=n // 500)
    return make_id_number("622924", day, n % 500, "male" if n % 2 else "female")


def ledger_bytes(
    rows: list[list[Any]],
    *,
    headers: list[str] = HEADERS,
    title: bool = True,
    merge: list[tuple[int, int, int, int, Any]] = (),
    number_columns: dict[int, Any] | None = None,
) -> bytes:
    """A ledger as communities keep them: title and unit rows above the header."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    top = 0
    if title:
        sheet.merge_range(0, 0, 0, len(headers) - 1, "和平社区少数民族流动人口信息台账")
        sheet.write_string(1, 0, "填报单位：东街街道和平社区  填报日期：2024年3月")
        top = 3
    for column, text in enumerate(headers):
        sheet.write_string(top, column, text)
    for index, row in enumerate(rows, start=top + 1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(index, column, value)
            else:
                sheet.write(index, column, value)
    for r0, c0, r1, c1, value in merge:
        sheet.merge_range(r0, c0, r1, c1, value)
    book.close()
    return buffer.getvalue()


def good_rows(count: int, start: int = 0) -> list[list[Any]]:
    return [
        [n + 1, f"马{'晓梅建国'[n % 4]}{'一二三四五六七八九'[n % 9]}", "回族", "",
         id_number(start + n), "13812345678", "甘肃省临夏州广河县", f"东街{n}号", "拉面馆",
         "2014.3.5"]
        for n in range(count)
    ]  # fmt: skip


# A valid number whose check character is X, written as ledgers do: full-width, with spaces
# and a lowercase x.
ENDS_IN_X = next(number for n in range(0, 1000, 2) if (number := id_number(n)).endswith("X"))


def messy(number: str) -> str:
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    return f"{wide[:6]} {wide[6:14]} {wide[14:]}".lower()


def community() -> Area:
    return Area.objects.get(code=COMMUNITY_A)


def test_it_reads_a_messy_ledger_and_plans_the_rows(cast) -> None:
    rows = [
        # full-width digits, spaces and dashes inside numbers, lowercase x
        [1, "马 晓梅", "回", "女", messy(ENDS_IN_X), "138-1234-5678",
         "甘肃广河", "东街1号", "拉面", "2014年3月5日"],
        [2, "白玉兰", "回族", "", "", "", "宁夏吴忠", "东街2号", "餐饮服务", 41703],
        [3, "买买提・艾力", "维吾尔族", "", "", "13912345678", "新疆喀什", "东街3号", "个体",
         "201403"],
        [4, "丁海", "回族", "", "", "", "青海西宁", "东街4号", "建筑务工", "2014-03-05"],
        [5, "", "", "", "", "", "", "", "", ""],  # a numbered empty template row
        [None] * 10,
    ]  # fmt: skip
    data = ledger_bytes(rows)
    ledger = read_ledger(data, file_name="台账.xlsx")
    assert ledger.header_row == 4
    assert [number for number, _cells in ledger.rows] == [5, 6, 7, 8]
    plan = plan_import(ledger, community())
    assert plan.errors == []
    assert len(plan.create) == 4
    first = plan.create[0][1]
    assert first.id_number == ENDS_IN_X
    assert first.phone == "13812345678"
    assert first.arrived_on == date(2014, 3, 5)
    assert plan.create[1][1].arrived_on == date(2014, 3, 5)  # an Excel serial
    assert plan.create[2][1].name == "买买提·艾力"


def test_it_fills_a_merged_column_down(cast) -> None:
    headers = ["姓名", "民族", "身份证号", "现居住地址"]
    rows = [["马一", "回族", id_number(1), None], ["马二", "回族", id_number(2), None]]
    data = ledger_bytes(rows, headers=headers, merge=[(4, 3, 5, 3, "东街8号院")])
    plan = plan_import(read_ledger(data), community())
    assert [data.address for _n, data in plan.create] == ["东街8号院", "东街8号院"]


def test_it_says_the_digits_were_lost_when_the_id_column_was_a_number(cast) -> None:
    rows = good_rows(2)
    rows[1][4] = 622924198506010019  # a number cell: Excel kept 15 digits
    plan = plan_import(read_ledger(ledger_bytes(rows)), community())
    assert [(e.row, e.code) for e in plan.errors] == [(6, "excel_number")]
    assert plan.errors[0].column == "公民身份号码 (E)"
    assert "Excel" in plan.errors[0].message


def test_it_refuses_a_file_without_a_header(cast) -> None:
    data = ledger_bytes([["a", "b"]], headers=["甲", "乙"], title=False)
    with pytest.raises(ImportRefused) as caught:
        read_ledger(data)
    assert caught.value.code == "no_header"


def test_it_reports_the_same_id_number_twice_on_the_second_row(cast) -> None:
    rows = good_rows(3)
    rows[2][4] = rows[0][4]
    plan = plan_import(read_ledger(ledger_bytes(rows)), community())
    assert [(e.row, e.code) for e in plan.errors] == [(7, "duplicate_in_file")]
    assert "5" in plan.errors[0].message


def test_it_queues_rows_that_look_like_existing_files(cast) -> None:
    """No ID number, but the same name and birth date or the same phone as a file (here or
    elsewhere) or an earlier row: created, and the pair queued for duplicate review."""
    here = make_person(COMMUNITY_A, name="马晓梅", id_number="", birth_date=date(1990, 1, 1),
                       phone="13800000001")  # fmt: skip
    elsewhere = make_person("140404001001", name="丁海", id_number="", phone="13900000009")
    headers = ["姓名", "民族", "性别", "出生日期", "联系电话"]
    rows = [
        ["马晓梅", "回族", "女", "1990-01-01", ""],  # row 5: same name and birth date as `here`
        ["白玉兰", "回族", "女", "", "13800000001"],  # row 6: the phone of `here`
        ["丁海", "回族", "男", "", "13900000009"],  # row 7: a phone of another district
        ["丁山", "回族", "男", "", "13900000009"],  # row 8: … and of row 7
        ["马建国", "回族", "男", "1991-02-03", "13700000002"],  # row 9: like nothing
    ]
    data = ledger_bytes(rows, headers=headers)
    plan = plan_import(read_ledger(data), community())
    # The preview names only look-alikes in the community and the ledger itself.
    assert plan.possible_duplicates == [5, 6, 8]
    assert plan.summary()["possible_duplicates"] == 3
    commit_import(read_ledger(data), community(), actor=None)
    by_name = {p.name: p for p in Person.objects.exclude(pk__in=[here.pk, elsewhere.pk])}
    queued = {
        (c.person.name, c.other.name, c.reason, c.area_code)
        for c in DuplicateCandidate.objects.select_related("person", "other")
    }
    assert queued == {
        ("马晓梅", "马晓梅", "same_name_birth", COMMUNITY_A),
        ("白玉兰", "马晓梅", "same_phone", COMMUNITY_A),
        ("丁海", "丁海", "same_phone", COMMUNITY_A),
        ("丁山", "丁海", "same_phone", COMMUNITY_A),
        ("丁山", "丁海", "same_phone", COMMUNITY_A),
    }
    assert DuplicateCandidate.objects.count() == 5
    assert DuplicateCandidate.objects.filter(person=by_name["丁山"], other=elsewhere).exists()
    assert DuplicateCandidate.objects.filter(person=by_name["丁山"], other=by_name["丁海"]).exists()
    assert not DuplicateCandidate.objects.filter(person=by_name["马建国"]).exists()


def test_it_plans_updates_here_and_skips_files_elsewhere(cast) -> None:
    here = make_person(COMMUNITY_A, name="马晓一", id_number=id_number(0), address="")
    make_person("140404001001", name="马晓二", id_number=id_number(1))
    plan = plan_import(read_ledger(ledger_bytes(good_rows(3))), community())
    assert [n for n, _d in plan.create] == [7]
    assert [(n, pk) for n, pk, _d in plan.update] == [(5, here.pk)]
    assert "address" in plan.update_fields[5]
    assert plan.elsewhere == [6]
    summary = plan.summary()
    assert (summary["create"], summary["update"], summary["elsewhere"]) == (1, 1, 1)
    # Nothing about the file elsewhere is in the report but its row number.
    assert "马晓二" not in str(summary)


def test_it_commits_rows_stored_like_a_single_create(cast) -> None:
    user = cast.community_a
    result = commit_import(read_ledger(ledger_bytes(good_rows(3))), community(), actor=user)
    assert result.created == 3
    person = Person.objects.get(id_number_hash=id_number_hash(id_number(0)))
    assert person.area_code == COMMUNITY_A
    assert person.community.code == COMMUNITY_A
    assert decrypt(person, "id_number") == id_number(0)
    assert decrypt(person, "phone") == "13812345678"
    assert decrypt(person, "address") == "东街0号"
    assert person.name_pinyin == name_columns(person.name)["name_pinyin"]
    assert person.origin_region_id and person.origin_province == "62"
    assert person.occupation == "noodle_restaurant"
    assert person.created_by == user
    assert person.version == 1
    assert set(NameKey.objects.filter(person=person).values_list("key", flat=True)) >= {"马"}
    # The keys carry the file's community (a community's search walks them in order).
    areas = NameKey.objects.filter(person=person).values_list("area_code", flat=True)
    assert set(areas) == {COMMUNITY_A}
    change = PersonChange.objects.get(person=person)
    assert change.action == "person.import" and "id_number" in change.fields
    event = AuditEvent.objects.get(action="person.import")
    assert event.detail["created"] == 3 and event.detail["rows"] == 3
    # The ORM reads the rows back like any other.
    assert Person.objects.visible_to(user).count() == 3


def test_it_updates_empty_and_changed_fields_and_keeps_the_rest(cast) -> None:
    person = make_person(COMMUNITY_A, name="马晓一", id_number=id_number(0), employer="老店")
    commit_import(read_ledger(ledger_bytes(good_rows(1))), community(), actor=None)
    person.refresh_from_db()
    assert decrypt(person, "address") == "东街0号"
    assert person.employer == "老店"  # no employer column: kept
    assert person.version == 2
    assert Person.objects.count() == 1


@pytest.mark.parametrize("chunk", [2000, 10])  # 10: earlier chunks are written first
@pytest.mark.parametrize("bad_row", [0, 25, 49])
def test_it_writes_nothing_when_one_row_is_bad(cast, monkeypatch, bad_row: int, chunk: int):
    monkeypatch.setattr(helpers, "ROW_CHUNK", chunk)
    rows = good_rows(50)
    rows[bad_row][4] = "622924198506010010"  # wrong check digit
    ledger = read_ledger(ledger_bytes(rows))
    plan = plan_import(ledger, community())
    assert [(e.row, e.column) for e in plan.errors] == [(bad_row + 5, "公民身份号码 (E)")]
    with pytest.raises(ImportInvalid):
        commit_import(ledger, community(), actor=None)
    assert Person.objects.count() == 0
    assert NameKey.objects.count() == 0
    assert PersonChange.objects.count() == 0
    assert not AuditEvent.objects.filter(action="person.import").exists()


def test_it_writes_nothing_when_a_write_fails_midway(cast, monkeypatch) -> None:
    calls = {"n": 0}
    original = commit.insert_changes

    def failing(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        raise RuntimeError("disk full")

    monkeypatch.setattr(commit, "insert_changes", failing)
    monkeypatch.setattr(write, "BATCH", 10)  # persons written in several batches first
    with pytest.raises(RuntimeError):
        commit_import(read_ledger(ledger_bytes(good_rows(35))), community(), actor=None)
    assert calls["n"] == 1
    assert Person.objects.count() == 0
    assert NameKey.objects.count() == 0
    del original


def test_it_writes_nothing_when_the_scope_is_gone_after_writing(cast) -> None:
    user = cast.community_b  # may not write in community_a
    with pytest.raises(ImportRefused):
        commit_import(read_ledger(ledger_bytes(good_rows(3))), community(), actor=user)
    assert Person.objects.count() == 0


def test_it_refuses_a_resubmitted_file(cast) -> None:
    data = ledger_bytes(good_rows(2))
    job, _upload = imports.job_create(
        actor=cast.community_a, community=community(), file_name="a.xlsx",
        content=data,
    )  # fmt: skip
    imports.job_validate(job=job)
    assert job.state == ImportJob.State.READY
    job = imports.job_start_commit(actor=cast.community_a, job=job)
    assert job.state == ImportJob.State.DONE
    assert job.content is None
    with pytest.raises(ImportRefused) as caught:
        imports.job_create(
            actor=cast.community_a, community=community(),
            file_name="copy.xlsx", content=data,
        )  # fmt: skip
    assert caught.value.code == "resubmitted"
    assert Person.objects.count() == 2


def test_it_does_not_queue_a_phone_shared_by_many(cast) -> None:
    """A workplace's phone or a placeholder on more than LOOK_ALIKE_LIMIT files says nothing."""
    rows = good_rows(rules.LOOK_ALIKE_LIMIT + 2)  # every row: 13812345678, own ID number
    data = ledger_bytes(rows)
    assert plan_import(read_ledger(data), community()).possible_duplicates == []
    commit_import(read_ledger(data), community(), actor=None)
    assert Person.objects.count() == len(rows)
    assert not DuplicateCandidate.objects.exists()
