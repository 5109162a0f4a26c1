"""Header matching for the messy ledgers communities already keep in Excel.

A header cell is cleaned (full-width → half-width, all whitespace and line breaks removed,
"（必填）", "*" and other bracketed hints and trailing colons dropped) and looked up among the
common variants of each field; a cell that is no variant is then matched by a keyword it
contains ("户籍所在地（省市县）" → origin). The first column claiming a field wins; later ones
are reported as duplicates. Unknown columns are reported, never errors.

`find_header_row` finds the header below title and unit rows: the row, among the first
`max_scan`, that matches the most fields and has the name plus an ID number, phone or address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.textnorm import FieldError, normalize_text

# Canonical field keys → the header texts ledgers use for them (after cleaning).
VARIANTS: Mapping[str, tuple[str, ...]] = {
    "row_number": ("序号", "编号", "序"),
    "name": ("姓名", "名字", "户主姓名", "姓名(户主)", "人员姓名", "名称姓名"),
    "id_number": (
        "身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "身份证件号码",
        "公民身份证号码", "公民身份证号", "证件号",
    ),
    "ethnicity": ("民族", "族别"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日"),
    "age": ("年龄",),
    "phone": ("联系电话", "手机号", "手机号码", "电话", "手机", "电话号码", "联系方式"),
    "origin": ("户籍地", "来源地", "籍贯", "户籍所在地", "户籍地址", "原籍", "户口所在地"),
    "address": (
        "现住址", "暂住地址", "居住地址", "现居住地址", "现住地址", "暂住地", "居住地",
        "现居住地", "住址", "现暂住地址",
    ),
    "community": ("所属社区", "社区", "所在社区", "社区名称", "村(社区)", "社区(村)"),
    "occupation": (
        "职业", "从事职业", "从业情况", "工作单位及职业", "从事行业", "职业(工种)",
        "从业类型",
    ),
    "employer": ("工作单位", "经营单位", "店名", "单位名称", "经营店名", "就业单位", "服务处所"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "arrival_date": (
        "来长时间", "来长日期", "来长治时间", "到达日期", "来长治日期", "来本市时间",
        "来长年月", "到达时间", "来本市日期", "来本市年月",
    ),
    "permit_number": ("居住证号", "暂住证号", "居住证号码", "暂住证号码", "居住证编号"),
    "permit_issued": ("居住证发证日期", "发证日期", "居住证签发日期", "办证日期"),
    "permit_expires": ("居住证有效期", "有效期至", "有效期", "居住证有效期至", "暂住证有效期"),
    "notes": ("备注", "说明", "其他"),
    # Children or family written into one cell ("子：马小明，2016年9月生"): not a file's field;
    # the importer reads household members from it where it can.
    "household": ("随迁子女", "子女情况", "子女", "随迁人员", "家庭成员", "共同居住人员"),
}  # fmt: skip

# Fallback when a cell is no variant: (keyword it contains, field), tried in order, so the
# more specific keywords come first (居住证有效期 before 居住证, 工作单位及职业 before 单位).
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("信用代码", "credit_code"),
    ("有效期", "permit_expires"),
    ("居住证", "permit_number"),
    ("暂住证", "permit_number"),
    ("身份", "id_number"),
    ("证件号", "id_number"),
    ("出生", "birth_date"),
    ("手机", "phone"),
    ("电话", "phone"),
    ("姓名", "name"),
    ("民族", "ethnicity"),
    ("性别", "sex"),
    ("户籍", "origin"),
    ("籍贯", "origin"),
    ("来源", "origin"),
    ("来长", "arrival_date"),
    ("来本市", "arrival_date"),
    ("子女", "household"),
    ("住址", "address"),
    ("居住地", "address"),
    ("暂住", "address"),
    ("社区", "community"),
    ("职业", "occupation"),
    ("从业", "occupation"),
    ("单位", "employer"),
    ("店", "employer"),
    ("备注", "notes"),
)
# Longer cells are titles or notes, not headers: keywords are not looked for in them.
_KEYWORD_MAX_LEN = 12

_LOOKUP: dict[str, str] = {
    variant: key for key, variants in VARIANTS.items() for variant in variants
}
_RE_SPACE = re.compile(r"\s+")
_RE_BRACKETED = re.compile(r"[(\[【<《][^)\]】>》]*[)\]】>》]")
_RE_TRAILING_BRACKETED = re.compile(r"[(\[【<《][^)\]】>》]*[)\]】>》]$")
_RE_MARKERS = re.compile(r"^[*※★#]+|[*※★#:]+$")
_ID_LIKE = ("id_number", "phone", "address")

_MSG_NO_HEADER = _(
    "No header row found: one of the first rows must name the columns, with a name column and "
    "an ID number, phone or address column."
)


class HeaderError(FieldError):
    """No usable header row (code: no_header)."""


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    # field key → column index (0-based)
    columns: dict[str, int] = field(default_factory=dict)
    # (column index, header text) of columns no field claims; empty cells are left out
    unknown: list[tuple[int, str]] = field(default_factory=list)
    # (column index, header text, field key) of later columns claiming a field already taken
    duplicates: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def is_header(self) -> bool:
        return "name" in self.columns and any(key in self.columns for key in _ID_LIKE)


def clean_header(cell: Any) -> str:
    """The comparable form of a header cell: 联系 电话\\n（必填）： → 联系电话."""
    if cell is None:
        return ""
    text = _RE_SPACE.sub("", normalize_text(str(cell)))
    text = text.replace("(必填)", "").replace("(选填)", "")
    text = _RE_MARKERS.sub("", text)
    return text


def match_header(cell: Any) -> str | None:
    """The field key of one header cell, or None."""
    text = clean_header(cell)
    # Exact variant, then without trailing hints one by one ("村(社区)(必填)" → "村(社区)"),
    # then without any bracketed part, then by keyword.
    while text:
        key = _LOOKUP.get(text)
        if key is not None:
            return key
        trailing = _RE_TRAILING_BRACKETED.search(text)
        if trailing is None:
            break
        text = _RE_MARKERS.sub("", text[: trailing.start()])
    text = clean_header(cell)
    bare = _RE_MARKERS.sub("", _RE_BRACKETED.sub("", text))
    key = _LOOKUP.get(bare)
    if key is not None or not bare or len(bare) > _KEYWORD_MAX_LEN:
        return key
    for keyword, candidate in KEYWORDS:
        if keyword in bare:
            return candidate
    return None


def match_headers(cells: Sequence[Any]) -> HeaderMatch:
    """Map a header row's cells to field keys (see the module docstring)."""
    result = HeaderMatch()
    for index, cell in enumerate(cells):
        key = match_header(cell)
        if key is None:
            text = normalize_text(str(cell)) if cell is not None else ""
            if text:
                result.unknown.append((index, text))
        elif key in result.columns:
            result.duplicates.append((index, normalize_text(str(cell)), key))
        else:
            result.columns[key] = index
    return result


def find_header_row(rows: Sequence[Sequence[Any]], max_scan: int = 20) -> int:
    """The index of the header row among the first `max_scan` rows; raises `HeaderError`.

    Title rows ("长治市…少数民族流动人口信息台账") and unit rows ("填报单位：…") above the
    header are skipped; of the rows that qualify the one matching most fields wins, the first
    on a tie.
    """
    best_index, best_count = -1, 0
    for index, row in enumerate(rows[:max_scan]):
        match = match_headers(row)
        if match.is_header and len(match.columns) > best_count:
            best_index, best_count = index, len(match.columns)
    if best_index < 0:
        raise HeaderError("no_header", _MSG_NO_HEADER)
    return best_index
