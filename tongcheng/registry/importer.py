"""Import of existing Excel ledgers (§5): parse → header → validate every row → plan → commit.

The path is the fast one of PERFORMANCE.md: python-calamine reads the sheet
(tongcheng.lib.xlsx, after the safety checks), `validate_person` checks each row with plain
functions (the same validation as the web form), and the commit writes every row inside ONE
transaction. Rows go in chunks (import_rows): large ledgers are checked, encrypted and
hashed in helper processes as well as here, and each chunk is written as soon as it is
checked — persons (COPY on PostgreSQL, `cursor.executemany` on SQLite, ids drawn per chunk),
their name keys and their history rows — then the dashboard summary and one audit event
with the counts. The column values come from `services.person_columns`, so an imported file
is stored exactly as a file created on the web. The commit validates every row again and
re-checks the user's scope after writing; any error raises, and the transaction leaves 0
rows behind.

The plan (dry run) sorts valid rows into:
- create: no file has this ID number (or the row has none);
- update: a file with this ID number is already in the community — its empty fields are
  filled and changed fields take the file's value (an empty cell never erases a value);
- elsewhere: a file with this ID number is in another community — the row is skipped and the
  report says only "exists elsewhere, request a transfer";
- the same ID number twice in the file is an error on the second row.

Rows to create that share a phone, or a name and birth date, with a file of the community or
an earlier row are counted in the plan as possible duplicates. The commit creates them and
queues every such pair — with files anywhere in the city, as a single create does — for
duplicate review: one set-based query per chunk, not one per row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.lib.gcpause import gc_paused
from tongcheng.lib.headers import HeaderError, find_header_row, match_headers
from tongcheng.lib.xlsx import Cell, Source, XlsxRefused, open_xlsx
from tongcheng.org.access import may_write
from tongcheng.org.models import Area
from tongcheng.registry.actions.summary import (
    count_files,
    summary_add_counts,
    summary_refresh_communities,
)
from tongcheng.registry.import_rows import (
    Chunk,
    NewFile,
    Outcome,
    RowSpec,
    iter_outcomes,
    pinyin_row,
)
from tongcheng.registry.models import (
    DuplicateCandidate,
    ImportJob,
    NameKey,
    Person,
    PersonChange,
    area_range_q,
)
from tongcheng.registry.policy import RECORD_WRITERS
from tongcheng.registry.services import ENCRYPTED_FIELDS, name_keys, person_changes
from tongcheng.registry.validation import FIELD_LABELS, ReferenceCache

if TYPE_CHECKING:
    from tongcheng.audit.services import Actor
    from tongcheng.org.models import User
    from tongcheng.registry.validation import PersonInput

# Imports up to this many rows are checked and written inside the request; larger ones run
# in the background (see start_background).
SYNC_ROWS = 2000
BATCH = 5000
# SQLite page cache during the writes (KiB): the persons' indexes at 100k rows fit.
SQLITE_CACHE_KB = 64 * 1024
LOOKUP_CHUNK = 2000
# A phone, or a name and birth date, on more files than this is not taken as a sign of a
# duplicate (a workplace's phone, a placeholder): no review pairs for it.
LOOK_ALIKE_LIMIT = 10
# The report keeps this many errors and warnings (the counts are always exact).
MAX_ISSUES = 1000
ACTION = "person.import"

# Keys of lib.headers that are person fields (others, like row_number, are layout).
PERSON_KEYS = frozenset(FIELD_LABELS)
_FOOTER = re.compile(
    r"^(填表|审核|制表|负责人|合计|总计|注[:：]|说明[:：]|联系人|填报日期|日期[:：])"
)

Progress = Callable[[int, int], None]


class ImportRefused(Exception):
    """The file cannot be imported at all (unsafe, no header, empty); message for people."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ImportInvalid(Exception):
    """Rows have errors: nothing was written."""


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
        if not _layout_row(cells, columns)
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


