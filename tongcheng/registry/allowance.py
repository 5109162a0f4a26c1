"""The daily allowances of what could rebuild a masked identifier: one mechanism for all three.

A mask leaves at least 10,000 candidates for a number (docs/security.md, "Masks"), but each
exact answer removes candidates: a full-number view shows the number, an exact-number search
(full ID number, full phone, last 4) says yes or no to one guess, and an import's dry run says
for every ID number of the file whether a file holds it somewhere in the city. So each user has
a daily allowance of each, counted from the audit trail (today's allowed events of the counted
action, local midnight to midnight):

| budget           | setting                        | default | counted action   |
|------------------|--------------------------------|---------|------------------|
| `REVEALS`        | `REVEAL_LIMIT_PER_DAY`         | 50      | `person.reveal`  |
| `LOOKUPS`        | `LOOKUP_LIMIT_PER_DAY`         | 100     | `person.lookup`  |
| `IMPORT_LOOKUPS` | `IMPORT_LOOKUP_LIMIT_PER_DAY`  | 10,000  | `ledger.lookup`  |

An event counts `detail["lookups"]` (a search with two numbers, a dry run with N ID numbers) or
1 without it. Counting and writing are one step: `spend` locks the actor's account row
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite's `IMMEDIATE` transactions hold the database's
write lock from their first statement), so of two requests of one user the second counts after
the first has written its event. The caller must therefore write its counted event in the same
transaction, after `spend`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import User
from tongcheng.registry.errors import LimitReached


@dataclass(frozen=True)
class Budget:
    """One daily allowance: its setting, its default and the audit action it counts."""

    setting: str
    default: int
    action: str

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.setting, self.default))


REVEALS = Budget("REVEAL_LIMIT_PER_DAY", 50, "person.reveal")
LOOKUPS = Budget("LOOKUP_LIMIT_PER_DAY", 100, "person.lookup")
IMPORT_LOOKUPS = Budget("IMPORT_LOOKUP_LIMIT_PER_DAY", 10_000, "ledger.lookup")


def start_of_today() -> datetime:
    """Where today's allowances begin (local midnight)."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def used_today(user: User, budget: Budget) -> int:
    """How much of the budget the user spent today (refused attempts are not spending)."""
    counts = AuditEvent.objects.filter(
        user_id=user.pk,
        action=budget.action,
        outcome=AuditEvent.Outcome.ALLOWED,
        at__gte=start_of_today(),
    ).values_list("detail__lookups", flat=True)
    return sum(1 if count is None else int(count) for count in counts)


def spend(
    *,
    actor: User,
    budget: Budget,
    count: int = 1,
    promised: int = 0,
    error: type[LimitReached] = LimitReached,
) -> int:
    """Take `count` from today's allowance, or raise LimitReached (nothing is taken).

    Call it inside the transaction that then writes the counted event. Returns what is left
    after this spending. `promised`: spent already by work whose event comes later (dry runs
    still running in the background). `error`: the LimitReached subclass to raise (each has its
    message).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("spend() counts and the caller writes: both in one transaction")
    # The lock that makes counting and writing one step for this user (see the docstring).
    list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))
    limit = budget.limit
    left = max(0, limit - used_today(actor, budget) - promised)
    if count > left:
        raise error(needed=count, left=left, limit=limit)
    return left - count
