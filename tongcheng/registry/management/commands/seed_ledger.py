"""`manage.py seed_ledger [--count N]`: the synthetic demo ledger of the pilot district 潞州区
(development and demos only).

tongcheng.registry.demo builds the files; tongcheng.registry.actions.demo.ledger_seed writes
them. Idempotent: when the demo ledger exists the command does nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.audit.services import Actor
from tongcheng.registry.actions.demo import ledger_seed


class Command(BaseCommand):
    help = "Create a synthetic demo ledger in the pilot district (idempotent; DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count", type=int, default=3000, help="number of files (default 3000)"
        )

    def handle(self, *args: Any, count: int = 3000, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo ledger is for development only: DEBUG is off.")
        started = time.monotonic()
        try:
            created = ledger_seed(actor=Actor.system("seed_ledger"), count=count)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["verbosity"] < 1:
            return
        if created is None:
            self.stdout.write("Demo ledger: already there, nothing to do.")
        else:
            self.stdout.write(
                f"Demo ledger: {created} files in {time.monotonic() - started:.1f} s."
            )