def _layout_row(cells: Sequence[Cell], columns: dict[str, int]) -> bool:
    """Rows that hold no person: numbered empty template rows, footers (填表人：…), a header
    repeated on a printed page."""
    width = len(cells)
    if not any(
        _filled(cells[index])
        for key, index in columns.items()
        if key in PERSON_KEYS and index < width
    ):
        return True
    # A footer is the only filled cell of its row (stop counting at two).
    only: Cell | None = None
    count = 0
    for cell in cells:
        if _filled(cell):
            count += 1
            if count > 1:
                break
            only = cell
    if count == 1 and isinstance(only, str) and _FOOTER.match(only.strip()):
        return True
    name = columns.get("name")
    return name is not None and name < width and str(cells[name]).strip() in ("姓名", "名字")


def _filled(cell: Cell) -> bool:
    """_value(cell) not in (None, ""), without building the value."""
    if isinstance(cell, str):
        return bool(cell) and not cell.isspace()
    return cell is not None


@dataclass
class Issue:
    row: int
    column: str
    message: str
    code: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "code": self.code}


@dataclass
class Plan:
    rows_total: int = 0
    create: list[tuple[int, PersonInput]] = field(default_factory=list)
    update: list[tuple[int, int, PersonInput]] = field(default_factory=list)  # row, pk, data
    update_fields: dict[int, list[str]] = field(default_factory=dict)  # row → field names
    # Rows to create that look like a file of the community or an earlier row (same name and
    # birth date, or same phone): created, and queued for duplicate review.
    possible_duplicates: list[int] = field(default_factory=list)
    elsewhere: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0

    def add(self, kind: str, issue: Issue) -> None:
        if kind == "error":
            self.error_count += 1
            if len(self.errors) < MAX_ISSUES:
                self.errors.append(issue)
        else:
            self.warning_count += 1
            if len(self.warnings) < MAX_ISSUES:
                self.warnings.append(issue)

    def summary(self, ledger: Ledger | None = None) -> dict[str, Any]:
        return {
            "rows": self.rows_total,
            "create": len(self.create),
            "update": len(self.update),
            "unchanged": len(self.unchanged),
            "elsewhere": len(self.elsewhere),
            "errors": self.error_count,
            "warnings": self.warning_count,
            "elsewhere_rows": self.elsewhere[:MAX_ISSUES],
            "possible_duplicates": len(self.possible_duplicates),
            "possible_duplicate_rows": self.possible_duplicates[:MAX_ISSUES],
            "update_rows": [
                {"row": row, "fields": self.update_fields.get(row, [])}
                for row, _pk, _data in self.update[:MAX_ISSUES]
            ],
            "warning_list": [w.as_dict() for w in self.warnings],
            "header_row": ledger.header_row if ledger else None,
            "unknown_columns": ledger.unknown[:50] if ledger else [],
        }


