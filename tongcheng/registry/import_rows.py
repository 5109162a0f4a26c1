"""The per-row work of an import — check, and for a commit also encrypt and derive — on every core.

A 100,000-row ledger spends most of its time in Python per row: validation, two keyed hashes,
up to four AES-GCM encryptions. One Python process uses one core, so large imports
(IMPORT_HELPER_ROWS and more) start IMPORT_HELPERS helper processes (settings.py). The rows
are cut into chunks; each helper keeps two chunks queued, and this process checks the chunks
nobody has taken yet whenever it would otherwise wait, in small pieces, so a helper that
starts late (a new process needs about half a second to load Django) simply does fewer.
`iter_outcomes` yields the chunks in row order, exactly as the one-process path computes
them (tests/test_import_helpers.py); a commit writes each chunk as it comes.

Helpers never open the database: they receive the reference data, the keys, the language and
"today" from this process, and send back plain values. A helper is a fresh interpreter
(`python -m tongcheng.registry.import_helper_main`, safe from a threaded web process) fed
through its stdin and answering on its stdout; it ends with its import, and by itself when
its input ends because this process died. It loads neither the API framework nor pypinyin's
dictionaries: this process adds the pinyin columns as it writes (`pinyin_row`). Any failure
of a helper fails the import, which then writes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.utils import translation

from tongcheng.lib.pinyin import name_initials, name_pinyin
from tongcheng.registry.actions.summary import count_files
from tongcheng.registry.rules import all_known
from tongcheng.registry.services import (
    filled_fields,
    id_number_hash,
    name_keys,
    person_columns,
    phone_hash,
)
from tongcheng.registry.validation import FieldIssue, PersonInput, ReferenceCache, validate_person

if TYPE_CHECKING:
    from tongcheng.lib.xlsx import Cell

# Rows per chunk handed to a helper: large enough that sending it costs little next to the
# work, small enough that the last chunks do not leave a core idle for long.
ROW_CHUNK = 2000
# Chunks queued per helper, so that it never waits for the next one.
QUEUED_PER_HELPER = 2
# Rows this process checks at a time between looking for the helpers' answers.
LOCAL_PIECE = 500

Row = tuple[int, Sequence["Cell"]]
Keys = Sequence[tuple[str, int]]
Progress = Callable[[int, int], None]


class RowSpec(NamedTuple):
    """How a new file's row is written (the importer's `_row_spec`)."""

    fields: tuple[str, ...]  # the INSERT's columns after the id, model field names
    fixed: dict[str, Any]  # values the same for every new file, adapted for the database
    iso_dates: tuple[int, ...]  # indexes of date columns to write as ISO text (SQLite)
    name_columns: tuple[int, int, int]  # indexes of name, name_pinyin, name_initials


class NewFile(NamedTuple):
    """Everything the commit writes for one new file, but its id."""

    row: list[Any]  # values of RowSpec.fields
    keys: list[str]  # its name keys (NameKey)
    counted: tuple[object, ...]  # its dashboard summary columns (summary._ROW_COLUMNS)
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


class HelperFailed(RuntimeError):
    """A helper process died or raised: the import stops and writes nothing."""


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


def helper_count(rows: int) -> int:
    if rows < settings.IMPORT_HELPER_ROWS:
        return 0
    return max(0, min(settings.IMPORT_HELPERS, (rows - 1) // ROW_CHUNK))


def iter_outcomes(
    keys: Keys,
    rows: Sequence[Row],
    *,
    refs: ReferenceCache,
    today: dt.date,
    spec: RowSpec | None,
    progress: Progress | None = None,
    consume: bool = False,
) -> Generator[Chunk]:
    """Every row's outcome, a chunk at a time in row order; with helpers for large ledgers.

    Between two chunks the caller may work (the commit writes them): helpers keep going
    meanwhile. Close the generator (contextlib.closing) to stop the helpers early.
    """
    helpers = helper_count(len(rows))
    total = len(rows)
    chunks: list[Sequence[Row] | None] = [
        rows[start : start + ROW_CHUNK] for start in range(0, total, ROW_CHUNK)
    ]
    if consume and isinstance(rows, list):
        # `consume`: the caller's row list is emptied, and each chunk's cells are freed once
        # checked (a commit's memory then shrinks as it writes).
        rows.clear()
    finished = 0

    def report(part: Chunk) -> Chunk:
        nonlocal finished
        finished += len(part.outcomes)
        if progress is not None:
            progress(finished, total)
        return part

    if not helpers:
        for index, chunk in enumerate(chunks):
            chunks[index] = None
            assert chunk is not None
            yield report(chunk_of(process_rows(keys, chunk, refs, today, spec), spec))
        return
    setup = {
        "field_key": settings.FIELD_ENCRYPTION_KEY,
        "hash_key": settings.HASH_KEY,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "refs": refs,
        "today": today,
        "keys": list(keys),
        "spec": spec,
    }
    done: dict[int, Chunk] = {}
    # The chunk this process checks itself whenever it would otherwise wait for a helper:
    # [index, outcomes so far, rows done, its rows]. In pieces, so that a chunk a helper finishes
    # meanwhile is handed on (and written, in a commit) without waiting for a whole chunk.
    mine: list[Any] | None = None
    with _Pool(helpers, setup) as pool:
        sent = outstanding = emitted = 0
        while emitted < len(chunks):
            for index, part in pool.ready():
                done[index] = part
                outstanding -= 1
            while outstanding < QUEUED_PER_HELPER * helpers and sent < len(chunks):
                pool.send(sent, _take(chunks, sent))
                sent += 1
                outstanding += 1
            if emitted in done:
                yield report(done.pop(emitted))
                emitted += 1
                continue
            if mine is None and sent < len(chunks):
                mine = [sent, [], 0, _take(chunks, sent)]
                sent += 1
            if mine is not None:
                index, part, offset, rows_here = mine
                piece = rows_here[offset : offset + LOCAL_PIECE]
                part.extend(process_rows(keys, piece, refs, today, spec))
                mine[2] = offset = offset + len(piece)
                if offset >= len(rows_here):
                    done[index] = chunk_of(part, spec)
                    mine = None
                continue
            index, part = pool.wait()
            done[index] = part
            outstanding -= 1


def _take(chunks: list[Sequence[Row] | None], index: int) -> Sequence[Row]:
    """A chunk's rows, no longer kept in `chunks`."""
    chunk = chunks[index]
    assert chunk is not None
    chunks[index] = None
    return chunk


