"""Reading an uploaded ledger: the safety checks, the sheet, the header, the rows of persons.

python-calamine reads the workbook (tongcheng.lib.xlsx, after its safety checks). Every visible
worksheet is looked at: the one whose header row (tongcheng.lib.headers) names the most fields
and has rows below it is the ledger, unless the caller names a sheet; the sheets that have a
ledger header are listed (`Ledger.sheets`) so that the user can choose another. An instruction
sheet (填表说明) has no header row and is passed over.

A two-row header — a group header merged over its sub-columns, 户籍所在地 over 省 / 市 / 县（区）,
居住证 over 证号 / 有效期至 — is read as one (`_sub_header`): each sub-column is named by its
group and its own text, the sub-columns of one field are combined into a column added after the
sheet's own (place names joined, otherwise the first value), and the sub-header row is no
person. Merged cells below the header are filled down. Rows that hold no person — footers
(合计 25人, 填表人：… 审核人：… 联系电话：…), rows of spaces, numbered empty rows, a header
repeated on a printed page — are skipped and listed with their reason (`Ledger.skipped`),
never errors.

`inspect_upload` is what a web request may do: the safety checks and the row cap, from the
rows counted in the workbook's XML, without parsing the workbook.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from tongcheng.lib.gcpause import gc_paused
from tongcheng.lib.headers import (
    HeaderError,
    find_header_row,
    match_headers,
)
from tongcheng.lib.xlsx import Cell, Facts, Sheet, Source, XlsxRefused, check_xlsx, read_sheets
from tongcheng.registry.errors import ImportRefused
from tongcheng.registry.ledger.layout import (
    Combined,
    apply_sub_header,
    combine,
    skip_reason,
    sub_header,
)
from tongcheng.registry.validation import FIELD_LABELS

# Keys of lib.headers that are person fields (others, like row_number, are layout), and the
# household cell, read into household members (ledger.rows).
PERSON_KEYS = frozenset(FIELD_LABELS) | {"household"}
# Rows above the data that the row cap allows for (titles, the header, a sub-header).
HEADER_ALLOWANCE = 50
# A workbook of more bytes than this (all parts, uncompressed) is never parsed inside a web
# request, however few its rows (Upload.fits).
SYNC_BYTES = 8 * 1024 * 1024


@dataclass
class Ledger:
    """A parsed ledger: the sheet and header used, and the data rows with their Excel row
    numbers."""

    sheet_name: str
    header_row: int  # Excel row number of the header (its first row, for a two-row header)
    columns: dict[str, int]  # field key → column index
    headers: dict[int, str]  # column index → header text as written
    letters: dict[int, str]  # column index → Excel column letter(s)
    rows: list[tuple[int, list[Cell]]]
    unknown: list[str] = field(default_factory=list)
    # The sheets with a ledger header: name, position (1 = first visible sheet), fields, rows.
    sheets: list[dict[str, Any]] = field(default_factory=list)
    # (Excel row, reason code) of the rows below the header that hold no person.
    skipped: list[tuple[int, str]] = field(default_factory=list)
    # The sheet's own columns; combined sub-columns are added after them.
    width: int = 0
    # The header row or rows as written (for the rejected rows' workbook).
    header_cells: list[list[Cell]] = field(default_factory=list)

    def column_label(self, key: str) -> str:
        index = self.columns.get(key)
        if index is None:
            return str(FIELD_LABELS.get(key, key))
        return f"{self.headers[index]} ({self.letters[index]})"

    def person_keys(self) -> list[tuple[str, int]]:
        """(field key, column index) of the columns that hold person fields."""
        return [(key, index) for key, index in self.columns.items() if key in PERSON_KEYS]


@dataclass(frozen=True)
class Upload:
    """What the check of an upload learnt without parsing it."""

    facts: Facts

    @property
    def rows(self) -> int:
        """Rows of the largest sheet: an estimate until the dry run counts the ledger's."""
        return self.facts.largest_sheet_rows

    def fits(self, rows: int) -> bool:
        """Small enough to read and check inside the request: at most `rows` rows in all its
        sheets (titles and headers counted) and SYNC_BYTES."""
        return self.facts.total_rows <= rows and self.facts.uncompressed <= SYNC_BYTES


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def _too_many(limit: int) -> ImportRefused:
    return ImportRefused(
        _(
            "The ledger has more than %(limit)d rows, more than one upload may hold; split it "
            "into files of at most %(limit)d rows."
        )
        % {"limit": limit},
        "too_many_rows",
    )


def inspect_upload(source: Source, *, file_name: str | None = None) -> Upload:
    """The safety checks and the row cap, without parsing the workbook (ImportRefused)."""
    try:
        facts = check_xlsx(source, file_name=file_name)
    except XlsxRefused as exc:
        raise ImportRefused(exc.message, exc.code) from None
    limit = max_rows()
    if facts.largest_sheet_rows > limit + HEADER_ALLOWANCE:
        raise _too_many(limit)
    return Upload(facts)


def read_ledger(
    source: Source,
    *,
    file_name: str | None = None,
    sheet: str | int | None = None,
) -> Ledger:
    """Check the file (lib.xlsx), find the ledger's sheet and header, keep the data rows;
    ImportRefused. `sheet`: a sheet's name, or its position among the visible sheets (1 is
    the first); by default the sheet whose header names the most fields."""
    with gc_paused():
        inspect_upload(source, file_name=file_name)
        try:
            return _read_ledger(source, sheet)
        except XlsxRefused as exc:
            raise ImportRefused(exc.message, exc.code) from None