def plan_import(
    ledger: Ledger,
    community: Area,
    *,
    refs: ReferenceCache | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Validate every row and sort it into create / update / elsewhere (nothing is written)."""
    plan = Plan(rows_total=len(ledger.rows))
    sorter = _Sorter(ledger, community, plan)
    with gc_paused(), _outcomes(ledger, refs, today, spec=None, progress=progress) as chunks:
        for chunk in chunks:
            plan.create.extend((o.number, o.data) for o in sorter.sort(chunk.outcomes) if o.data)
    sorter.finish()
    return plan


@contextlib.contextmanager
def _outcomes(
    ledger: Ledger,
    refs: ReferenceCache | None,
    today: dt.date | None,
    *,
    spec: RowSpec | None,
    progress: Progress | None,
    consume: bool = False,
) -> Iterator[Generator[Chunk]]:
    """The rows' outcomes, chunk by chunk in row order (import_rows: on every core)."""
    keys = [(key, index) for key, index in ledger.columns.items() if key in PERSON_KEYS]
    chunks = iter_outcomes(
        keys,
        ledger.rows,
        refs=refs or ReferenceCache.load(),
        today=today or timezone.localdate(),
        spec=spec,
        progress=progress,
        consume=consume,
    )
    with contextlib.closing(chunks):
        yield chunks


def _files_with_hashes(hashes: list[str]) -> dict[str, tuple[int, str]]:
    """ID-number hash → (file id, area code) of the files that have one of these hashes.

    One array (PostgreSQL) or JSON (SQLite) parameter per LOOKUP_CHUNK hashes: an `__in` of
    500 placeholders costs more to build and bind than the index probes it asks for (84 ms
    against 19 ms per 2,000 hashes on PostgreSQL, measured)."""
    if not hashes:
        return {}
    table = _table(Person)
    column = _column(Person, "id_number_hash")
    if _postgres():
        condition = f"{column} = ANY(%s)"
    else:
        condition = f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608
    sql = f"SELECT id, {column}, area_code FROM {table} WHERE {condition}"  # noqa: S608
    found: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        if _postgres():
            # The table grows by the import inside this transaction, unseen by the planner's
            # statistics: it scanned the whole table for every chunk (25-50 ms each, measured)
            # instead of probing the hash index.
            cursor.execute("SET LOCAL enable_seqscan = off")
        for start in range(0, len(hashes), LOOKUP_CHUNK):
            chunk = hashes[start : start + LOOKUP_CHUNK]
            cursor.execute(sql, [chunk if _postgres() else json.dumps(chunk)])
            for pk, hashed, area_code in cursor.fetchall():
                found[hashed] = (pk, area_code)
        if _postgres():
            cursor.execute("SET LOCAL enable_seqscan = on")
    return found


class _Sorter:
    """Sorts outcomes into the plan, one chunk at a time in row order: issues, the same ID
    number twice in the file, then create / update / elsewhere / unchanged (one lookup of
    ID-number hashes per LOOKUP_CHUNK rows)."""

    def __init__(
        self, ledger: Ledger, community: Area, plan: Plan, *, look_alikes: bool = True
    ) -> None:
        self.ledger = ledger
        self.community = community
        self.plan = plan
        self.seen: dict[str, int] = {}  # ID-number hash → first row with it
        # For the preview (the commit queues look-alikes in SQL): what a likely duplicate shares
        # with a file of the community or an earlier row — the phone's hash, or the name and
        # birth date (duplicates.fuzzy_matches' rule) — kept as Python hashes of those values
        # (a few MB at 100k rows; a collision would only mark one row too many). The
        # community's files are read once (three columns each).
        self.look_alikes = look_alikes
        # value → how many files of the community have it; how many files and rows have it
        self.existing: Counter[int] = Counter()
        self.counts: Counter[int] = Counter()
        self.rows: list[tuple[int, int, int]] = []  # (row, phone value, name value) to create
        if not look_alikes:
            return
        files = Person.objects.filter(area_range_q([community.code]))
        for name, birth, phone in files.values_list("name", "birth_date", "phone_hash"):
            if phone:
                self.existing[hash(phone)] += 1
            if birth:
                self.existing[hash((name, birth))] += 1
        self.counts.update(self.existing)

    def finish(self) -> None:
        """Mark the possible duplicates: rows whose phone, or name and birth date, another file
        or an earlier row has — unless more than LOOK_ALIKE_LIMIT have it (a shared phone of
        a workplace or a placeholder is no sign of one person; the commit skips those too)."""
        seen: Counter[int] = Counter()
        for number, phone, name in self.rows:
            alike = False
            for value in (phone, name):
                if value and self.counts[value] <= LOOK_ALIKE_LIMIT:
                    alike = alike or self.existing[value] > 0 or seen[value] > 0
            for value in (phone, name):
                if value:
                    seen[value] += 1
            if alike:
                self.plan.possible_duplicates.append(number)

    def sort(self, outcomes: list[Outcome]) -> list[Outcome]:
        """Record the chunk in the plan; return its rows that create a file."""
        plan, label = self.plan, self.ledger.column_label
        valid: list[Outcome] = []
        for outcome in outcomes:
            number = outcome.number
            for issue in outcome.errors:
                plan.add("error", Issue(number, label(issue.field), issue.message, issue.code))
            for issue in outcome.warnings:
                plan.add("warning", Issue(number, label(issue.field), issue.message, issue.code))
            if outcome.data is None:
                continue
            hashed = outcome.id_hash
            first = self.seen.get(hashed) if hashed else None
            if first is not None:
                message = _("The same ID number as row %(row)d of this file.") % {"row": first}
                plan.add("error", Issue(number, label("id_number"), message, "duplicate_in_file"))
                continue
            if hashed:
                self.seen[hashed] = number
            valid.append(outcome)
        return self._sort_valid(valid)

    def _sort_valid(self, valid: list[Outcome]) -> list[Outcome]:
        plan = self.plan
        existing = _files_with_hashes([o.id_hash for o in valid if o.id_hash])
        create: list[Outcome] = []
        here: list[tuple[int, int, PersonInput]] = []
        for outcome in valid:
            found = existing.get(outcome.id_hash) if outcome.id_hash else None
            if found is None:
                create.append(outcome)
                self._look_alike(outcome)
            elif found[1] == self.community.code and outcome.data is not None:
                here.append((outcome.number, found[0], outcome.data))
            else:
                plan.elsewhere.append(outcome.number)
        if here:
            persons = Person.objects.in_bulk([pk for _n, pk, _d in here])
            for number, pk, data in here:
                changes = _import_changes(persons[pk], data)
                if changes:
                    plan.update.append((number, pk, data))
                    plan.update_fields[number] = _public_fields(changes)
                else:
                    plan.unchanged.append(number)
        return create

    def _look_alike(self, outcome: Outcome) -> None:
        data = outcome.data
        if data is None or not self.look_alikes:
            return
        phone = hash(outcome.phone_hash) if outcome.phone_hash else 0
        name = hash((data.name, data.birth_date)) if data.birth_date else 0
        for value in (phone, name):
            if value:
                self.counts[value] += 1
        self.rows.append((outcome.number, phone, name))


def _import_changes(person: Person, data: PersonInput) -> dict[str, Any]:
    """person_changes, but an empty cell never erases a value the file already holds."""
    changes = person_changes(person, data)
    kept: dict[str, Any] = {}
    for column, value in changes.items():
        base = column.removesuffix("_enc").removesuffix("_hash").removesuffix("_last4")
        if base in ENCRYPTED_FIELDS:
            if getattr(data, base):
                kept[column] = value
        elif value not in ("", None):
            kept[column] = value
    if "origin_region_id" not in kept:
        kept.pop("origin_province", None)
    return kept


def _public_fields(changes: dict[str, Any]) -> list[str]:
    derived = {"name_pinyin", "name_initials", "origin_province"}
    return sorted(
        {
            column.removesuffix("_enc").removesuffix("_id")
            for column in changes
            if not column.endswith(("_hash", "_last4")) and column not in derived
        }
    )


# --- Commit ---------------------------------------------------------------------------------


@dataclass
class Result:
    created: int
    updated: int
    skipped_elsewhere: int
    unchanged: int


def commit_import(
    ledger: Ledger,
    community: Area,
    *,
    user: User | None,
    audit_as: Actor | Any,
    job: ImportJob | None = None,
    progress: Progress | None = None,
    check_scope: bool = True,
) -> Result:
    """Validate again and write everything in one transaction; raise and write nothing on error.

    The ledger's rows are used up: their cells are freed as they are written.

    `user` is who imports (history rows, created_by, scope re-check); None only for an
    operator's command-line import without --user.
    """
    with transaction.atomic():
        plan = Plan(rows_total=len(ledger.rows))
        sorter = _Sorter(ledger, community, plan, look_alikes=False)
        now = timezone.now()
        spec = _row_spec(community, user, now)
        writer = _Writer()
        counts: Counter[tuple[str, str, str]] = Counter()
        created = 0
        written: list[list[int]] = []  # the new files' ids, as [first, last] ranges
        # Chunk by chunk as the rows are checked (here and in helper processes): write the
        # new files while the next chunks are still being checked and encrypted.
        with (
            gc_paused(),
            _sqlite_page_cache(),
            _outcomes(ledger, None, None, spec=spec, progress=progress, consume=True) as chunks,
        ):
            for chunk in chunks:
                create = sorter.sort(chunk.outcomes)
                if plan.error_count:
                    break  # nothing will be kept: stop checking
                if chunk.counts:
                    counts.update(chunk.counts)
                    if len(create) < len(chunk.outcomes):
                        created_here = {id(o) for o in create}
                        counts.subtract(
                            count_files(
                                o.new.counted
                                for o in chunk.outcomes
                                if o.new is not None and id(o) not in created_here
                            )
                        )
                if not create:
                    continue
                ids = _allocate_ids(len(create))
                new = [o.new for o in create if o.new is not None]
                _insert_persons(new, ids, spec, writer)
                _insert_name_keys(new, ids, writer)
                _add_range(written, ids)
                _insert_changes(
                    [(pk, n.filled) for n, pk in zip(new, ids, strict=True)], user, now, writer
                )
                created += len(ids)
        if plan.error_count:
            raise ImportInvalid(plan.error_count)
        _queue_look_alikes(written, community, now)
        _update_persons(plan, now)
        _insert_changes(
            [(pk, json.dumps(plan.update_fields[number])) for number, pk, _data in plan.update],
            user,
            now,
            writer,
        )
        # Dashboard summary (registry.summary): created and updated files are all in
        # `community`. New files only: counted from the rows as written; changed files: the
        # community is counted again.
        if plan.update:
            summary_refresh_communities([community.code])
        elif counts:
            summary_add_counts(community.code, counts)
        if check_scope:
            _recheck_scope(user, community, created)
        result = Result(created, len(plan.update), len(plan.elsewhere), len(plan.unchanged))
        detail = {
            "rows": plan.rows_total,
            "created": result.created,
            "updated": result.updated,
            "skipped_elsewhere": result.skipped_elsewhere,
            "unchanged": result.unchanged,
        }
        audit_record(
            actor=audit_as,
            action=ACTION,
            object_type="import",
            object_id=job.pk if job is not None else "",
            area_code=community.code,
            detail=detail,
        )
        if job is not None:
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportJob.State.DONE,
                summary={**(job.summary or {}), "result": detail},
                rows_done=plan.rows_total,
                finished_at=timezone.now(),
                content=None,
            )
    return result


