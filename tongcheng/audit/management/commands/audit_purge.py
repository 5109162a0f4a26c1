"""Delete audit events past the retention period: `manage.py audit_purge --older-than-days N`.

The trail is kept at least three years (the Cybersecurity Law asks six months; we keep more), so
the command refuses anything shorter. This is the only deletion the audit table allows: on
PostgreSQL the append-only trigger lets a DELETE through only in a transaction that has set
`tongcheng.audit_purge` (migration audit/0002), and the model refuses deletes everywhere else.
The purge itself is recorded as one audit event with the number of events deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor, audit_record

MIN_RETENTION_DAYS = 1096  # three years, a leap day included


class Command(BaseCommand):
    help = "Delete audit events older than the retention period (at least 1096 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, default=MIN_RETENTION_DAYS)

    def handle(self, *args: Any, older_than_days: int, **options: Any) -> None:
        if older_than_days < MIN_RETENTION_DAYS:
            raise CommandError(
                f"Audit events are kept at least {MIN_RETENTION_DAYS} days (three years)."
            )
        cutoff = timezone.now() - timedelta(days=older_than_days)
        deleted = purge(cutoff=cutoff, days=older_than_days)
        self.stdout.write(f"Deleted {deleted} audit events older than {cutoff:%Y-%m-%d}.")


@transaction.atomic
def purge(*, cutoff: datetime, days: int) -> int:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only for this transaction: the trigger refuses deletes again after the commit.
            cursor.execute("SET LOCAL tongcheng.audit_purge = 'on'")
        # Raw SQL on purpose: AuditEvent's manager refuses deletes (the trail is append-only).
        cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608
        deleted = int(cursor.rowcount)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL tongcheng.audit_purge = 'off'")
    audit_record(
        actor=Actor.system("audit_purge"),
        action="audit.purge",
        object_type="audit_trail",
        detail={"deleted": deleted, "older_than_days": days},
    )
    return deleted
