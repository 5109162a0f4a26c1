"""`manage.py seed_meetings`: two years of quarterly joint meetings in the two demo districts,
with minutes and action items in every state (development only; idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tongcheng.meetings.demo import meetings_seed


class Command(BaseCommand):
    help = "Seed the demo joint meetings and action items (idempotent; DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo meetings are for development only: DEBUG is off.")
        seeded = meetings_seed()
        if options["verbosity"] < 1:
            return
        if seeded is None:
            self.stdout.write("Demo meetings: already there (or no demo accounts), nothing to do.")
            return
        self.stdout.write(
            f"Demo meetings: {seeded.meetings} joint meetings, {seeded.items} action items, "
            f"{seeded.chased} chased."
        )
