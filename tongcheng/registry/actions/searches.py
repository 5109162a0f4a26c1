"""Exact-number look-ups: a search of the ledger with its one audit event, and the ID numbers
an import's dry run looks up; both counted per user per day (registry.allowance).

A search box that answers a full ID number, a full phone or a last 4 says yes or no to a guess
of a masked number, so those searches are limited per user per day (registry.allowance,
LOOKUPS) and audited with the keyed hash of what was typed: an auditor finds who looked up a
given number. Every search request writes exactly one event:

| query                                   | event           | detail                              |
|-----------------------------------------|-----------------|-------------------------------------|
| with an exact-number term               | `person.lookup` | kinds, keyed hashes, look-ups, ids  |
| names, pinyin, initials only            | `person.search` | kind, count, ids                    |

Changing a file's ID number looks the new number up city-wide too (number_change_check): one
look-up, with its own `person.lookup` event (kind `edit`), kept even when the change is refused.

Saving a new file is a look-up too (registration_check): before a file is saved, its typed ID
number is looked up city-wide (one file per number: is there a file, here or elsewhere?) and
its phone with its name and birth date among the look-alikes. Each typed number costs one of
the same allowance and the check writes one `person.lookup` event (kind `registration`) with
their keyed hashes and what it found; a check with no number typed looks up nothing exact and
writes `person.list` only when it shows look-alikes.

A look-up that finds nothing is counted and audited like one that finds a file. One refused for
the limit runs no search; its denied event (with the hashes) stays, and LookupLimitReached is
raised after it.

An import's dry run looks up every ID number of the file city-wide (is there a file with it, in
this community or elsewhere?). Its own budget (IMPORT_LOOKUPS, 10,000 a day) fits a community's
first ledger. Its look-ups are reserved before the check starts (in the request for a small
file, in the worker for a large one: a file needing more than is left is refused), and the dry
run writes one `ledger.lookup` event with the count and the keyed hashes when it is done. A dry
run not done yet holds its job's row count until its event is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import audit_record
from tongcheng.registry import allowance
from tongcheng.registry.errors import (
    ChangeLookupLimitReached,
    ImportLookupLimitReached,
    LookupLimitReached,
    RegistrationLookupLimitReached,
)
from tongcheng.registry.identifiers import id_number_hash, phone_hash
from tongcheng.registry.models import ImportJob
from tongcheng.registry.search import Lookup, SearchResult, identifier_lookups, search_persons
from tongcheng.registry.selectors import id_number_holder, look_alikes_before_create

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from tongcheng.org.models import User
    from tongcheng.registry.ledger.read import Ledger
    from tongcheng.registry.models import Person
    from tongcheng.registry.validation import PersonInput


def _lookup_detail(lookups: list[Lookup]) -> dict[str, Any]:
    return {
        "lookups": len(lookups),
        "kinds": [lookup.kind for lookup in lookups],
        "hashes": [lookup.hashed for lookup in lookups],
    }


def _spend_lookups(
    *,
    actor: User,
    lookups: list[Lookup],
    error: type[LookupLimitReached],
    detail: dict[str, Any] | None = None,
) -> LookupLimitReached | None:
    """Take the look-ups from today's allowance, or write the denied event (with the hashes)
    and return the refusal, for the caller to raise once its transaction is left (so that the
    event is kept). Call it inside the transaction that then writes the counted event."""
    try:
        allowance.spend(actor=actor, budget=allowance.LOOKUPS, count=len(lookups), error=error)
    except LookupLimitReached as exc:
        audit_record(
            actor=actor,
            action="person.lookup",
            object_type="person",
            outcome=AuditEvent.Outcome.DENIED,
            reason="daily look-up limit reached",
            detail={**_lookup_detail(lookups), **(detail or {})},
        )
        return exc
    return None


def person_search(
    *,
    actor: User,
    q: str,
    page: int = 1,
    per_page: int = 20,
    base: QuerySet[Person] | None = None,
) -> SearchResult:
    """search_persons with its audit event, and the allowance for exact-number terms.

    One transaction: the allowance is counted, the search run and its event written while the
    actor's row is locked (a `with` block, as in person_create: the denied event of a refused
    look-up is kept and LookupLimitReached raised after the block).
    """
    lookups = identifier_lookups(q)
    refused: LookupLimitReached | None = None
    with transaction.atomic():
        if lookups:
            refused = _spend_lookups(actor=actor, lookups=lookups, error=LookupLimitReached)
        if refused is None:
            result = search_persons(actor, q, page=page, per_page=per_page, base=base)
            ids = [person.pk for person in result.items]
            audit_record(
                actor=actor,
                action="person.lookup" if lookups else "person.search",
                object_type="person",
                # One file found: the event is also in that file's own trail (audit screen).
                object_id=ids[0] if len(ids) == 1 else "",
                detail={
                    **(_lookup_detail(lookups) if lookups else {}),
                    "kind": result.kind,
                    "count": len(ids),
                    "ids": ids,
                },
            )
    if refused is not None:
        raise refused
    return result


@dataclass(frozen=True)
class RegistrationCheck:
    """What a new file's check found: the file in the actor's scope that holds the typed ID
    number, or that one outside it does (not named), or files it looks like (in scope)."""

    existing: Person | None = None
    elsewhere: bool = False
    look_alikes: list[Person] = field(default_factory=list)

    @property
    def clear(self) -> bool:
        """Nothing found: the file may be saved."""
        return self.existing is None and not self.elsewhere and not self.look_alikes


def registration_lookups(data: PersonInput) -> list[Lookup]:
    """The exact numbers a new file's check looks up: its ID number and its phone, one each."""
    lookups: list[Lookup] = []
    if data.id_number:
        lookups.append(Lookup(kind="id_full", hashed=id_number_hash(data.id_number)))
    if data.phone:
        lookups.append(Lookup(kind="phone_full", hashed=phone_hash(data.phone)))
    return lookups


