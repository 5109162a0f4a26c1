"""The downloadable import template: Chinese headers, drop-downs, text ID and phone columns.

The headers are the Chinese names `tongcheng.lib.headers` reads back on import (a file format,
not translated), in the screens' words (身份证号码, 来源地, 暂住地址, 来本市日期), and so are the
occupations (columns.OCCUPATION_WORDS: 拉面馆/餐馆经营者, 建筑工人, 未就业, …); the import also
reads the older template's words. The sheet of notes is in the user's language.
"""

from __future__ import annotations

import io

import xlsxwriter
from django.utils.translation import gettext_lazy as _
from xlsxwriter.worksheet import Worksheet

from tongcheng.org.models import Ethnicity
from tongcheng.registry.columns import OCCUPATION_WORDS

TEMPLATE_HEADERS = (
    "序号",
    "姓名",
    "民族",
    "性别",
    "出生日期",
    "身份证号码",
    "联系电话",
    "来源地",
    "暂住地址",
    "从事职业",
    "工作单位",
    "统一社会信用代码",
    "来本市日期",
    "居住证号",
    "居住证有效期至",
    "备注",
)
TEMPLATE_WIDTHS = (6, 10, 10, 6, 12, 21, 14, 24, 30, 14, 20, 20, 12, 18, 14, 20)
TEMPLATE_EXAMPLE = (
    "1",
    "马晓梅",
    "回族",
    "女",
    "1985-06-01",
    "622924198506010026",
    "13812345678",
    "甘肃省临夏回族自治州广河县",
    "东街街道和平社区建设路12号",
    OCCUPATION_WORDS["noodle_restaurant"][0],
    "马家拉面馆",
    "",
    "2014-03-05",
    "",
    "",
    "示例行，请删除",
)
# The drop-down's words: the screens' word of each category.
OCCUPATION_LABELS = tuple(words[0] for words in OCCUPATION_WORDS.values())


# The sheet of notes, one line a row.
NOTES = (
    _("Import template of the migrant ethnic-minority residents ledger: how to fill it in"),
    _("1. One person per row; row 2 is an example: delete it before importing."),
    _(
        "2. Name and ethnic group are required; with an ID number, sex and birth date are "
        "taken from it."
    ),
    _(
        "3. Type ID and phone numbers as text (these columns are text already): as numbers "
        "Excel loses their last digits."
    ),
    _("4. Dates may be written 2014-03-05, 2014.3.5, 2014年3月5日 or 201403."),
    _("5. Choose ethnic group, sex and occupation from the drop-down lists."),
    _("6. Save as .xlsx (no macros, no password), at most 50 MB."),
    _(
        "7. After the upload every row is checked and you see what would be created or "
        "updated; the import then writes all rows at once, or none if any row has an error."
    ),
)
# Rows of the ledger sheet that offer the drop-down lists.
LIST_ROWS = 5000


def import_template_bytes() -> bytes:
    """The template workbook: the ledger sheet, the notes, and the hidden lists.

    The drop-down lists (ethnic groups, sex, occupations) sit on a hidden sheet so a list of
    56 groups is not limited by Excel's 255-character inline list.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    notes = book.add_worksheet("填写说明")
    lists = book.add_worksheet("选项")
    lists.hide()
    ethnicities = list(Ethnicity.objects.order_by("code").values_list("name", flat=True))
    for column, values in enumerate((ethnicities, ["男", "女"], list(OCCUPATION_LABELS))):
        lists.write_column(0, column, values)
    _ledger_sheet(book, sheet, len(ethnicities))
    notes.set_column(0, 0, 100)
    for row, line in enumerate(NOTES):
        notes.write_string(row, 0, str(line))
    book.close()
    return buffer.getvalue()


def _ledger_sheet(book: xlsxwriter.Workbook, sheet: Worksheet, ethnicities: int) -> None:
    """Headers, the example row, text columns, and the drop-downs of the hidden lists."""
    header = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True})
    text = book.add_format({"num_format": "@"})
    example = book.add_format({"font_color": "#808080", "num_format": "@"})
    for column, (title, width) in enumerate(zip(TEMPLATE_HEADERS, TEMPLATE_WIDTHS, strict=True)):
        # ID, phone, credit code and permit number as text: a number cell loses digits.
        is_text = title in ("身份证号码", "联系电话", "统一社会信用代码", "居住证号")
        sheet.set_column(column, column, width, text if is_text else None)
        sheet.write_string(0, column, title, header)
        sheet.write_string(1, column, TEMPLATE_EXAMPLE[column], example)
    sheet.freeze_panes(1, 2)
    for title, source in (
        ("民族", f"=选项!$A$1:$A${ethnicities}"),
        ("性别", "=选项!$B$1:$B$2"),
        ("从事职业", f"=选项!$C$1:$C${len(OCCUPATION_LABELS)}"),
    ):
        column = TEMPLATE_HEADERS.index(title)
        sheet.data_validation(
            1,
            column,
            LIST_ROWS,
            column,
            {"validate": "list", "source": source, "ignore_blank": True},
        )
