"""Delete audit events past the retention period: `manage.py audit_purge --older-than-days N`.

The trail is kept at least three years (the Cybersecurity Law asks six months; we keep more), so
the command refuses anything shorter. This is the only deletion the audit table allows: on
PostgreSQL the append-only trigger lets a DELETE through only in a transaction that has set
`tongcheng.audit_purge` (migration audit/0002), and the model refuses deletes everywhere else.
The purge itself is recorded as one audit event with the number of events deleted.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tongcheng.audit.services import Actor, events_purge

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
        deleted = events_purge(
            actor=Actor.system("audit_purge"), cutoff=cutoff, days=older_than_days
        )
        self.stdout.write(f"Deleted {deleted} audit events older than {cutoff:%Y-%m-%d}.")