@contextlib.contextmanager
def _sqlite_page_cache() -> Iterator[None]:
    """On SQLite, a larger page cache while the rows are written: 100k inserts touch thirteen
    indexes of persons at random places, and the default 2 MB cache re-reads their pages.
    Memory only (no durability setting is touched); the previous size is restored."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Any], name: str) -> str:
    column: str = model._meta.get_field(name).column
    return connection.ops.quote_name(column)


# Every concrete column of Person except the primary key: an INSERT must name them all
# (Django's defaults are Python-side, the database has none).
def _person_fields() -> list[str]:
    return [f.name for f in Person._meta.concrete_fields if not f.primary_key]


# Date columns that come from the row (the fixed ones are adapted once).
_ROW_DATES = frozenset({"birth_date", "arrived_on", "permit_issued_on", "permit_expires_on"})


def _postgres() -> bool:
    return connection.vendor == "postgresql"


class _Writer:
    """Writes rows of new files inside the caller's transaction: COPY on PostgreSQL (about
    twice executemany's speed, PERFORMANCE.md), executemany in batches on SQLite.
    """

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def copy_text(self, model: type[Any], fields: Sequence[str], chunks: Iterable[str]) -> None:
        """PostgreSQL only: COPY of text already in COPY's text format."""
        columns = ", ".join(_column(model, name) for name in fields)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {_table(model)} ({columns}) FROM STDIN") as copy:
                for chunk in chunks:
                    copy.write(chunk)

    def write(self, model: type[Any], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        columns = ", ".join(_column(model, name) for name in fields)
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {_table(model)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {_table(model)} ({columns}) VALUES ({placeholders})"  # noqa: S608
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def _row_spec(community: Area, user: User | None, now: dt.datetime) -> RowSpec:
    """How this import's new files are written: columns, the values they share, dates."""
    fields = tuple(_person_fields())
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    fixed = {
        "community": community.pk,
        "area_code": community.code,
        "status": Person.Status.ACTIVE.value,
        "status_since": ops.adapt_datefield_value(timezone.localdate()),
        "origin_verified_on": None,
        "address_verified_on": None,
        "occupation_verified_on": None,
        "notice_given_on": None,
        "version": 1,
        "created_at": stamp,
        "updated_at": stamp,
        "created_by": user.pk if user is not None else None,
    }
    # SQLite stores dates as ISO text (what Django's adapter does); psycopg sends dates as such.
    dates = () if _postgres() else tuple(i for i, name in enumerate(fields) if name in _ROW_DATES)
    names = (fields.index("name"), fields.index("name_pinyin"), fields.index("name_initials"))
    return RowSpec(fields, fixed, dates, names)


def _insert_persons(new: list[NewFile], ids: list[int], spec: RowSpec, writer: _Writer) -> None:
    rows = ([pk, *pinyin_row(file.row, spec)] for file, pk in zip(new, ids, strict=True))
    writer.write(Person, ["id", *spec.fields], rows)


def _allocate_ids(count: int) -> list[int]:
    """Ids for the new files, drawn before writing: name keys and history rows need them, and
    neither COPY nor executemany return them. PostgreSQL: from the table's sequence. SQLite:
    after the highest id ever used (AUTOINCREMENT never reuses one), which no other writer
    can take meanwhile: the transaction holds SQLite's write lock (BEGIN IMMEDIATE). Were one
    taken anyway, the primary key refuses the row and the whole import rolls back."""
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {_table(Person)}), 0))",
            [table],
        )
        last = int(cursor.fetchone()[0])
    return list(range(last + 1, last + 1 + count))


