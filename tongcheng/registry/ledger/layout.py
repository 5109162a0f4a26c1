"""The layout of a ledger sheet around its rows of persons: which rows below the header hold no
person (`skip_reason`: footers, rows of spaces, numbered empty rows, a repeated header) and the
second row of a two-row header (`sub_header`, `apply_sub_header`, `combine`).

A two-row header puts a group header over its sub-columns, merged across them (户籍所在地 over
省 / 市 / 县（区）, 居住证 over 证号 / 有效期至), while the other headers are merged down over both
rows. python-calamine gives a merged range's value in its first cell only, so a group is a header
cell whose columns to the right are empty in the header row but filled below it. Each
sub-column is named by its group and its own text (居住证 + 有效期至 → 居住证有效期至); the
sub-columns of one field are combined into a column added after the sheet's own: place names
joined, otherwise the first value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tongcheng.lib.headers import clean_header, match_header
from tongcheng.lib.xlsx import Cell, Sheet

_FOOTER = re.compile(
    r"^(填表|审核|审批|制表|负责人|合计|总计|共计|小计|注[:：]|说明[:：]|联系人|联系电话[:：]|"
    r"电话[:：]|填报|日期[:：]|单位(盖章|负责人)|共\s*\d+\s*人)"
)
# Sub-header cells are short texts (省, 市, 县（区）, 证号, 有效期至).
_SUB_MAX = 12
# Fields whose sub-columns are joined (甘肃省 + 临夏州 + 广河县); others take the first value.
_JOINED = frozenset({"origin", "address", "employer", "notes", "household"})
# A combined column: (its index, the field, the sub-columns it combines).
Combined = tuple[int, str, list[int]]


def skip_reason(cells: Sequence[Cell], person: Sequence[int], name: int | None) -> str | None:
    """Why a row below the header holds no person (None: it holds one; "": an empty row,
    not worth a word): a footer, a row of spaces, a numbered row with nothing else, a header
    repeated on a printed page."""
    width = len(cells)
    if not any(is_filled(cells[index]) for index in person if index < width):
        if not any(is_filled(cell) for cell in cells):
            return "blank" if any(type(cell) is str and cell for cell in cells) else ""
        return "footer" if footer_row(cells) else "empty"
    if footer_row(cells):
        return "footer"
    if name is not None and name < width and str(cells[name]).strip() in ("姓名", "名字"):
        return "header"
    return None


def footer_row(cells: Sequence[Cell]) -> bool:
    """A footer (填表人：…, 审核人：…, 合计 25人): its first filled cell says so, and no cell holds
    a number as long as an ID number."""
    first: Cell | None = None
    for cell in cells:
        if is_filled(cell):
            first = cell
            break
    if not isinstance(first, str) or not _FOOTER.match(first.strip()):
        return False
    return not any(isinstance(cell, str) and _RE_ID_LIKE.search(cell) for cell in cells)


_RE_ID_LIKE = re.compile(r"\d{15}")


def sub_header(sheet: Sheet, header_index: int, columns: dict[str, int]) -> list[int] | None:
    """The columns of the sub-header row below the header, when there is one.

    It is one when the name's cell below the header is empty, every filled cell is a short
    text, and at least one sits under a group: a header cell whose columns to the right are
    empty in the header row (merged over them) but filled below."""
    rows = sheet.rows
    if header_index + 1 >= len(rows):
        return None
    top, below = rows[header_index], rows[header_index + 1]
    name = columns.get("name")
    if name is None or (name < len(below) and is_filled(below[name])):
        return None
    filled = [index for index, cell in enumerate(below) if is_filled(cell)]
    if not filled:
        return None
    for index in filled:
        text = below[index]
        if not isinstance(text, str):
            return None
        cleaned = clean_header(text)
        if len(cleaned) > _SUB_MAX or cleaned.isdigit():
            return None
    groups = _groups(top)
    if not any(groups.get(index, index) != index for index in filled):
        return None
    # A filled cell under a one-column header must name a field by itself (else it is a
    # value: a person's row with the name missing).
    for index in filled:
        start = groups.get(index)
        if start is None or (not _spans(groups, start) and match_header(below[index]) is None):
            return None
    return filled


def _groups(top: Sequence[Cell]) -> dict[int, int]:
    """Column → the column of the header cell it falls under (itself, or the nearest filled
    one to its left)."""
    groups: dict[int, int] = {}
    current: int | None = None
    for index, cell in enumerate(top):
        if is_filled(cell):
            current = index
        if current is not None:
            groups[index] = current
    return groups


def _spans(groups: dict[int, int], start: int) -> bool:
    """The header cell at `start` spans more than its own column."""
    return groups.get(start + 1) == start


def apply_sub_header(
    sheet: Sheet,
    header_index: int,
    filled: list[int],
    headers: dict[int, str],
    letters: dict[int, str],
) -> tuple[dict[str, int], list[Combined], list[str]]:
    """The columns of a two-row header: fields of the header row that are no group, and the
    fields of the sub-columns (named by group and sub-header); a field of several columns
    gets a combined column after the sheet's own."""
    top, below = sheet.rows[header_index], sheet.rows[header_index + 1]
    groups = _groups(top)
    grouped = {groups[index] for index in filled if _spans(groups, groups[index])}
    fields: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(top):
        if index in grouped or not is_filled(cell) or index in filled:
            continue
        key = match_header(cell)
        if key is None:
            unknown.append(str(cell).strip())
        elif key not in fields:
            fields[key], names[key] = [index], str(cell).strip()
    for index in filled:
        start = groups[index]
        group = str(top[start]).strip() if start in grouped else ""
        sub = str(below[index]).strip()
        key = (match_header(group + sub) if group else None) or match_header(sub)
        if key is None:
            unknown.append(f"{group}{sub}")
            continue
        fields.setdefault(key, []).append(index)
        names.setdefault(key, group or sub)
    columns: dict[str, int] = {}
    combined: list[Combined] = []
    width = len(top)
    for key, indexes in fields.items():
        if len(indexes) == 1:
            column = indexes[0]
            letters[column] = sheet.column_letter(column)
        else:
            column = width + len(combined)
            combined.append((column, key, indexes))
            letters[column] = (
                f"{sheet.column_letter(indexes[0])}–{sheet.column_letter(indexes[-1])}"
            )
        columns[key] = column
        headers[column] = names[key]
    return columns, combined, unknown


def combine(cells: list[Cell], combined: list[Combined], width: int) -> None:
    """Add a row's combined columns after its own (filled in if the row is short)."""
    if len(cells) < width:
        cells.extend([""] * (width - len(cells)))
    del cells[width:]
    for _column, key, indexes in combined:
        values = [cells[i] for i in indexes if i < width and is_filled(cells[i])]
        if key in _JOINED:
            cells.append("".join(str(value).strip() for value in values))
        else:
            cells.append(values[0] if values else "")


def is_filled(cell: Cell) -> bool:
    """A cell that holds a value (not None, not blank text), without building the value."""
    if isinstance(cell, str):
        return bool(cell) and not cell.isspace()
    return cell is not None
