"""`manage.py seed_cases [--count N]`: demo cases in 潞州区 and 上党区 (development only).

tongcheng.cases.actions.demo makes them through the real moves, by the demo accounts of
`seed_demo`, then the services' records and a few attachments. Idempotent: when there are
cases already the command makes none.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.cases.actions.demo import CASE_COUNT, cases_seed
from tongcheng.cases.actions.servicedemo import services_seed
from tongcheng.cases.attachments.demo import attachments_seed
from tongcheng.org.models import User


class Command(BaseCommand):
    help = "Create demo cases in every state (idempotent; DEBUG only; after seed_demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=CASE_COUNT, help="number of cases")

    def handle(self, *args: Any, count: int = CASE_COUNT, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo cases are for development only: DEBUG is off.")
        if not User.objects.filter(username="city.hotline").exists():
            raise CommandError("Run seed_demo first: the demo cases are made by its accounts.")
        started = time.monotonic()
        created = cases_seed(count=count)
        # Certifications, waivers, relief, the volunteer teams, legal aid, employment.
        services = services_seed()
        # A photo and a PDF on a few open cases (encrypted under ATTACHMENT_ROOT).
        attached = attachments_seed()
        if options["verbosity"] < 1:
            return
        if created is None:
            self.stdout.write("Demo cases: already there, nothing to do.")
        else:
            self.stdout.write(f"Demo cases: {created} in {time.monotonic() - started:.1f} s.")
        if services:
            self.stdout.write("Demo services: certifications, waivers, relief, legal aid, jobs.")
        if attached:
            self.stdout.write(f"Demo attachments: {attached}.")
