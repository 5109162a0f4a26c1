"""Header matching for messy ledgers: variants, decorations, the header row below titles."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib.headers import (
    VARIANTS,
    HeaderError,
    clean_header,
    find_header_row,
    match_header,
    match_headers,
)

ALL_VARIANTS = [(variant, key) for key, variants in VARIANTS.items() for variant in variants]
# The variants the issue and the brief name, each with its field.
NAMED = {
    "姓名": "name", "名字": "name", "户主姓名": "name",
    "身份证号": "id_number", "身份证号码": "id_number", "公民身份号码": "id_number",
    "证件号码": "id_number", "民族": "ethnicity", "性别": "sex",
    "出生日期": "birth_date", "出生年月": "birth_date",
    "联系电话": "phone", "手机号": "phone", "手机号码": "phone", "电话": "phone",
    "户籍地": "origin", "来源地": "origin", "籍贯": "origin", "户籍所在地": "origin",
    "现住址": "address", "暂住地址": "address", "居住地址": "address", "现居住地址": "address",
    "所属社区": "community", "社区": "community",
    "职业": "occupation", "从事职业": "occupation", "从业情况": "occupation",
    "工作单位及职业": "occupation",
    "工作单位": "employer", "经营单位": "employer", "店名": "employer",
    "统一社会信用代码": "credit_code", "信用代码": "credit_code",
    "来长时间": "arrival_date", "来长日期": "arrival_date", "来长治时间": "arrival_date",
    "到达日期": "arrival_date",
    "居住证号": "permit_number", "暂住证号": "permit_number",
    "居住证有效期": "permit_expires", "有效期至": "permit_expires",
    "备注": "notes",
}  # fmt: skip


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(("variant", "key"), list(NAMED.items()))
def test_it_knows_each_named_variant(variant: str, key: str) -> None:
    assert match_header(variant) == key


@given(
    pair=st.sampled_from(ALL_VARIANTS),
    before=st.sampled_from(["", " ", "*", "＊", "\n", "\u3000"]),
    after=st.sampled_from(["", ":", "：", "（必填）", "(必填)", "*", " \n", "(选填)", "（18位）"]),
    inner_space=st.booleans(),
    wide=st.booleans(),
)
def test_it_sees_through_decorations(
    pair: tuple[str, str], before: str, after: str, inner_space: bool, wide: bool
) -> None:
    variant, key = pair
    text = " ".join(variant) if inner_space else variant
    cell = before + (full_width(text) if wide else text) + after
    assert match_header(cell) == key


def test_it_falls_back_on_keywords_in_short_cells() -> None:
    assert match_header("户籍所在地（省市县）") == "origin"
    assert match_header("公民身份证件号") == "id_number"
    assert match_header("本人手机") == "phone"
    assert match_header("民族成分") == "ethnicity"
    assert match_header("居住证\n有效期限") == "permit_expires"
    assert match_header("咖啡") is None
    assert match_header(None) is None
    assert match_header("") is None
    assert match_header(2024) is None
    # A long cell is a title, not a header.
    assert match_header("长治市潞州区东街街道和平社区少数民族流动人口信息台账") is None


def test_it_cleans_header_cells() -> None:
    assert clean_header(" 联系 电话\n（必填）： ") == "联系电话"
    assert clean_header("*姓名*") == "姓名"
    assert clean_header(None) == ""


def test_it_reports_unknown_and_duplicate_columns() -> None:
    match = match_headers(["序号", "姓名", "电话", "手机号", "爱好", None, "", "身份证号"])
    assert match.columns == {"row_number": 0, "name": 1, "phone": 2, "id_number": 7}
    assert match.unknown == [(4, "爱好")]
    assert match.duplicates == [(3, "手机号", "phone")]
    assert match.is_header


def test_it_finds_the_header_below_title_and_unit_rows() -> None:
    rows: list[list[Any]] = [
        ["长治市潞州区少数民族流动人口信息台账", None, None, None],
        ["填报单位：和平社区", None, "填报日期：2024年3月", None],
        [None, None, None, None],
        ["序号", "姓 名", "身份证号码\n（必填）", "联系电话：", "现住址", "民族"],
        [1, "马晓梅", "640102199001011234", "13812341234", "英雄路1号", "回族"],
    ]
    assert find_header_row(rows) == 3


def test_it_prefers_the_row_with_most_matches() -> None:
    rows = [
        ["姓名", "电话"],
        ["姓名", "电话", "民族", "现住址"],
        ["姓名", "住址"],
    ]
    assert find_header_row(rows) == 1
    assert find_header_row([["姓名", "电话"], ["姓名", "手机"]]) == 0


def test_it_requires_a_name_and_an_identifying_column() -> None:
    with pytest.raises(HeaderError) as caught:
        find_header_row([["姓名", "民族", "性别"], ["身份证号", "电话"]])
    assert caught.value.code == "no_header"
    assert caught.value.message
    no_rows: list[list[Any]] = []
    with pytest.raises(HeaderError):
        find_header_row(no_rows)


def test_it_scans_only_the_first_rows() -> None:
    rows: list[list[Any]] = [["说明"]] * 25 + [["姓名", "身份证号"]]
    with pytest.raises(HeaderError):
        find_header_row(rows)
    assert find_header_row(rows, max_scan=30) == 25
