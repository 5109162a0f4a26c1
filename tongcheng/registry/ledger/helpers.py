"""The rows of a large import, checked, encrypted and hashed on every core.

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
(`python -m tongcheng.registry.ledger.helper_main`, safe from a threaded web process) fed
through its stdin and answering on its stdout; it ends with its import, and by itself when
its input ends because this process died. It loads neither the API framework nor pypinyin's
dictionaries: this process adds the pinyin columns as it writes (`rows.pinyin_row`). Any
failure of a helper fails the import, which then writes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import translation

from tongcheng.registry.ledger.rows import (
    Chunk,
    Keys,
    Outcome,
    Progress,
    Row,
    RowSpec,
    chunk_of,
    process_rows,
)
from tongcheng.registry.validation import ReferenceCache

# Rows per chunk handed to a helper: large enough that sending it costs little next to the
# work, small enough that the last chunks do not leave a core idle for long.
ROW_CHUNK = 2000
# Chunks queued per helper, so that it never waits for the next one.
QUEUED_PER_HELPER = 2
# Rows this process checks at a time between looking for the helpers' answers.
LOCAL_PIECE = 500
# The helper's entry point (helper_main.py), run as `python -m`.
HELPER_MODULE = "tongcheng.registry.ledger.helper_main"


class HelperFailed(RuntimeError):
    """A helper process died or raised: the import stops and writes nothing."""


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
    work = _Work(keys, refs, today, spec)
    finished = 0
    for part in _schedule(chunks, helpers, work):
        finished += len(part.outcomes)
        if progress is not None:
            progress(finished, total)
        yield part


@dataclass(frozen=True)
class _Work:
    """What checking a piece of rows needs, here and (pickled as the setup) in a helper."""

    keys: Keys
    refs: ReferenceCache
    today: dt.date
    spec: RowSpec | None

    def rows(self, rows: Sequence[Row]) -> list[Outcome]:
        return process_rows(self.keys, rows, self.refs, self.today, self.spec)

    def chunk(self, rows: Sequence[Row]) -> Chunk:
        return chunk_of(self.rows(rows), self.spec)

    def setup(self) -> dict[str, Any]:
        """What a helper needs before its first chunk (it reads no settings of its own)."""
        return {
            "field_key": settings.FIELD_ENCRYPTION_KEY,
            "hash_key": settings.HASH_KEY,
            "language": translation.get_language() or settings.LANGUAGE_CODE,
            "refs": self.refs,
            "today": self.today,
            "keys": list(self.keys),
            "spec": self.spec,
        }


def _schedule(chunks: list[Sequence[Row] | None], helpers: int, work: _Work) -> Iterator[Chunk]:
    if not helpers:
        for index, chunk in enumerate(chunks):
            chunks[index] = None
            assert chunk is not None
            yield work.chunk(chunk)
        return
    with _Pool(helpers, work.setup()) as pool:
        yield from _Schedule(pool, helpers, chunks, work).run()


@dataclass
class _Mine:
    """The chunk this process checks itself, in pieces: so that a chunk a helper finishes
    meanwhile is handed on (and written, in a commit) without waiting for a whole chunk."""

    index: int
    rows: Sequence[Row]
    part: list[Outcome] = field(default_factory=list)
    offset: int = 0


@dataclass
class _Schedule:
    """Chunks out to the helpers, answers back in row order; this process checks a chunk
    nobody has taken yet whenever it would otherwise wait for a helper."""

    pool: _Pool
    helpers: int
    chunks: list[Sequence[Row] | None]
    work: _Work
    done: dict[int, Chunk] = field(default_factory=dict)
    mine: _Mine | None = None
    sent: int = 0
    outstanding: int = 0
    emitted: int = 0

    def run(self) -> Iterator[Chunk]:
        while self.emitted < len(self.chunks):
            for index, part in self.pool.ready():
                self.done[index] = part
                self.outstanding -= 1
            while self.outstanding < QUEUED_PER_HELPER * self.helpers and self.sent < len(
                self.chunks
            ):
                self.pool.send(self.sent, _take(self.chunks, self.sent))
                self.sent += 1
                self.outstanding += 1
            if self.emitted in self.done:
                yield self.done.pop(self.emitted)
                self.emitted += 1
                continue
            if self._check_a_piece():
                continue
            index, part = self.pool.wait()
            self.done[index] = part
            self.outstanding -= 1

    def _check_a_piece(self) -> bool:
        """Check the next piece of this process's own chunk; False when there is none."""
        if self.mine is None and self.sent < len(self.chunks):
            self.mine = _Mine(self.sent, _take(self.chunks, self.sent))
            self.sent += 1
        mine = self.mine
        if mine is None:
            return False
        piece = mine.rows[mine.offset : mine.offset + LOCAL_PIECE]
        mine.part.extend(self.work.rows(piece))
        mine.offset += len(piece)
        if mine.offset >= len(mine.rows):
            self.done[mine.index] = chunk_of(mine.part, self.work.spec)
            self.mine = None
        return True


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
        root = str(Path(__file__).resolve().parents[3])
        path = os.environ.get("PYTHONPATH", "")
        env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
        self.name = f"import helper {number}"
        self.outstanding = 0
        self.process = subprocess.Popen(  # noqa: S603 (this interpreter, our module)
            [sys.executable, "-m", HELPER_MODULE],
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
    """Helper processes (python -m HELPER_MODULE), each fed chunks."""

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
    """A helper's loop (helper_main runs it once Django is set up): until its input
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
