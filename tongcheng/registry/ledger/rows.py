"""The per-row work of an import: check, and for a commit also encrypt and derive.

`process_rows` is the same in the importing process and in its helper processes (`helpers`):
it needs no database (the reference data comes in a ReferenceCache) and returns plain values.
Helpers load neither the API framework nor pypinyin's dictionaries: the importing process adds
the pinyin columns as it writes (`pinyin_row`).

Before a row is checked, the shapes real ledgers write are read as the form would take them
(`_ledger_shapes`, only for the columns a ledger has): an occupation written in the screens' or
the old template's words (columns.OCCUPATION_SYNONYMS) is its category; a birth month (出生年月
1985.03) is compared with the ID number at month precision, the ID number then giving the day;
a phone cell of several lines (Alt+Enter) keeps its first number, with a warning. Children
written in one cell (子：马小明，2016年9月生) become household members where the whole cell reads
as members (`household.parse_members`), else the text is kept in the note with a warning.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from django.utils.translation import gettext as _

from tongcheng.registry.columns import (
    OCCUPATION_SYNONYMS,
    filled_fields,
    name_columns,
    name_keys,
    person_columns,
)
from tongcheng.registry.dimensions import count_files
from tongcheng.registry.identifiers import id_number_hash, phone_hash
from tongcheng.registry.ledger.household import Member, parse_members
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
    household: tuple[Member, ...] = ()  # members read from the row's household cell


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
    keys = name_columns(row[name_index])
    row[pinyin_index], row[initials_index] = keys["name_pinyin"], keys["name_initials"]
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
    present = {key for key, _index in keys}
    shapes = bool(present & _SHAPED)
    for number, cells in rows:
        width = len(cells)
        raw = {key: cell_value(cells[index]) for key, index in keys if index < width}
        notes: list[FieldIssue] = []
        if shapes:
            _ledger_shapes(raw, notes)
        members: tuple[Member, ...] = ()
        household = raw.pop("household", None)
        if household is not None:
            members = _household(household, raw, notes, today)
        data, errors, warnings = validate_person(raw, refs=refs, today=today)
        if notes:
            warnings = notes + warnings
        hashed = phone = ""
        new = None
        if data is not None:
            if data.id_number:
                hashed = id_number_hash(data.id_number)
            if data.phone:
                phone = phone_hash(data.phone)
            if spec is not None:
                new = new_file(data, hashed, phone, spec)
        outcomes.append(Outcome(number, data, errors, warnings, hashed, phone, new, members))
    return outcomes


# The columns whose ledger shapes `_ledger_shapes` reads.
_SHAPED = frozenset({"occupation", "birth_date", "phone"})
_RE_YEAR_MONTH = re.compile(r"((?:19|20)\d{2})\s*(?:[.\-/]|年)\s*(\d{1,2})\s*月?")
_RE_COMPACT_MONTH = re.compile(r"((?:19|20)\d{2})(\d{2})")


def _ledger_shapes(raw: dict[str, Any], notes: list[FieldIssue]) -> None:
    """Read a row's occupation words, birth month and multi-line phone (module docstring)."""
    occupation = raw.get("occupation")
    if type(occupation) is str:
        code = OCCUPATION_SYNONYMS.get(occupation.strip())
        if code is not None:
            raw["occupation"] = code
    birth = raw.get("birth_date")
    if birth is not None and not isinstance(birth, dt.date):
        months = birth_months(birth)
        if months and _id_month(raw.get("id_number")) in months:
            # The month agrees with the ID number, which gives the day as well.
            del raw["birth_date"]
    phone = raw.get("phone")
    if type(phone) is str and "\n" in phone.strip():
        lines = [line.strip() for line in phone.splitlines() if line.strip()]
        raw["phone"] = lines[0]
        notes.append(
            FieldIssue(
                "phone",
                _("The cell holds several lines; the first phone number was kept."),
                "several_lines",
            )
        )


def birth_months(value: Any) -> set[tuple[int, int]]:
    """The (year, month) a birth cell written as a month means (1985.03, 1985年3月, 198503),
    two for the number 1985.1 (Excel's 1985.10 or 1985.01); empty for a full date."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float) and 1900 < value < 2101:
        year, _dot, month = repr(value).partition(".")
        if len(month) == 2:
            return {(int(year), int(month))}
        if len(month) == 1:
            return {(int(year), int(month)), (int(year), int(month) * 10)}
        return set()
    text = str(value).strip()
    match = _RE_YEAR_MONTH.fullmatch(text) or _RE_COMPACT_MONTH.fullmatch(text)
    if match is None:
        return set()
    return {(int(match.group(1)), int(match.group(2)))}


def _id_month(value: Any) -> tuple[int, int] | None:
    """The birth (year, month) an ID number's digits say, without checking the number (the
    check, and its errors, come with the row's validation)."""
    if value is None:
        return None
    text = str(value).strip().replace(" ", "")
    if len(text) == 18 and text[:17].isdigit():
        return int(text[6:10]), int(text[10:12])
    if len(text) == 15 and text.isdigit():
        return 1900 + int(text[6:8]), int(text[8:10])
    return None


def _household(
    value: Any, raw: dict[str, Any], notes: list[FieldIssue], today: dt.date
) -> tuple[Member, ...]:
    """The household cell's members; a cell that does not read as members goes to the note."""
    text = str(value).strip()
    if not text:
        return ()
    members = parse_members(text, today=today)
    if members is not None:
        return tuple(members)
    note = raw.get("notes")
    raw["notes"] = f"{note}；{text}" if note not in (None, "") else text
    notes.append(
        FieldIssue(
            "household",
            _(
                "The household members could not be read from this cell; its text was kept "
                "in the notes. Write them like 子：马小明，2016年9月生."
            ),
            "household_as_note",
        )
    )
    return ()


def chunk_of(outcomes: list[Outcome], spec: RowSpec | None) -> Chunk:
    if spec is None:
        return Chunk(outcomes, None)
    return Chunk(outcomes, count_files(o.new.counted for o in outcomes if o.new is not None))
