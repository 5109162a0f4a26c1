"""The plan (dry run) of an import: every row checked and sorted, nothing written.

Valid rows are sorted into create / update / elsewhere / unchanged (the package docstring says
how); issues keep their Excel row and column. The commit sorts its rows with the same Sorter.

The same ID number twice in a file: when every field of the later row is the same (the same
person entered twice) it is skipped with a note; when anything differs it is an error that names
both rows. Rows without an ID number are never skipped as identical: two people may share a
name and little else is written; they are marked as possible duplicates instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import operator
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.gcpause import gc_paused
from tongcheng.registry.columns import person_changes
from tongcheng.registry.history import public_fields
from tongcheng.registry.identifiers import ENCRYPTED_FIELDS
from tongcheng.registry.ledger.helpers import iter_outcomes
from tongcheng.registry.ledger.read import Ledger
from tongcheng.registry.ledger.rows import Chunk, Outcome, Progress, RowSpec
from tongcheng.registry.ledger.sql import column, postgres, table
from tongcheng.registry.models import Person
from tongcheng.registry.rules import crowded, look_alike_keys
from tongcheng.registry.validation import PersonInput, ReferenceCache

if TYPE_CHECKING:
    from tongcheng.org.models import Area

# ID-number hashes looked up per statement.
LOOKUP_CHUNK = 2000
# The report keeps this many errors and warnings (the counts are always exact).
MAX_ISSUES = 1000
# Every field of a row, for telling the same person entered twice from a conflict.
_ALL_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(PersonInput)))


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
    # Every row with an error (the rows "import the valid rows only" leaves out).
    error_rows: set[int] = field(default_factory=set)
    # (row, reason code, message) of rows below the header that hold no person to import.
    skipped: list[tuple[int, str, str]] = field(default_factory=list)
    household_members: int = 0  # members read from household cells, of the rows to create
    # Keyed hashes of the ID numbers looked up city-wide (the dry run's audit event).
    looked_up: list[str] = field(default_factory=list)

    def add(self, kind: str, issue: Issue) -> None:
        if kind == "error":
            self.error_rows.add(issue.row)
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
            "sheet": ledger.sheet_name if ledger else "",
            "sheets": ledger.sheets if ledger else [],
            "error_rows": sorted(self.error_rows),
            "valid": self.valid_count(),
            "skipped": len(self.skipped),
            "skipped_rows": [
                {"row": row, "reason": reason, "message": message}
                for row, reason, message in self.skipped[:MAX_ISSUES]
            ],
            "household_members": self.household_members,
        }

    def valid_count(self) -> int:
        """Rows that pass every check and would create or update a file."""
        return len(self.create) + len(self.update)

    def update_history(self) -> list[tuple[int, str]]:
        """(file id, JSON list of the fields changed) of each update, for its history row."""
        return [(pk, json.dumps(self.update_fields[number])) for number, pk, _d in self.update]


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
    plan.skipped.extend((row, reason, skip_message(reason)) for row, reason in ledger.skipped)
    sorter = Sorter(ledger, community, plan)
    with gc_paused(), outcomes(ledger, refs, today, spec=None, progress=progress) as chunks:
        for chunk in chunks:
            for outcome in sorter.sort(chunk.outcomes):
                if outcome.data:
                    plan.create.append((outcome.number, outcome.data))
                    plan.household_members += len(outcome.household)
    sorter.finish()
    plan.skipped.sort()
    return plan


def skip_message(reason: str, first: int = 0) -> str:
    """Why a row is not imported, in words (`reason`: read.skip_reason's codes, identical)."""
    if reason == "footer":
        return _("A footer (total, filled in by, checked by, phone): not a person.")
    if reason == "blank":
        return _("Only spaces: not a person.")
    if reason == "header":
        return _("The header repeated: not a person.")
    if reason == "identical":
        return _("The same person as row %(row)d, entered twice: skipped.") % {"row": first}
    return _("No name or other details of a person: not a person.")


@contextlib.contextmanager
def outcomes(
    ledger: Ledger,
    refs: ReferenceCache | None,
    today: dt.date | None,
    *,
    spec: RowSpec | None,
    progress: Progress | None,
    consume: bool = False,
) -> Iterator[Generator[Chunk]]:
    """The rows' outcomes, chunk by chunk in row order (helpers: on every core)."""
    chunks = iter_outcomes(
        ledger.person_keys(),
        ledger.rows,
        refs=refs or ReferenceCache.load(),
        today=today or timezone.localdate(),
        spec=spec,
        progress=progress,
        consume=consume,
    )
    with contextlib.closing(chunks):
        yield chunks


def files_with_hashes(hashes: list[str]) -> dict[str, tuple[int, str]]:
    """ID-number hash → (file id, area code) of the files that have one of these hashes.

    One array (PostgreSQL) or JSON (SQLite) parameter per LOOKUP_CHUNK hashes: an `__in` of
    500 placeholders costs more to build and bind than the index probes it asks for (84 ms
    against 19 ms per 2,000 hashes on PostgreSQL, measured)."""
    if not hashes:
        return {}
    hashed = column(Person, "id_number_hash")
    if postgres():
        condition = f"{hashed} = ANY(%s)"
    else:
        condition = f"{hashed} IN (SELECT value FROM json_each(%s))"  # noqa: S608
    sql = f"SELECT id, {hashed}, area_code FROM {table(Person)} WHERE {condition}"  # noqa: S608
    found: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        if postgres():
            # The table grows by the import inside this transaction, unseen by the planner's
            # statistics: it scanned the whole table for every chunk (25-50 ms each, measured)
            # instead of probing the hash index.
            cursor.execute("SET LOCAL enable_seqscan = off")
        for start in range(0, len(hashes), LOOKUP_CHUNK):
            chunk = hashes[start : start + LOOKUP_CHUNK]
            cursor.execute(sql, [chunk if postgres() else json.dumps(chunk)])
            for pk, value, area_code in cursor.fetchall():
                found[value] = (pk, area_code)
        if postgres():
            cursor.execute("SET LOCAL enable_seqscan = on")
    return found


class LookAlikes:
    """The preview's possible duplicates (the commit queues look-alikes in SQL: lookalikes.py).

    A row to create is marked when it shares a look-alike value (rules.look_alike_keys) with a
    file of the community or an earlier row, unless the value is crowded (rules.crowded) among
    those. The values are kept as Python hashes (a few MB at 100k rows; a collision would only
    mark one row too many); the community's files are read once (three columns each).
    """

    def __init__(self, community: Area) -> None:
        # value → how many files of the community have it; how many files and rows have it
        self.existing: Counter[int] = Counter()
        self.counts: Counter[int] = Counter()
        self.rows: list[tuple[int, tuple[int, ...]]] = []  # (row, its values) to create
        files = Person.objects.filter(subtree_q([community.code]))
        for name, birth, phone in files.values_list("name", "birth_date", "phone_hash"):
            for key in look_alike_keys(name=name, birth_date=birth, phone_hash=phone):
                self.existing[hash(key)] += 1
        self.counts.update(self.existing)

    def add(self, outcome: Outcome) -> None:
        data = outcome.data
        if data is None:
            return
        keys = look_alike_keys(
            name=data.name, birth_date=data.birth_date, phone_hash=outcome.phone_hash
        )
        values = tuple(hash(key) for key in keys)
        self.counts.update(values)
        self.rows.append((outcome.number, values))

    def marked(self) -> list[int]:
        """The rows whose value another file or an earlier row has, and not too many have."""
        seen: Counter[int] = Counter()
        marked: list[int] = []
        for number, values in self.rows:
            if any(
                not crowded(self.counts[value]) and (self.existing[value] > 0 or seen[value] > 0)
                for value in values
            ):
                marked.append(number)
            seen.update(values)
        return marked


class Sorter:
    """Sorts outcomes into the plan, one chunk at a time in row order: issues, the same ID
    number twice in the file, then create / update / elsewhere / unchanged (one lookup of
    ID-number hashes per LOOKUP_CHUNK rows)."""

    def __init__(
        self, ledger: Ledger, community: Area, plan: Plan, *, look_alikes: bool = True
    ) -> None:
        self.ledger = ledger
        self.community = community
        self.plan = plan
        # ID-number hash → first row with it, and that row's fields (a hash of them)
        self.seen: dict[str, tuple[int, int]] = {}
        self.look_alikes = LookAlikes(community) if look_alikes else None

    def finish(self) -> None:
        """Mark the possible duplicates (the preview only)."""
        if self.look_alikes is not None:
            self.plan.possible_duplicates.extend(self.look_alikes.marked())

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
            if hashed:
                fields = hash(_ALL_FIELDS(outcome.data))
                first = self.seen.get(hashed)
                if first is not None:
                    self._twice(outcome, first, fields)
                    continue
                self.seen[hashed] = (number, fields)
            valid.append(outcome)
        return self._sort_valid(valid)

    def _twice(self, outcome: Outcome, first: tuple[int, int], fields: int) -> None:
        """A row with the ID number of an earlier one: skipped when it is the same in every
        field, else an error naming both rows."""
        row, first_fields = first
        if fields == first_fields:
            message = skip_message("identical", row)
            self.plan.skipped.append((outcome.number, "identical", message))
            return
        message = _(
            "The same ID number as row %(first)d of this file, but other details differ: "
            "check rows %(first)d and %(row)d and keep the right one."
        ) % {"first": row, "row": outcome.number}
        label = self.ledger.column_label("id_number")
        self.plan.add("error", Issue(outcome.number, label, message, "duplicate_in_file"))

    def _sort_valid(self, valid: list[Outcome]) -> list[Outcome]:
        plan = self.plan
        hashes = [o.id_hash for o in valid if o.id_hash]
        plan.looked_up.extend(hashes)
        existing = files_with_hashes(hashes)
        create: list[Outcome] = []
        here: list[tuple[int, int, PersonInput]] = []
        for outcome in valid:
            found = existing.get(outcome.id_hash) if outcome.id_hash else None
            if found is None:
                create.append(outcome)
                if self.look_alikes is not None:
                    self.look_alikes.add(outcome)
            elif found[1] == self.community.code and outcome.data is not None:
                here.append((outcome.number, found[0], outcome.data))
            else:
                plan.elsewhere.append(outcome.number)
        if here:
            persons = Person.objects.in_bulk([pk for _n, pk, _d in here])
            for number, pk, data in here:
                changes = import_changes(persons[pk], data)
                if changes:
                    plan.update.append((number, pk, data))
                    plan.update_fields[number] = public_fields(changes)
                else:
                    plan.unchanged.append(number)
        return create


def import_changes(person: Person, data: PersonInput) -> dict[str, Any]:
    """person_changes, but an empty cell never erases a value the file already holds."""
    changes = person_changes(person, data)
    kept: dict[str, Any] = {}
    for name, value in changes.items():
        base = name.removesuffix("_enc").removesuffix("_hash").removesuffix("_last4")
        if base in ENCRYPTED_FIELDS:
            if getattr(data, base):
                kept[name] = value
        elif value not in ("", None):
            kept[name] = value
    if "origin_region_id" not in kept:
        kept.pop("origin_province", None)
    return kept


def update_changes(plan: Plan) -> list[tuple[int, dict[str, Any]]]:
    """(file id, the columns it changes) of each planned update, from the files as they are
    now (inside the commit's transaction)."""
    persons = Person.objects.in_bulk([pk for _n, pk, _d in plan.update])
    return [(pk, import_changes(persons[pk], data)) for _number, pk, data in plan.update]
