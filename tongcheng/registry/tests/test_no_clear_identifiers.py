"""No clear ID number or phone anywhere in the database, after the demo data and imports.

The demo accounts and ledger (`seed_demo`, `seed_ledger`), then ledgers uploaded and taken
through the real worker to every end: imported, checked and found to have errors, failed at
commit, left pending (the upload is still kept) and left until it expired (`purge_imports`).
Every ID number and phone of the files (decrypted) and of the uploads is then searched for:

- on SQLite, in the bytes of the database file and its write-ahead log (after a checkpoint),
  which also holds what free pages still keep of deleted rows;
- on both engines, in every text, binary and JSON column of every table, with any stored zip
  (a workbook) opened and its parts searched too.

The workbooks are written with their parts stored, not deflated, so that a clear upload shows
its numbers in the file's bytes as well. 0 hits.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tongcheng.conftest import Cast
from tongcheng.lib.idnumber import make_id_number
from tongcheng.org.models import Membership
from tongcheng.registry.actions import imports
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import ImportJob, Person
from tongcheng.registry.tests.test_import import COMMUNITY_A, HEADERS, ledger_bytes
from tongcheng.registry.tests.test_import_views import run_worker

# Column types whose values are searched (lower-cased type names of either engine).
SEARCHED_TYPES = ("char", "text", "json", "blob", "bytea", "binary", "clob")
# An ID number (17 digits and a check character) or a mobile phone: what a leak looks like.
DIGIT_RUN = re.compile(rb"[0-9][0-9Xx]{10,}")
# Files of the demo ledger: enough for every kind of file it makes (visits, moves, look-alikes).
DEMO_FILES = 600
REGULAR = re.compile(rb"^(?:[0-9]{11}|[0-9]{17}[0-9X])$")


def random_rows(rng: random.Random, count: int) -> list[list[Any]]:
    """Rows with their own ID numbers and phones, unlike any other test's."""
    rows = []
    for n in range(count):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
        sex = rng.choice(["male", "female"])
        number = make_id_number("622924", born, rng.randrange(500), sex)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        rows.append(
            [n + 1, f"马{'晓梅建国'[n % 4]}{'一二三四五'[n % 5]}", "回族", "", number, phone,
             "甘肃省临夏州广河县", f"东街{n}号", "拉面馆", "2014.3.5"]
        )  # fmt: skip
    return rows


def stored_workbook(rows: list[list[Any]]) -> bytes:
    """The ledger as a workbook whose parts are stored, not deflated (a valid .xlsx)."""
    source = zipfile.ZipFile(io.BytesIO(ledger_bytes(rows, headers=HEADERS)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    return out.getvalue()


def identifiers_of(rows: list[list[Any]]) -> set[str]:
    return {str(row[4]) for row in rows if row[4]} | {str(row[5]) for row in rows if row[5]}


def upload(cast: Cast, data: bytes, user: str = "community_a") -> ImportJob:
    client = cast.client(user)
    response = client.post(
        "/registry/import/",
        {"community": COMMUNITY_A, "file": SimpleUploadedFile("台账.xlsx", data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def import_every_way(cast: Cast, rng: random.Random) -> set[str]:
    """Uploads taken to each end through the real worker; their identifiers."""
    values: set[str] = set()

    def ledger(count: int) -> bytes:
        rows = random_rows(rng, count)
        values.update(identifiers_of(rows))
        return stored_workbook(rows)

    imported = upload(cast, ledger(6))  # checked, then committed, in the background
    run_worker()
    cast.client("community_a").post(f"/registry/import/{imported.pk}/commit/")
    run_worker()
    bad = random_rows(rng, 4)
    for row in bad:
        row[2] = "火星族"  # no valid row
    values.update(identifiers_of(bad))
    invalid = upload(cast, stored_workbook(bad))
    failed = upload(cast, ledger(5))  # asked for by the street, who then loses the role
    run_worker()
    cast.client("street").post(f"/registry/import/{failed.pk}/commit/")
    Membership.objects.filter(user=cast.street).delete()
    left = upload(cast, ledger(4))  # never committed: expires
    run_worker()
    ImportJob.objects.filter(pk=left.pk).update(touched_at=timezone.now() - dt.timedelta(hours=25))
    call_command("purge_imports", stdout=io.StringIO())
    pending = upload(cast, ledger(3))  # still waiting: its upload is kept, encrypted
    run_worker()
    states = {job.pk: job.state for job in ImportJob.objects.all()}
    assert states == {
        imported.pk: "done",
        invalid.pk: "invalid",
        failed.pk: "failed",
        left.pk: "expired",
        pending.pk: "ready",
    }
    return values


def file_values() -> set[str]:
    """Every ID number and phone of every file, decrypted."""
    values = set()
    for person in Person.objects.all():
        values.update(v for v in (decrypt(person, "id_number"), decrypt(person, "phone")) if v)
    return values


def hits_in(blob: bytes, needles: set[bytes]) -> set[bytes]:
    """The needles found in `blob` (every 11- and 18-character window of its digit runs; a
    value of another shape, such as a landline with its dash, by a plain search)."""
    found = {needle for needle in needles if not REGULAR.match(needle) and needle in blob}
    for run in DIGIT_RUN.findall(blob):
        for width in (11, 18):
            found.update(
                run[i : i + width] for i in range(len(run) - width + 1)
            )  # fmt: skip
    return found & needles


def opened(blob: bytes) -> Iterator[bytes]:
    """The blob, and the parts of a zip stored in it."""
    yield blob
    if blob.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            for info in archive.infolist():
                yield archive.read(info)


def column_hits(needles: set[bytes]) -> dict[str, int]:
    """Hits per table.column, over every searched column of every table."""
    found: dict[str, int] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                kind = str(column.type_code if connection.vendor == "sqlite" else "")
                if connection.vendor == "postgresql":
                    cursor.execute(
                        "SELECT data_type FROM information_schema.columns "
                        "WHERE table_name = %s AND column_name = %s",
                        [table, column.name],
                    )
                    kind = cursor.fetchone()[0]
                if not any(word in kind.lower() for word in SEARCHED_TYPES):
                    continue
                cursor.execute(f"SELECT {quote(column.name)} FROM {quote(table)}")  # noqa: S608
                count = 0
                for (value,) in cursor.fetchall():
                    if value is None:
                        continue
                    blob = bytes(value) if isinstance(value, (bytes, memoryview)) else (
                        str(value).encode()
                    )  # fmt: skip
                    count += sum(len(hits_in(part, needles)) for part in opened(blob))
                if count:
                    found[f"{table}.{column.name}"] = count
    return found


def sqlite_file_hits(needles: set[bytes]) -> set[bytes]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(connection.settings_dict["NAME"])
    found = hits_in(path.read_bytes(), needles)
    wal = Path(f"{path}-wal")
    if wal.exists():
        found |= hits_in(wal.read_bytes(), needles)
    return found


def test_it_keeps_no_clear_id_number_or_phone_in_the_database(
    committed_cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True  # the demo commands are for development only
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    call_command("seed_ledger", "--count", str(DEMO_FILES), verbosity=0, stdout=io.StringIO())
    monkeypatch.setattr(imports, "SYNC_ROWS", 2)  # through the worker, as large ledgers go
    uploaded = import_every_way(committed_cast, random.Random())
    values = file_values() | uploaded
    assert len(values) > DEMO_FILES and uploaded & file_values()  # the imported rows are files now
    needles = {value.encode() for value in values}
    assert column_hits(needles) == {}
    if connection.vendor == "sqlite":
        assert sqlite_file_hits(needles) == set()
