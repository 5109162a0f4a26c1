"""`manage.py seed_hotline`: the knowledge base, the demo phone platform and its tickets and
calls (development only; idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tongcheng.hotline.demo import DEMO_PLATFORM, DEMO_SECRET, hotline_seed


class Command(BaseCommand):
    help = "Seed the knowledge base and the demo phone platform (idempotent; DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo platform is for development only: DEBUG is off.")
        seeded = hotline_seed()
        if options["verbosity"] < 1:
            return
        if seeded is None:
            self.stdout.write("Demo hotline: already there, nothing to do.")
            return
        self.stdout.write(
            f"Demo hotline: {seeded.articles} knowledge-base entries, {seeded.tickets} platform "
            f"tickets, {seeded.calls} calls. Play more against `make run` with "
            f"PLATFORM_SECRET={DEMO_SECRET} manage.py hotline_simulate --platform {DEMO_PLATFORM}"
        )