def _read_ledger(source: Source, wanted: str | int | None) -> Ledger:
    with contextlib.closing(read_sheets(source)) as sheets:
        chosen, header_index, candidates = _choose(sheets, wanted)
    ledger = _ledger(chosen, header_index)
    ledger.sheets = candidates
    if len(ledger.rows) > max_rows():
        raise _too_many(max_rows())
    return ledger


def _choose(
    sheets: Iterator[Sheet], wanted: str | int | None
) -> tuple[Sheet, int, list[dict[str, Any]]]:
    """The ledger's sheet and its header row's index, and every sheet with a ledger header.

    `wanted`: a sheet's name, or (a number) its position; a sheet whose name is that number
    comes first. Each sheet is read in turn and dropped unless it is the one kept, so that a
    workbook of many sheets costs the memory of two."""
    candidates: list[dict[str, Any]] = []
    best: tuple[tuple[bool, int], Sheet, int] | None = None
    by_name = False
    names: list[str] = []
    no_header = ""
    for position, sheet in enumerate(sheets, start=1):
        names.append(sheet.name)
        name_match = wanted is not None and sheet.name == str(wanted)
        is_wanted = name_match or (isinstance(wanted, int) and position == wanted and not by_name)
        try:
            index = find_header_row(sheet.rows)
        except HeaderError as exc:
            if is_wanted:
                refusal = ImportRefused(
                    _("The sheet “%(sheet)s” has no header row: %(reason)s")
                    % {"sheet": sheet.name, "reason": exc.message},
                    "no_header",
                )
                if name_match:
                    raise refusal from None
                no_header = refusal.message
            no_header = no_header or exc.message
            continue
        by_name = by_name or name_match
        fields = len(match_headers(sheet.rows[index]).columns)
        rows = max(0, len(sheet.rows) - index - 1)
        candidates.append(
            {"name": sheet.name, "position": position, "fields": fields, "rows": rows}
        )
        rank = (rows > 0, fields)
        if is_wanted or (wanted is None and (best is None or rank > best[0])):
            best = (rank, sheet, index)
        del sheet
    if best is None:
        if wanted is not None and not (isinstance(wanted, int) and wanted <= len(names)):
            raise ImportRefused(
                _("The workbook has no sheet “%(sheet)s”; its sheets are: %(names)s.")
                % {"sheet": wanted, "names": "、".join(names)},
                "no_sheet",
            )
        raise ImportRefused(no_header, "no_header")
    return best[1], best[2], candidates


def _ledger(sheet: Sheet, header_index: int) -> Ledger:
    header_cells = sheet.rows[header_index]
    width = len(header_cells)
    match = match_headers(header_cells)
    columns = dict(match.columns)
    headers = {i: str(header_cells[i]).strip() for i in columns.values()}
    letters = {i: sheet.column_letter(i) for i in columns.values()}
    unknown = [text for _index, text in match.unknown]
    start = header_index + 1
    combined: list[Combined] = []  # (new column, field, its sub-columns)
    sub = sub_header(sheet, header_index, columns)
    if sub is not None:
        start += 1
        columns, combined, unknown = apply_sub_header(sheet, header_index, sub, headers, letters)
    # Merged cells below the header (a community or address merged over a family's rows)
    # mean their value for every row they cover; merged title rows above it are left alone.
    sheet.fill_merged_down(from_row=start)
    rows, skipped = _data_rows(sheet, start, columns, combined, width)
    if not rows:
        raise ImportRefused(_("The ledger has a header row but no rows below it."), "empty")
    return Ledger(
        sheet_name=sheet.name,
        header_row=header_index + 1,
        columns=columns,
        headers=headers,
        letters=letters,
        rows=rows,
        unknown=unknown,
        skipped=skipped,
        width=width,
        header_cells=[list(row) for row in sheet.rows[header_index:start]],
    )


def _data_rows(
    sheet: Sheet,
    start: int,
    columns: dict[str, int],
    combined: list[Combined],
    width: int,
) -> tuple[list[tuple[int, list[Cell]]], list[tuple[int, str]]]:
    """The rows that hold a person, and (row, reason) of those below the header that do not."""
    person = [index for key, index in columns.items() if key in PERSON_KEYS]
    name = columns.get("name")
    sub_row = sheet.rows[start - 1][:width] if combined else None
    rows: list[tuple[int, list[Cell]]] = []
    skipped: list[tuple[int, str]] = []
    for index in range(start, len(sheet.rows)):
        cells = sheet.rows[index]
        if combined:
            if cells[:width] == sub_row:
                skipped.append((index + 1, "header"))
                continue
            combine(cells, combined, width)
        reason = skip_reason(cells, person, name)
        if reason is None:
            rows.append((index + 1, cells))
        elif reason:
            skipped.append((index + 1, reason))
    return rows, skipped


def layout_row(cells: Sequence[Cell], columns: dict[str, int]) -> bool:
    """A row that holds no person (skip_reason)."""
    person = [index for key, index in columns.items() if key in PERSON_KEYS]
    return skip_reason(cells, person, columns.get("name")) is not None