class _Helper:
    """One helper process: tasks go to its stdin (a writer thread, so that a full pipe never
    blocks this process), answers come from its stdout (a reader thread) onto `answers`."""

    def __init__(self, number: int, packed: bytes, answers: queue.Queue[Any]) -> None:
        root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH", "")
        env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
        self.name = f"import helper {number}"
        self.outstanding = 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tongcheng.registry.import_helper_main"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=root,
        )
        self.inbox: queue.Queue[bytes | None] = queue.Queue()
        self.answers = answers
        self.inbox.put(packed)
        for target in (self._write, self._read):
            threading.Thread(target=target, name=self.name, daemon=True).start()

    def _write(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            while (frame := self.inbox.get()) is not None:
                send_frame(stdin, frame)
            stdin.close()
        except OSError:
            pass  # the helper is gone: its reader reports it

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while (frame := receive_frame(stdout)) is not None:
                self.answers.put((self, pickle.loads(frame)))  # noqa: S301 (our helper)
        except (OSError, EOFError, pickle.UnpicklingError):
            pass
        self.answers.put((self, None))  # the helper ended

    def send(self, frame: bytes) -> None:
        self.outstanding += 1
        self.inbox.put(frame)

    def stop(self, *, kill: bool) -> None:
        self.inbox.put(None)
        if kill:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class _Pool:
    """Helper processes (python -m tongcheng.registry.import_helper_main), each fed chunks."""

    def __init__(self, count: int, setup: dict[str, Any]) -> None:
        self.answers: queue.Queue[Any] = queue.Queue()
        packed = pickle.dumps(setup)
        self.helpers = [_Helper(n + 1, packed, self.answers) for n in range(count)]

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        for helper in self.helpers:
            helper.stop(kill=error is not None)

    def send(self, index: int, chunk: Sequence[Row]) -> None:
        helper = min(self.helpers, key=lambda h: h.outstanding)
        helper.send(pickle.dumps((index, list(chunk))))

    def _answer(self, helper: _Helper, answer: Any) -> tuple[int, Chunk]:
        if answer is None:
            code = helper.process.wait()
            raise HelperFailed(f"{helper.name} ended (exit code {code})")
        helper.outstanding -= 1
        index, part = answer
        if isinstance(part, str):
            raise HelperFailed(f"{helper.name} failed:\n{part}")
        return index, part

    def ready(self) -> list[tuple[int, Chunk]]:
        found = []
        while True:
            try:
                found.append(self._answer(*self.answers.get_nowait()))
            except queue.Empty:
                return found

    def wait(self) -> tuple[int, Chunk]:
        return self._answer(*self.answers.get())


def send_frame(stream: IO[bytes], frame: bytes) -> None:
    stream.write(len(frame).to_bytes(8, "big"))
    stream.write(frame)
    stream.flush()


def receive_frame(stream: IO[bytes]) -> bytes | None:
    """The next frame, or None at the end of the stream."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "big")
    frame = stream.read(size)
    if len(frame) < size:
        return None
    return frame


def serve(packed: bytes, tasks: IO[bytes], answers: IO[bytes]) -> None:
    """A helper's loop (import_helper_main runs it once Django is set up): until its input
    ends — the importing process closed it, or is gone."""
    setup = pickle.loads(packed)  # noqa: S301 (written by the importing process)
    settings.FIELD_ENCRYPTION_KEY = setup["field_key"]
    settings.HASH_KEY = setup["hash_key"]
    translation.activate(setup["language"])
    refs, today, keys, spec = setup["refs"], setup["today"], setup["keys"], setup["spec"]
    while (frame := receive_frame(tasks)) is not None:
        index, rows = pickle.loads(frame)  # noqa: S301
        try:
            answer: Any = chunk_of(process_rows(keys, rows, refs, today, spec), spec)
        except Exception:
            answer = traceback.format_exc()
        send_frame(answers, pickle.dumps((index, answer)))
