"""Reading an uploaded ledger: the safety checks, the header row, the rows that hold persons.

python-calamine reads the sheet (tongcheng.lib.xlsx, after its safety checks); the header row
is found by tongcheng.lib.headers; merged cells below it are filled down; numbered empty
template rows, footers and repeated headers are dropped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tongcheng.lib.gcpause import gc_paused
from tongcheng.lib.headers import HeaderError, find_header_row, match_headers
from tongcheng.lib.xlsx import Cell, Source, XlsxRefused, open_xlsx
from tongcheng.registry.errors import ImportRefused
from tongcheng.registry.validation import FIELD_LABELS

# Keys of lib.headers that are person fields (others, like row_number, are layout).
PERSON_KEYS = frozenset(FIELD_LABELS)
_FOOTER = re.compile(
    r"^(填表|审核|制表|负责人|合计|总计|注[:：]|说明[:：]|联系人|填报日期|日期[:：])"
)


@dataclass
class Ledger:
    """A parsed ledger: the header found and the data rows with their Excel row numbers."""

    sheet_name: str
    header_row: int  # Excel row number of the header
    columns: dict[str, int]  # field key → column index
    headers: dict[int, str]  # column index → header text as written
    letters: dict[int, str]  # column index → Excel column letter
    rows: list[tuple[int, list[Cell]]]
    unknown: list[str] = field(default_factory=list)

    def column_label(self, key: str) -> str:
        index = self.columns.get(key)
        if index is None:
            return str(FIELD_LABELS.get(key, key))
        return f"{self.headers[index]} ({self.letters[index]})"

    def person_keys(self) -> list[tuple[str, int]]:
        """(field key, column index) of the columns that hold person fields."""
        return [(key, index) for key, index in self.columns.items() if key in PERSON_KEYS]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_ledger(source: Source, *, file_name: str | None = None) -> Ledger:
    """Check the file (lib.xlsx), find the header row, keep the data rows; ImportRefused."""
    with gc_paused():
        return _read_ledger(source, file_name=file_name)


def _read_ledger(source: Source, *, file_name: str | None) -> Ledger:
    try:
        sheet = open_xlsx(source, file_name=file_name)
    except XlsxRefused as exc:
        raise ImportRefused(exc.message, exc.code) from None
    try:
        header_index = find_header_row(sheet.rows)
    except HeaderError as exc:
        raise ImportRefused(exc.message, "no_header") from None
    match = match_headers(sheet.rows[header_index])
    columns = {key: index for key, index in match.columns.items()}
    header_cells = sheet.rows[header_index]
    # Merged cells below the header (a community or address merged over a family's rows)
    # mean their value for every row they cover; merged title rows above it are left alone.
    sheet.fill_merged_down(from_row=header_index + 1)
    rows = [
        (number, cells)
        for number, cells in sheet.nonblank_rows(header_index + 1)
        if not layout_row(cells, columns)
    ]
    if not rows:
        raise ImportRefused(_("The ledger has a header row but no rows below it."), "empty")
    return Ledger(
        sheet_name=sheet.name,
        header_row=header_index + 1,
        columns=columns,
        headers={i: str(header_cells[i]).strip() for i in columns.values()},
        letters={i: sheet.column_letter(i) for i in columns.values()},
        rows=rows,
        unknown=[text for _index, text in match.unknown],
    )


def layout_row(cells: Sequence[Cell], columns: dict[str, int]) -> bool:
    """Rows that hold no person: numbered empty template rows, footers (填表人：…), a header
    repeated on a printed page."""
    width = len(cells)
    if not any(
        _filled(cells[index])
        for key, index in columns.items()
        if key in PERSON_KEYS and index < width
    ):
        return True
    if footer_row(cells):
        return True
    name = columns.get("name")
    return name is not None and name < width and str(cells[name]).strip() in ("姓名", "名字")


def footer_row(cells: Sequence[Cell]) -> bool:
    """A footer (填表人：…, 合计 …) is the only filled cell of its row (counting stops at two)."""
    only: Cell | None = None
    count = 0
    for cell in cells:
        if _filled(cell):
            count += 1
            if count > 1:
                break
            only = cell
    return count == 1 and isinstance(only, str) and bool(_FOOTER.match(only.strip()))


def _filled(cell: Cell) -> bool:
    """A cell that holds a value (not None, not blank text), without building the value."""
    if isinstance(cell, str):
        return bool(cell) and not cell.isspace()
    return cell is not None