def registration_check(
    *, actor: User, data: PersonInput, look_alikes: bool = True
) -> RegistrationCheck:
    """Look for the file that a new one would duplicate, counted and audited as a look-up.

    The web form asks for look-alikes too (shown before saving, unless the officer confirmed
    that this is someone else: look_alikes=False); the API only for the ID number (its 409).
    One transaction, as person_search: RegistrationLookupLimitReached after its denied event.
    """
    lookups = registration_lookups(data)
    refused: LookupLimitReached | None = None
    with transaction.atomic():
        if lookups:
            refused = _spend_lookups(
                actor=actor,
                lookups=lookups,
                error=RegistrationLookupLimitReached,
                detail={"kind": "registration"},
            )
        if refused is None:
            check = _registration_found(actor=actor, data=data, look_alikes=look_alikes)
            shown = [check.existing] if check.existing else check.look_alikes
            ids = [person.pk for person in shown]
            if lookups:
                audit_record(
                    actor=actor,
                    action="person.lookup",
                    object_type="person",
                    object_id=ids[0] if len(ids) == 1 else "",
                    detail={
                        **_lookup_detail(lookups),
                        "kind": "registration",
                        "count": len(ids),
                        "ids": ids,
                        "elsewhere": check.elsewhere,
                    },
                )
            elif ids:
                audit_record(
                    actor=actor, action="person.list", object_type="person", detail={"ids": ids}
                )
    if refused is not None:
        raise refused
    return check


def number_change_check(*, actor: User, person: Person, id_number: str) -> None:
    """Count and audit the look-up of a file's new ID number (is it held by another file, in
    the actor's scope or elsewhere?) before the change is tried.

    A transaction of its own, run before the change's: the change may then be refused (the
    number is held) and rolled back, and the look-up's count and event stay. At the limit,
    ChangeLookupLimitReached after its denied event; the change is not tried.
    """
    lookups = [Lookup(kind="id_full", hashed=id_number_hash(id_number))]
    with transaction.atomic():
        refused = _spend_lookups(
            actor=actor,
            lookups=lookups,
            error=ChangeLookupLimitReached,
            detail={"kind": "edit", "file": person.pk},
        )
        if refused is None:
            visible, held = id_number_holder(actor, id_number, exclude_pk=person.pk)
            ids = [visible.pk] if visible is not None else []
            audit_record(
                actor=actor,
                action="person.lookup",
                object_type="person",
                object_id=ids[0] if ids else "",
                detail={
                    **_lookup_detail(lookups),
                    "kind": "edit",
                    "file": person.pk,
                    "count": len(ids),
                    "ids": ids,
                    "elsewhere": held and not ids,
                },
            )
    if refused is not None:
        raise refused


def _registration_found(*, actor: User, data: PersonInput, look_alikes: bool) -> RegistrationCheck:
    existing, held = id_number_holder(actor, data.id_number)
    if held:
        return RegistrationCheck(existing=existing, elsewhere=existing is None)
    if not look_alikes:
        return RegistrationCheck()
    return RegistrationCheck(
        look_alikes=look_alikes_before_create(
            actor, name=data.name, birth_date=data.birth_date, phone=data.phone
        )
    )


def ledger_lookups_needed(ledger: Ledger) -> int:
    """How many ID numbers the dry run of this ledger will look up: its filled ID cells."""
    index = ledger.columns.get("id_number")
    if index is None:
        return 0
    return sum(
        1
        for _number, cells in ledger.rows
        if index < len(cells) and cells[index] is not None and str(cells[index]).strip()
    )


@transaction.atomic
def ledger_lookups_reserve(*, actor: User, job: ImportJob, ledger: Ledger) -> int:
    """Reserve the look-ups of the job's dry run, or ImportLookupLimitReached (nothing runs).

    Dry runs of the actor's that are still running today hold their row counts (their events
    are not written yet)."""
    running = (
        ImportJob.objects.filter(
            created_by=actor,
            state=ImportJob.State.VALIDATING,
            created_at__gte=allowance.start_of_today(),
        )
        .exclude(pk=job.pk)
        .values_list("rows_total", flat=True)
    )
    needed = ledger_lookups_needed(ledger)
    allowance.spend(
        actor=actor,
        budget=allowance.IMPORT_LOOKUPS,
        count=needed,
        promised=sum(running),
        error=ImportLookupLimitReached,
    )
    return needed


@transaction.atomic
def ledger_lookups_record(*, actor: User, job: ImportJob, hashes: list[str]) -> None:
    """The dry run's one event: how many ID numbers it looked up, and their keyed hashes."""
    audit_record(
        actor=actor,
        action="ledger.lookup",
        object_type="import",
        object_id=job.pk,
        area_code=job.area_code,
        detail={"lookups": len(hashes), "hashes": hashes},
    )
