"""`manage.py seed_engagement`: demo representatives in 潞州区 and 上党区 with two years of
talks (development only; idempotent; after seed_demo and seed_ledger)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tongcheng.engagement.actions.demo import engagement_seed
from tongcheng.org.models import User


class Command(BaseCommand):
    help = "Create demo representatives and their talks (idempotent; DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo representatives are for development only: DEBUG is off.")
        if not User.objects.filter(username="heping.community").exists():
            raise CommandError("Run seed_demo first: its officers are responsible for them.")
        started = time.monotonic()
        created = engagement_seed()
        if options["verbosity"] < 1:
            return
        if created is None:
            self.stdout.write("Demo representatives: already there, nothing to do.")
        else:
            self.stdout.write(
                f"Demo representatives: {created} in {time.monotonic() - started:.1f} s."
            )
