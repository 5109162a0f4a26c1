"""Safe opening of uploaded workbooks: its limits and refusals, and reading rows."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from tongcheng.lib.tests.filesamples import needing_newer_zip
from tongcheng.lib.xlsx import (
    MB,
    Limits,
    XlsxRefused,
    check_xlsx,
    column_letter,
    open_xlsx,
    read_sheet,
)


def workbook_bytes(
    rows: list[list[object]], merge: list[tuple[int, int, int, int, str]] = ()
) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    for index, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(index, column, value)
            elif value is not None:
                sheet.write(index, column, value)
    for r0, c0, r1, c1, value in merge:
        sheet.merge_range(r0, c0, r1, c1, value)
    book.close()
    return buffer.getvalue()


def add_part(data: bytes, name: str, content: bytes, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=compress) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def refused(data: bytes | Path, **kwargs: object) -> str:
    with pytest.raises(XlsxRefused) as caught:
        check_xlsx(data, **kwargs)  # type: ignore[arg-type]
    assert str(caught.value)  # a message for people
    return caught.value.code


def test_it_accepts_a_plain_workbook_and_reads_rows_with_excel_row_numbers() -> None:
    data = workbook_bytes(
        [["XX社区台账"], [], ["姓名", "身份证号"], ["张三", "140403199001011234"]]
    )
    sheet = open_xlsx(data, file_name="台账.xlsx")
    assert sheet.name == "台账"
    assert list(sheet.nonblank_rows()) == [
        (1, ["XX社区台账", ""]),
        (3, ["姓名", "身份证号"]),
        (4, ["张三", "140403199001011234"]),
    ]


def test_it_keeps_excel_row_numbers_when_the_sheet_starts_lower_and_to_the_right() -> None:
    data = workbook_bytes([[], [], [None, None, "姓名"], [None, None, "李四"]])
    sheet = read_sheet(data)
    rows = list(sheet.nonblank_rows())
    assert rows == [(3, ["姓名"]), (4, ["李四"])]
    assert sheet.column_letter(0) == "C"


def test_it_refuses_other_extensions() -> None:
    data = workbook_bytes([["a"]])
    for name in ("ledger.xls", "ledger.xlsm", "ledger.csv", "ledger"):
        assert refused(data, file_name=name) == "extension"


def test_it_refuses_files_over_the_size_limit() -> None:
    data = workbook_bytes([["a"]])
    assert refused(data, limits=Limits(max_bytes=len(data) - 1)) == "too_large"


def test_it_refuses_an_encrypted_workbook_which_is_an_ole_file() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096
    assert refused(ole) == "encrypted"


def test_it_refuses_something_that_is_not_a_zip_or_not_a_workbook() -> None:
    assert refused(b"name,id\nzhang,1\n") == "not_xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert refused(buffer.getvalue()) == "not_xlsx"


def test_it_refuses_a_zip_that_says_it_needs_a_newer_zip_version() -> None:
    assert refused(needing_newer_zip(workbook_bytes([["a"]]))) == "not_xlsx"


def test_it_refuses_macros() -> None:
    data = add_part(workbook_bytes([["a"]]), "xl/vbaProject.bin", b"\x00" * 100)
    assert refused(data) == "macros"


def test_it_refuses_external_links() -> None:
    data = add_part(
        workbook_bytes([["a"]]), "xl/externalLinks/externalLink1.xml", b"<externalLink/>"
    )
    assert refused(data) == "external_links"


SHEET_RELS = "xl/worksheets/_rels/sheet1.xml.rels"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def sheet_rels(kind: str, target: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{OFFICE_REL}/{kind}" '
        f'Target="{target}" TargetMode="External"/></Relationships>'
    ).encode()


def test_it_refuses_an_external_link_in_a_worksheets_own_relationships() -> None:
    """An oleObject linking to a file elsewhere, declared by the worksheet, not the workbook."""
    plain = workbook_bytes([["姓名"], ["张三"]])
    assert check_xlsx(plain).rows  # accepted as it is
    data = add_part(plain, SHEET_RELS, sheet_rels("oleObject", "file:///C:/ledger/其他台账.xlsx"))
    assert refused(data) == "external_links"
    drawing = add_part(
        plain, "xl/drawings/_rels/drawing1.xml.rels", sheet_rels("image", "http://x.test/a.png")
    )
    assert refused(drawing) == "external_links"


def test_it_accepts_a_hyperlink_to_outside_which_nothing_follows() -> None:
    data = add_part(
        workbook_bytes([["姓名"], ["张三"]]), SHEET_RELS, sheet_rels("hyperlink", "http://x.test/")
    )
    check_xlsx(data)


def test_it_counts_each_worksheets_rows_without_parsing_it() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("填表说明").write_string(0, 0, "说明")
    ledger = book.add_worksheet("台账")
    for row in range(20000):  # more than one 1 MB chunk of XML: tags split between chunks
        for column in range(3):
            ledger.write_number(row, column, row * 3 + column)
    book.close()
    facts = check_xlsx(buffer.getvalue())
    assert sorted(facts.rows.values()) == [1, 20000]
    assert facts.largest_sheet_rows == 20000 and facts.total_rows == 20001
    assert facts.uncompressed > MB


def test_it_parses_xml_with_defusedxml_and_refuses_entity_tricks() -> None:
    data = workbook_bytes([["a"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = (
                    b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Types>&b;</Types>'
                )
            target.writestr(info, content)
    assert refused(buffer.getvalue()) == "not_xlsx"


def zip_bomb(path: Path, size: int) -> None:
    """A workbook-shaped zip whose sheet part is `size` bytes of zeros (~1000:1)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"\x00" * MB
            for _ in range(size // MB):
                part.write(block)


def test_it_refuses_a_zip_bomb_fast_and_without_memory_growth(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    zip_bomb(bomb, 600 * MB)
    assert bomb.stat().st_size < 2 * MB
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert refused(bomb, file_name="bomb.xlsx") == "zip_bomb"
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 5 * MB


def test_it_refuses_a_high_ratio_part_below_the_total_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "ratio.xlsx"
    zip_bomb(bomb, 50 * MB)
    assert refused(bomb) == "zip_bomb"


def test_it_catches_a_directory_that_lies_about_sizes() -> None:
    data = workbook_bytes([["a"]])
    data = add_part(data, "xl/media/blob.bin", b"\x00" * (4 * MB))
    # Patch the declared uncompressed size of the blob (central directory and local header)
    # to look harmless: the bounded decompression must notice.
    blob = bytearray(data)
    name = b"xl/media/blob.bin"
    central = blob.rfind(b"PK\x01\x02", 0, blob.rfind(name))
    struct.pack_into("<I", blob, central + 24, 1000)
    local = blob.rfind(b"PK\x03\x04", 0, blob.find(name))
    struct.pack_into("<I", blob, local + 22, 1000)
    assert refused(bytes(blob)) == "not_xlsx"


def test_it_checks_the_total_uncompressed_size() -> None:
    data = workbook_bytes([["a"] * 10] * 100)
    assert refused(data, limits=Limits(max_uncompressed=2000)) == "zip_bomb"


def test_it_keeps_formulas_as_text_and_returns_cached_values() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, '=HYPERLINK("http://x","y")')
    sheet.write_formula(0, 1, "=1+1", None, 2)
    book.close()
    rows = open_xlsx(buffer.getvalue()).rows
    assert rows[0][0] == '=HYPERLINK("http://x","y")'
    assert rows[0][1] == 2


def test_it_fills_a_merged_community_column_down_but_not_the_title() -> None:
    data = workbook_bytes(
        [[None], ["姓名", "社区", "日期"], ["张三", None, "2014.3.5"], ["李四", None, None]],
        merge=[(0, 0, 0, 2, "XX社区少数民族流动人口信息台账"), (2, 1, 3, 1, "和平社区")],
    )
    sheet = read_sheet(data)
    sheet.fill_merged_down(from_row=2)
    assert sheet.rows[0] == ["XX社区少数民族流动人口信息台账", "", ""]
    assert [row[1] for row in sheet.rows[2:]] == ["和平社区", "和平社区"]


def test_it_names_columns_like_excel() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
