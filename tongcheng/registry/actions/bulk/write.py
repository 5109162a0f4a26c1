"""The import's bulk writer: new files, their name keys and history rows, and the updates.

Rows are written inside the commit's transaction without the ORM's per-object work: COPY on
PostgreSQL (about twice executemany's speed, measured), `cursor.executemany` in batches on
SQLite. The new files' ids are drawn before writing (`allocate_ids`), since the name keys and
history rows need them and neither COPY nor executemany return them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tongcheng.registry.columns import name_keys
from tongcheng.registry.errors import ImportRefused
from tongcheng.registry.ledger.plan import files_with_hashes
from tongcheng.registry.ledger.rows import NewFile, Outcome, RowSpec, pinyin_row
from tongcheng.registry.ledger.sql import adapt, column, postgres, stamp, table
from tongcheng.registry.models import NameKey, Person, PersonChange

if TYPE_CHECKING:
    from tongcheng.org.models import Area, User

BATCH = 5000
# SQLite page cache during the writes (KiB): the persons' indexes at 100k rows fit.
SQLITE_CACHE_KB = 64 * 1024
# The action of the history rows and audit event of an import.
ACTION = "person.import"
# The refusal's code when a file took a row's ID number during the commit (insert_persons_once).
ID_NUMBER_TAKEN = "id_number_taken"
# Date columns that come from the row (the fixed ones are adapted once).
_ROW_DATES = frozenset({"birth_date", "arrived_on", "permit_issued_on", "permit_expires_on"})


class Writer:
    """Writes rows of new files inside the caller's transaction: COPY on PostgreSQL,
    executemany in batches of BATCH on SQLite."""

    def __init__(self) -> None:
        self.postgres = postgres()

    def copy_text(self, model: type[Any], fields: Sequence[str], chunks: Iterable[str]) -> None:
        """PostgreSQL only: COPY of text already in COPY's text format."""
        columns = ", ".join(column(model, name) for name in fields)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table(model)} ({columns}) FROM STDIN") as copy:
                for chunk in chunks:
                    copy.write(chunk)

    def write(self, model: type[Any], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        columns = ", ".join(column(model, name) for name in fields)
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table(model)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table(model)} ({columns}) VALUES ({placeholders})"  # noqa: S608
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


@contextlib.contextmanager
def sqlite_page_cache() -> Iterator[None]:
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


def person_fields() -> list[str]:
    """Every concrete column of Person except the primary key: an INSERT must name them all
    (Django's defaults are Python-side, the database has none)."""
    return [f.name for f in Person._meta.concrete_fields if not f.primary_key]


def row_spec(community: Area, user: User | None, now: dt.datetime) -> RowSpec:
    """How this import's new files are written: columns, the values they share, dates."""
    fields = tuple(person_fields())
    written = stamp(now)
    fixed = {
        "community": community.pk,
        "area_code": community.code,
        "status": Person.Status.ACTIVE.value,
        "status_since": connection.ops.adapt_datefield_value(timezone.localdate()),
        "origin_verified_on": None,
        "address_verified_on": None,
        "occupation_verified_on": None,
        "notice_given_on": None,
        "version": 1,
        "created_at": written,
        "updated_at": written,
        "created_by": user.pk if user is not None else None,
    }
    # SQLite stores dates as ISO text (what Django's adapter does); psycopg sends dates as such.
    dates = () if postgres() else tuple(i for i, name in enumerate(fields) if name in _ROW_DATES)
    names = (fields.index("name"), fields.index("name_pinyin"), fields.index("name_initials"))
    return RowSpec(fields, fixed, dates, names)


def insert_persons(new: list[NewFile], ids: list[int], spec: RowSpec, writer: Writer) -> None:
    rows = ([pk, *pinyin_row(file.row, spec)] for file, pk in zip(new, ids, strict=True))
    writer.write(Person, ["id", *spec.fields], rows)