def _adapt(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value


def _insert_name_keys(new: list[NewFile], ids: list[int], writer: _Writer) -> None:
    if writer.postgres:
        # Six or so keys per file: COPY text lines built per name beat write_row per key.
        def chunks() -> Iterator[str]:
            lines: list[str] = []
            for file, pk in zip(new, ids, strict=True):
                tail = f"\t{pk}\n"
                lines.extend(_copy_text(key) + tail for key in file.keys)
                if len(lines) >= BATCH:
                    yield "".join(lines)
                    lines = []
            if lines:
                yield "".join(lines)

        writer.copy_text(NameKey, ("key", "person"), chunks())
        return
    rows = ((key, pk) for file, pk in zip(new, ids, strict=True) for key in file.keys)
    writer.write(NameKey, ("key", "person"), rows)


def _add_range(ranges: list[list[int]], ids: list[int]) -> None:
    """Add a chunk's ids (consecutive, drawn together) to `ranges`, merging adjacent ones."""
    if ranges and ranges[-1][1] + 1 == ids[0]:
        ranges[-1][1] = ids[-1]
    else:
        ranges.append([ids[0], ids[-1]])


# New files (ids in the ranges) and the older files they look like: the same phone, or the
# same name and birth date (name_pinyin follows from the name: it lets the pinyin index find
# them). One statement for the whole import: per chunk, PostgreSQL hash-joined against a scan
# of the whole table each time (8 s for 100k rows, measured).
_LOOK_ALIKES = """
WITH crowded_phones AS (
    SELECT p.phone_hash FROM {table} p
    WHERE p.phone_hash IN (SELECT n.phone_hash FROM {table} n WHERE ({new}))
    AND p.phone_hash <> ''
    GROUP BY p.phone_hash HAVING COUNT(*) > {limit}
), crowded_names AS (
    SELECT p.name_pinyin, p.name, p.birth_date FROM {table} p
    WHERE p.name_pinyin IN (SELECT n.name_pinyin FROM {table} n WHERE ({new}))
    AND p.birth_date IS NOT NULL
    GROUP BY p.name_pinyin, p.name, p.birth_date HAVING COUNT(*) > {limit}
)
SELECT n.id, o.id, '{phone}' FROM {table} n JOIN {table} o
    ON o.phone_hash = n.phone_hash AND o.id < n.id
    WHERE ({new}) AND n.phone_hash <> ''
    AND n.phone_hash NOT IN (SELECT phone_hash FROM crowded_phones)
UNION ALL
SELECT n.id, o.id, '{name}' FROM {table} n JOIN {table} o
    ON o.name_pinyin = n.name_pinyin AND o.name = n.name AND o.birth_date = n.birth_date
    AND o.id < n.id
    WHERE ({new}) AND n.birth_date IS NOT NULL
    AND NOT EXISTS (
        SELECT 1 FROM crowded_names c WHERE c.name_pinyin = n.name_pinyin
        AND c.name = n.name AND c.birth_date = n.birth_date
    )
"""


def _queue_look_alikes(ranges: list[list[int]], community: Area, now: dt.datetime) -> None:
    """Queue the new files that look like an older file anywhere in the city, as a single
    create does (duplicates.record_candidates): the review queue shows each pair only to
    users who see both files. Older files include the earlier rows of this ledger."""
    if not ranges:
        return
    reasons = DuplicateCandidate.Reason
    sql = _LOOK_ALIKES.format(
        table=_table(Person),
        phone=reasons.SAME_PHONE.value,
        name=reasons.SAME_NAME_AND_BIRTH.value,
        new=" OR ".join(["n.id BETWEEN %s AND %s"] * len(ranges)),
        limit=int(LOOK_ALIKE_LIMIT),
    )
    bounds = [bound for pair in ranges for bound in pair]
    with connection.cursor() as cursor:
        cursor.execute(sql, bounds * 4)
        pairs = cursor.fetchall()
    if not pairs:
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    open_state = DuplicateCandidate.State.OPEN.value
    rows = [(new, old, reason, community.code, open_state, stamp) for new, old, reason in pairs]
    _Writer().write(
        DuplicateCandidate, ("person", "other", "reason", "area_code", "state", "found_at"), rows
    )


def _copy_text(value: str) -> str:
    """A value in COPY's text format (backslash escapes)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def _update_persons(plan: Plan, now: dt.datetime) -> None:
    """Changed columns, grouped by which columns change (one executemany per group)."""
    if not plan.update:
        return
    persons = Person.objects.in_bulk([pk for _n, pk, _d in plan.update])
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    stamp = connection.ops.adapt_datetimefield_value(now)
    renamed: list[tuple[int, str]] = []
    for _number, pk, data in plan.update:
        changes = _import_changes(persons[pk], data)
        columns = tuple(sorted(changes))
        groups.setdefault(columns, []).append([*(_adapt(changes[c]) for c in columns), stamp, pk])
        if "name" in changes:
            renamed.append((pk, data.name))
    table = _table(Person)
    for columns, rows in groups.items():
        sets = ", ".join(f"{_column(Person, c)} = %s" for c in columns)
        sql = (
            f"UPDATE {table} SET {sets}, version = version + 1, updated_at = %s "  # noqa: S608
            f"WHERE id = %s"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    if renamed:
        NameKey.objects.filter(person_id__in=[pk for pk, _name in renamed]).delete()
        NameKey.objects.bulk_create(
            NameKey(person_id=pk, key=key)
            for pk, name in renamed
            for key in sorted(name_keys(name))
        )


def _insert_changes(
    entries: list[tuple[int, str]], user: User | None, now: dt.datetime, writer: _Writer
) -> None:
    """One history row per created or updated file: (file id, JSON list of the fields named,
    never their values)."""
    if not entries:
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    user_id = user.pk if user is not None else None
    note = str(_("Excel import"))
    rows = ((pk, stamp, user_id, ACTION, fields, note) for pk, fields in entries)
    writer.write(PersonChange, ("person", "at", "user", "action", "fields", "note"), rows)


def _recheck_scope(user: User | None, community: Area, created: int) -> None:
    """After writing: the importer may still write in the community (a membership can be
    revoked during a long background import), and every new row landed there."""
    if user is not None:
        fresh = type(user).objects.get(pk=user.pk)
        if not may_write(fresh, community.code, RECORD_WRITERS):
            raise ImportRefused(_("You may no longer write in this community."), "scope")
    if created and not Person.objects.filter(area_code=community.code).count() >= created:
        raise RuntimeError("imported rows are not in the community")


# --- Import jobs: upload, check, commit, in the request or in the background ---------------


def job_actor(job: ImportJob, role: str = "") -> Actor:
    """Who the audit events of a background import name: the user who uploaded it."""
    from tongcheng.audit.services import Actor
    from tongcheng.lib.logs import request_id_var

    user = job.created_by
    return Actor(user.pk, user.get_username(), role, None, request_id_var.get())


def check_resubmission(sha256: str, community: Area) -> None:
    done = (
        ImportJob.objects.filter(
            file_sha256=sha256, community=community, state=ImportJob.State.DONE
        )
        .order_by("-finished_at")
        .first()
    )
    if done is not None:
        when = timezone.localtime(done.finished_at or done.created_at)
        raise ImportRefused(
            _(
                "This file was already imported into %(community)s on %(date)s (import "
                "%(number)d); it was not imported again."
            )
            % {"community": community.name, "date": f"{when:%Y-%m-%d %H:%M}", "number": done.pk},
            "resubmitted",
        )


@transaction.atomic
def job_create(
    *, user: User, audit_as: Actor | Any, community: Area, file_name: str, content: bytes
) -> tuple[ImportJob, Ledger]:
    """Refuse unsafe or re-submitted files (ImportRefused); record the job, state validating."""
    sha256 = sha256_of(content)
    check_resubmission(sha256, community)
    ledger = read_ledger(content, file_name=file_name)
    job = ImportJob.objects.create(
        community=community,
        area_code=community.code,
        file_name=file_name[:255],
        file_sha256=sha256,
        content=content,
        state=ImportJob.State.VALIDATING,
        rows_total=len(ledger.rows),
        created_by=user,
    )
    audit_record(
        actor=audit_as,
        action="import.upload",
        object_type="import",
        object_id=job.pk,
        area_code=community.code,
        detail={"rows": len(ledger.rows)},
    )
    return job, ledger


def job_ledger(job: ImportJob) -> Ledger:
    return read_ledger(bytes(job.content or b""), file_name=job.file_name)


def job_validate(job: ImportJob, ledger: Ledger | None = None) -> ImportJob:
    """The dry run: the report (errors, warnings, what would be created/updated) on the job."""

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        ledger = ledger or job_ledger(job)
        plan = plan_import(ledger, job.community, progress=progress)
    except ImportRefused as exc:
        return _job_failed(job, exc.message)
    job.summary = plan.summary(ledger)
    job.errors = [issue.as_dict() for issue in plan.errors]
    job.rows_total = plan.rows_total
    job.rows_done = plan.rows_total
    job.state = ImportJob.State.INVALID if plan.error_count else ImportJob.State.READY
    job.save(update_fields=["summary", "errors", "rows_total", "rows_done", "state"])
    return job


def _job_failed(job: ImportJob, message: str) -> ImportJob:
    job.state = ImportJob.State.FAILED
    job.summary = {**(job.summary or {}), "failure": message}
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "summary", "finished_at"])
    return job


def job_commit(job: ImportJob, *, audit_as: Actor | Any) -> ImportJob:
    """Write the job's rows, all or nothing. On failure the job says why; 0 rows are written."""
    try:
        ledger = job_ledger(job)
        commit_import(ledger, job.community, user=job.created_by, audit_as=audit_as, job=job)
    except ImportInvalid:
        # The ledger changed underneath (e.g. a file was created meanwhile): check again.
        job.state = ImportJob.State.VALIDATING
        job_validate(job)
        return _job_failed(job, _("Rows no longer pass the checks; nothing was imported."))
    except ImportRefused as exc:
        return _job_failed(job, exc.message)
    job.refresh_from_db()
    return job


def job_cancel(job: ImportJob, *, audit_as: Actor | Any) -> ImportJob:
    job.state = ImportJob.State.CANCELLED
    job.content = None
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "content", "finished_at"])
    audit_record(
        actor=audit_as,
        action="import.cancel",
        object_type="import",
        object_id=job.pk,
        area_code=job.area_code,
    )
    return job


