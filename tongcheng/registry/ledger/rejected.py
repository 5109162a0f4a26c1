"""The rejected rows of a dry run as a workbook: the upload's own header and rows, and a
错误原因 column, so that the user corrects them and uploads this file again.

The cells are written back as the upload had them (text as text: a cell starting with "=" stays
text, never a formula), the reasons in the user's language. The report keeps the first
plan.MAX_ISSUES errors; a rejected row beyond those gets its reasons by checking it again here
(rows.process_rows, which needs no database but the reference data).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter.worksheet import Worksheet

from tongcheng.lib.xlsx import Cell
from tongcheng.registry.ledger.read import Ledger
from tongcheng.registry.ledger.rows import process_rows
from tongcheng.registry.validation import ReferenceCache

# The reasons' column header: a file format word, like the template's headers.
REASON_HEADER = "错误原因"


def rejected_rows_bytes(
    ledger: Ledger, rows: Iterable[int], errors: Iterable[Mapping[str, Any]]
) -> bytes:
    """The workbook of the rows numbered `rows`, with their reasons (`errors`: the report's
    issues, each with row, column and message)."""
    wanted = set(rows)
    reasons: dict[int, list[str]] = {}
    for issue in errors:
        row = int(issue.get("row", 0))
        if row in wanted:
            reasons.setdefault(row, []).append(
                f"{issue.get('column', '')}：{issue.get('message', '')}"
            )
    kept = [(number, cells) for number, cells in ledger.rows if number in wanted]
    _check_again([(n, c) for n, c in kept if n not in reasons], ledger, reasons)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(ledger.sheet_name[:31] or "Sheet1")
    bold = book.add_format({"bold": True, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "font_color": "#C00000"})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    width = ledger.width
    for index, header in enumerate(ledger.header_cells):
        _write_row(sheet, index, header[:width], bold, dates)
    sheet.write_string(0, width, REASON_HEADER, bold)
    sheet.set_column(width, width, 60)
    top = len(ledger.header_cells)
    for offset, (number, cells) in enumerate(kept):
        _write_row(sheet, top + offset, cells[:width], None, dates)
        text = "；".join(reasons.get(number, [])) or _("Rejected by the check: see the report.")
        sheet.write_string(top + offset, width, text, wrap)
    book.close()
    return buffer.getvalue()


def _check_again(
    rows: list[tuple[int, list[Cell]]], ledger: Ledger, reasons: dict[int, list[str]]
) -> None:
    if not rows:
        return
    outcomes = process_rows(
        ledger.person_keys(), rows, ReferenceCache.load(), timezone.localdate(), None
    )
    for outcome in outcomes:
        for issue in outcome.errors:
            label = ledger.column_label(issue.field)
            reasons.setdefault(outcome.number, []).append(f"{label}：{issue.message}")


def _write_row(sheet: Worksheet, row: int, cells: Iterable[Cell], style: Any, dates: Any) -> None:
    for column, cell in enumerate(cells):
        if cell is None or cell == "":
            continue
        if isinstance(cell, str):
            sheet.write_string(row, column, cell, style)
        elif isinstance(cell, bool):
            sheet.write_boolean(row, column, cell, style)
        elif isinstance(cell, int | float):
            sheet.write_number(row, column, cell, style)
        elif isinstance(cell, dt.datetime | dt.date):
            sheet.write_datetime(row, column, cell, dates)
        else:
            sheet.write_string(row, column, str(cell), style)