def insert_persons_once(
    create: list[Outcome], ids: list[int], spec: RowSpec, writer: Writer
) -> None:
    """insert_persons of the rows that create a file, refused by row when a number is taken.

    The commit looks the rows' ID numbers up inside its transaction, but a file another request
    registers meanwhile is not seen until it is committed; the database's constraint
    (person_one_file_per_id_number) then refuses the write. The write runs in a savepoint so
    that the files can be looked up again: the rows whose number a file now holds are named in
    an ImportRefused (the commit leaves 0 rows). A refusal with no such row is raised again.
    """
    new = [o.new for o in create if o.new is not None]
    try:
        # COPY goes through the driver's own cursor: wrap_database_errors gives its errors
        # Django's classes, as every other write has them.
        with transaction.atomic(), connection.wrap_database_errors:
            insert_persons(new, ids, spec, writer)
    except IntegrityError:
        held = files_with_hashes([o.id_hash for o in create if o.id_hash])
        rows = [o.number for o in create if o.id_hash in held]
        if not rows:
            raise
        raise ImportRefused(
            ngettext(
                "Row %(rows)s: a file with this ID number was registered while the import ran. "
                "Nothing was imported; upload the file again to check it.",
                "Rows %(rows)s: files with these ID numbers were registered while the import "
                "ran. Nothing was imported; upload the file again to check it.",
                len(rows),
            )
            % {"rows": ", ".join(map(str, rows))},
            ID_NUMBER_TAKEN,
        ) from None


def allocate_ids(count: int) -> list[int]:
    """Ids for the new files, drawn before writing: name keys and history rows need them, and
    neither COPY nor executemany return them. PostgreSQL: from the table's sequence. SQLite:
    after the highest id ever used (AUTOINCREMENT never reuses one), which no other writer
    can take meanwhile: the transaction holds SQLite's write lock (BEGIN IMMEDIATE). Were one
    taken anyway, the primary key refuses the row and the whole import rolls back."""
    db_table = Person._meta.db_table
    with connection.cursor() as cursor:
        if postgres():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table(Person)}), 0))",
            [db_table],
        )
        last = int(cursor.fetchone()[0])
    return list(range(last + 1, last + 1 + count))


def insert_name_keys(new: list[NewFile], ids: list[int], area_code: str, writer: Writer) -> None:
    """The new files' name keys, each with the community code (the job's community)."""
    fields = ("key", "person", "area_code")
    if writer.postgres:
        # Six or so keys per file: COPY text lines built per name beat write_row per key.
        def chunks() -> Iterator[str]:
            lines: list[str] = []
            for file, pk in zip(new, ids, strict=True):
                tail = f"\t{pk}\t{area_code}\n"
                lines.extend(copy_text(key) + tail for key in file.keys)
                if len(lines) >= BATCH:
                    yield "".join(lines)
                    lines = []
            if lines:
                yield "".join(lines)

        writer.copy_text(NameKey, fields, chunks())
        return
    rows = ((key, pk, area_code) for file, pk in zip(new, ids, strict=True) for key in file.keys)
    writer.write(NameKey, fields, rows)


def add_range(ranges: list[list[int]], ids: list[int]) -> None:
    """Add a chunk's ids (consecutive, drawn together) to `ranges`, merging adjacent ones."""
    if ranges and ranges[-1][1] + 1 == ids[0]:
        ranges[-1][1] = ids[-1]
    else:
        ranges.append([ids[0], ids[-1]])


def copy_text(value: str) -> str:
    """A value in COPY's text format (backslash escapes)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def update_persons(changes: list[tuple[int, dict[str, Any]]], now: dt.datetime) -> None:
    """Each file's changed columns (plan.update_changes), grouped by which columns change: one
    executemany per group. A renamed file's name keys are written again."""
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    written = stamp(now)
    renamed: list[tuple[int, str]] = []
    for pk, changed in changes:
        columns = tuple(sorted(changed))
        groups.setdefault(columns, []).append([*(adapt(changed[c]) for c in columns), written, pk])
        if "name" in changed:
            renamed.append((pk, changed["name"]))
    for columns, rows in groups.items():
        sets = ", ".join(f"{column(Person, c)} = %s" for c in columns)
        sql = (
            f"UPDATE {table(Person)} SET {sets}, version = version + 1, updated_at = %s "  # noqa: S608
            f"WHERE id = %s"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    if renamed:
        pks = [pk for pk, _name in renamed]
        NameKey.objects.filter(person_id__in=pks).delete()
        # The community does not change here (an import updates files of its own community).
        areas = dict(Person.objects.filter(pk__in=pks).values_list("pk", "area_code"))
        NameKey.objects.bulk_create(
            NameKey(person_id=pk, key=key, area_code=areas[pk])
            for pk, name in renamed
            for key in sorted(name_keys(name))
        )


def insert_changes(
    entries: list[tuple[int, str]], user: User | None, now: dt.datetime, writer: Writer
) -> None:
    """One history row per created or updated file: (file id, JSON list of the fields named,
    never their values)."""
    if not entries:
        return
    written = stamp(now)
    user_id = user.pk if user is not None else None
    note = str(_("Excel import"))
    rows = ((pk, written, user_id, ACTION, fields, note) for pk, fields in entries)
    writer.write(PersonChange, ("person", "at", "user", "action", "fields", "note"), rows)
