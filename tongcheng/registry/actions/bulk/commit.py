"""The commit of an import: every row checked again and written in ONE transaction.

Chunk by chunk as the rows are checked (here and in helper processes), the new files are
written while the next chunks are still being checked and encrypted; then the look-alike
pairs, the updates and their history, the dashboard summary, the scope re-check and one audit
event with the counts. Any error raises, and the transaction leaves 0 rows behind.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import Actor, audit_record
from tongcheng.lib.gcpause import gc_paused
from tongcheng.org.access import may_write
from tongcheng.org.models import User
from tongcheng.registry.actions.bulk.lookalikes import queue_look_alikes
from tongcheng.registry.actions.bulk.write import (
    ACTION,
    Writer,
    add_range,
    allocate_ids,
    insert_changes,
    insert_name_keys,
    insert_persons_once,
    row_spec,
    sqlite_page_cache,
    update_persons,
)
from tongcheng.registry.actions.summary import summary_add_counts, summary_refresh_communities
from tongcheng.registry.actions.uploads import upload_erase
from tongcheng.registry.dimensions import count_files
from tongcheng.registry.errors import ImportInvalid, ImportRefused
from tongcheng.registry.ledger.plan import Plan, Sorter, outcomes, update_changes
from tongcheng.registry.ledger.rows import Chunk, Outcome, Progress, RowSpec
from tongcheng.registry.models import HouseholdMember, ImportJob, Person
from tongcheng.registry.policy import RECORD_WRITERS

if TYPE_CHECKING:
    from tongcheng.org.models import Area
    from tongcheng.registry.ledger.read import Ledger

# Who the audit event names when an operator imports without an account (import_ledger).
OPERATOR = "import_ledger"
# The refusal's code when the job is taken: committed, or being committed, by someone else.
CLAIMED = "claimed"


@dataclass
class Result:
    created: int
    updated: int
    skipped_elsewhere: int
    unchanged: int

    def detail(self, rows: int) -> dict[str, Any]:
        """The audit event's detail and the job's result: counts only."""
        return {
            "rows": rows,
            "created": self.created,
            "updated": self.updated,
            "skipped_elsewhere": self.skipped_elsewhere,
            "unchanged": self.unchanged,
        }


def _claim(job: ImportJob) -> None:
    """Lock the job's row for this transaction and make sure it still waits for its commit:
    of two commits of one job (two workers, two clicks) the second waits here, then finds it
    done and writes nothing."""
    waiting = (
        ImportJob.objects.select_for_update()
        .filter(pk=job.pk, state=ImportJob.State.IMPORTING)
        .values_list("pk", flat=True)
    )
    if not list(waiting):
        raise ImportRefused(
            _("This import was already committed or has ended; nothing was imported again."),
            CLAIMED,
        )


def commit_import(
    ledger: Ledger,
    community: Area,
    *,
    actor: User | None,
    job: ImportJob | None = None,
    progress: Progress | None = None,
    check_scope: bool = True,
) -> Result:
    """Validate again and write everything in one transaction; raise and write nothing on error.

    The ledger's rows are used up: their cells are freed as they are written.

    `actor` is who imports (history rows, created_by, scope re-check, the audit event); None
    only for an operator's command-line import without --user. `job`, when given, is marked
    done with the counts in the same transaction.
    """
    with transaction.atomic():
        if job is not None:
            _claim(job)
        now = timezone.now()
        plan = Plan(rows_total=len(ledger.rows))
        new = _NewFiles(row_spec(community, actor, now), actor, now)
        _write_new_files(ledger, community, plan, new, progress)
        if plan.error_count:
            raise ImportInvalid(plan.error_count)
        queue_look_alikes(new.ranges, community, now)
        if plan.update:
            update_persons(update_changes(plan), now)
        insert_changes(plan.update_history(), actor, now, new.writer)
        # Dashboard summary: created and updated files are all in `community`. New files only:
        # counted from the rows as written; changed files: the community is counted again.
        if plan.update:
            summary_refresh_communities([community.code])
        elif new.counts:
            summary_add_counts(community.code, new.counts)
        if check_scope:
            recheck_scope(actor, community, new.created)
        result = Result(new.created, len(plan.update), len(plan.elsewhere), len(plan.unchanged))
        _record(result, plan, community, actor=actor, job=job)
    return result


@dataclass
class _NewFiles:
    """The new files written so far: their summary counts, how many, their id ranges."""

    spec: RowSpec
    actor: User | None
    now: dt.datetime
    writer: Writer = field(default_factory=Writer)
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    created: int = 0
    ranges: list[list[int]] = field(default_factory=list)  # the ids, as [first, last]

    def count(self, chunk: Chunk, create: list[Outcome]) -> None:
        """The chunk's summary counts (of every valid row), less the rows that create none."""
        if not chunk.counts:
            return
        self.counts.update(chunk.counts)
        if len(create) < len(chunk.outcomes):
            created_here = {id(o) for o in create}
            self.counts.subtract(
                count_files(
                    o.new.counted
                    for o in chunk.outcomes
                    if o.new is not None and id(o) not in created_here
                )
            )

    def write(self, create: list[Outcome]) -> None:
        """Persons, their name keys and history rows; ids drawn for the chunk at once."""
        ids = allocate_ids(len(create))
        new = [o.new for o in create if o.new is not None]
        insert_persons_once(create, ids, self.spec, self.writer)
        insert_name_keys(new, ids, str(self.spec.fixed["area_code"]), self.writer)
        add_range(self.ranges, ids)
        history = [(pk, file.filled) for file, pk in zip(new, ids, strict=True)]
        insert_changes(history, self.actor, self.now, self.writer)
        self.created += len(ids)
        # Household members read from a row's household cell (ledger.household).
        members = [
            HouseholdMember(person_id=pk, name=m.name, relation=m.relation, birth_date=m.birth_date)
            for outcome, pk in zip(create, ids, strict=True)
            for m in outcome.household
        ]
        if members:
            HouseholdMember.objects.bulk_create(members)


def _write_new_files(
    ledger: Ledger, community: Area, plan: Plan, new: _NewFiles, progress: Progress | None
) -> None:
    """Check the rows chunk by chunk and write each chunk's new files as it comes; stop
    checking at the first error (nothing will be kept)."""
    sorter = Sorter(ledger, community, plan, look_alikes=False)
    with (
        gc_paused(),
        sqlite_page_cache(),
        outcomes(ledger, None, None, spec=new.spec, progress=progress, consume=True) as chunks,
    ):
        for chunk in chunks:
            create = sorter.sort(chunk.outcomes)
            if plan.error_count:
                break
            new.count(chunk, create)
            if create:
                new.write(create)


def recheck_scope(user: User | None, community: Area, created: int) -> None:
    """After writing: the importer may still write in the community (a membership can be
    revoked during a long background import), and every new row landed there."""
    if user is not None:
        fresh = User.objects.get(pk=user.pk)
        if not may_write(fresh, community.code, RECORD_WRITERS):
            raise ImportRefused(_("You may no longer write in this community."), "scope")
    if created and not Person.objects.filter(area_code=community.code).count() >= created:
        raise RuntimeError("imported rows are not in the community")


def _record(
    result: Result, plan: Plan, community: Area, *, actor: User | None, job: ImportJob | None
) -> None:
    """The import's audit event, and the job marked done (its upload dropped)."""
    detail = result.detail(plan.rows_total)
    audit_record(
        actor=actor if actor is not None else Actor.system(OPERATOR),
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
        )
        job.state = ImportJob.State.DONE
        upload_erase(actor=actor if actor is not None else Actor.system(OPERATOR), job=job)
