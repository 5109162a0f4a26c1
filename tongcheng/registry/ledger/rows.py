"""The per-row work of an import: check, and for a commit also encrypt and derive.

`process_rows` is the same in the importing process and in its helper processes (`helpers`):
it needs no database (the reference data comes in a ReferenceCache) and returns plain values.
Helpers load neither the API framework nor pypinyin's dictionaries: the importing process adds
the pinyin columns as it writes (`pinyin_row`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from tongcheng.lib.pinyin import name_initials, name_pinyin
from tongcheng.registry.columns import filled_fields, name_keys, person_columns
from tongcheng.registry.dimensions import count_files
from tongcheng.registry.identifiers import id_number_hash, phone_hash
from tongcheng.registry.rules import all_known
from tongcheng.registry.validation import FieldIssue, PersonInput, ReferenceCache, validate_person

if TYPE_CHECKING:
    from tongcheng.lib.xlsx import Cell

Row = tuple[int, Sequence["Cell"]]
Keys = Sequence[tuple[str, int]]
Progress = Callable[[int, int], None]


class RowSpec(NamedTuple):
    """How a new file's row is written (`write.row_spec`)."""

    fields: tuple[str, ...]  # the INSERT's columns after the id, model field names
    fixed: dict[str, Any]  # values the same for every new file, adapted for the database
    iso_dates: tuple[int, ...]  # indexes of date columns to write as ISO text (SQLite)
    name_columns: tuple[int, int, int]  # indexes of name, name_pinyin, name_initials


class NewFile(NamedTuple):
    """Everything the commit writes for one new file, but its id."""

    row: list[Any]  # values of RowSpec.fields
    keys: list[str]  # its name keys (NameKey)
    counted: tuple[object, ...]  # its dashboard summary columns (dimensions.ROW_COLUMNS)
    filled: str  # history: the JSON list of the fields it fills


class Outcome(NamedTuple):
    number: int  # the Excel row number
    data: PersonInput | None  # None when the row has errors
    errors: list[FieldIssue]
    warnings: list[FieldIssue]
    id_hash: str  # keyed hash of the ID number ("" without one)
    phone_hash: str  # keyed hash of the phone ("" without one)
    new: NewFile | None  # for a commit: the row as it would be written


class Chunk(NamedTuple):
    outcomes: list[Outcome]
    # For a commit: the dashboard summary counts of every valid row of the chunk (the commit
    # takes away the few rows that turn out not to create a file).
    counts: Counter[tuple[str, str, str]] | None


def cell_value(cell: Cell) -> Any:
    """A cell as validate_person wants it: None for blank, date for a date-time cell."""
    if isinstance(cell, str):
        return cell if cell and not cell.isspace() else None
    if isinstance(cell, dt.datetime):
        return cell.date()
    return cell


def row_columns(data: PersonInput, id_hash: str, phone_hash: str = "") -> dict[str, Any]:
    """person_columns of one row, with the model's field names (ethnicity, not ethnicity_id),
    but for name_pinyin and name_initials: the importing process adds those as it writes
    (pinyin_row), so that helpers need not load pypinyin's dictionaries (about 55 MB)."""
    values = person_columns(data, id_hash=id_hash, phone_hash=phone_hash, pinyin=False)
    values["name_pinyin"] = values["name_initials"] = ""
    values["ethnicity"] = values.pop("ethnicity_id")
    values["origin_region"] = values.pop("origin_region_id")
    return values


# Per process, bounded: names and field combinations repeat across a ledger.
_KEYS_MEMO: dict[str, list[str]] = {}
_FILLED_MEMO: dict[tuple[str, ...], str] = {}
_MEMO_LIMIT = 10_000


def new_file(data: PersonInput, id_hash: str, phone_hash: str, spec: RowSpec) -> NewFile:
    values = row_columns(data, id_hash, phone_hash)
    values.update(spec.fixed)
    row = [values[name] for name in spec.fields]
    for index in spec.iso_dates:
        if row[index] is not None:
            row[index] = row[index].isoformat()
    keys = _KEYS_MEMO.get(data.name)
    if keys is None:
        if len(_KEYS_MEMO) >= _MEMO_LIMIT:
            _KEYS_MEMO.clear()
        keys = _KEYS_MEMO[data.name] = sorted(name_keys(data.name))
    filled_names = tuple(filled_fields(data))
    filled = _FILLED_MEMO.get(filled_names)
    if filled is None:
        filled = _FILLED_MEMO[filled_names] = json.dumps(list(filled_names))
    known = all_known({**values, "origin_region_id": values["origin_region"]})
    counted = (values["area_code"], values["status"], values["ethnicity"],
               values["origin_province"], values["occupation"], data.arrived_on, known,
               None, None, None)  # fmt: skip
    return NewFile(row, keys, counted, filled)


def pinyin_row(row: list[Any], spec: RowSpec) -> list[Any]:
    """A NewFile row with its name's pinyin and initials filled in (in this process)."""
    name_index, pinyin_index, initials_index = spec.name_columns
    name = row[name_index]
    row[pinyin_index] = name_pinyin(name)
    row[initials_index] = name_initials(name)
    return row


def process_rows(
    keys: Keys,
    rows: Sequence[Row],
    refs: ReferenceCache,
    today: dt.date,
    spec: RowSpec | None,
) -> list[Outcome]:
    """Check each row; for a commit (`spec`) also build every valid row as it is written."""
    outcomes: list[Outcome] = []
    for number, cells in rows:
        width = len(cells)
        raw = {key: cell_value(cells[index]) for key, index in keys if index < width}
        data, errors, warnings = validate_person(raw, refs=refs, today=today)
        hashed = phone = ""
        new = None
        if data is not None:
            if data.id_number:
                hashed = id_number_hash(data.id_number)
            if data.phone:
                phone = phone_hash(data.phone)
            if spec is not None:
                new = new_file(data, hashed, phone, spec)
        outcomes.append(Outcome(number, data, errors, warnings, hashed, phone, new))
    return outcomes


def chunk_of(outcomes: list[Outcome], spec: RowSpec | None) -> Chunk:
    if spec is None:
        return Chunk(outcomes, None)
    return Chunk(outcomes, count_files(o.new.counted for o in outcomes if o.new is not None))