def process_job(pk: int) -> None:
    """Do what the job waits for (check or commit). Used by the thread and by run_imports."""
    job = ImportJob.objects.select_related("community", "created_by").filter(pk=pk).first()
    if job is None:
        return
    if job.state == ImportJob.State.VALIDATING:
        job_validate(job)
    elif job.state == ImportJob.State.IMPORTING:
        role = str((job.summary or {}).get("role", ""))
        try:
            job_commit(job, audit_as=job_actor(job, role))
        except Exception as exc:  # a crash must leave a readable job, not one stuck importing
            _job_failed(
                job,
                _("The import failed (%(error)s); nothing was imported.")
                % {"error": type(exc).__name__},
            )
            raise


def pending_jobs() -> list[int]:
    return list(
        ImportJob.objects.filter(state__in=[ImportJob.State.VALIDATING, ImportJob.State.IMPORTING])
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def start_background(job: ImportJob) -> None:
    """After this transaction commits, work on the job in a thread of this process.

    With IMPORT_WORKER = "command" (production: docs/deploy.md) no thread is started: the
    `manage.py run_imports` worker picks the job up from the database within a second.
    """
    from django.conf import settings

    if getattr(settings, "IMPORT_WORKER", "thread") != "thread":
        return
    pk = job.pk

    def work() -> None:
        import logging

        from django.db import connections

        try:
            process_job(pk)
        except Exception:
            logging.getLogger("tongcheng.import").exception("import job %s failed", pk)
        finally:
            connections.close_all()

    def start() -> None:
        import threading

        threading.Thread(target=work, name=f"import-{pk}", daemon=True).start()

    transaction.on_commit(start)
