"""`manage.py rebuild_engagement_summary [--check]`: recount the cadence's slots and tallies.

Every write keeps them in its own transaction; this writes them again from the appointments and
talks as they stand (`engagement.summaries.rebuild`: after a raw load, or to repair them).
`--check` writes nothing and says whether they equal the recount (exit status 1 if not).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.engagement import summaries


class Command(BaseCommand):
    help = "Recount the 三必谈 slots and tallies (--check: compare only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="compare with a recount, write nothing"
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        started = time.monotonic()
        if check:
            slots_equal = summaries.slot_rows() == summaries.recount_slots()
            tallies_equal = summaries.tally_rows() == summaries.recount_tallies()
            if not (slots_equal and tallies_equal):
                raise CommandError("The 三必谈 summaries differ from the recount.")
            if options["verbosity"] >= 1:
                self.stdout.write("三必谈 summaries: equal to the recount.")
            return
        summaries.rebuild()
        if options["verbosity"] >= 1:
            elapsed = time.monotonic() - started
            self.stdout.write(f"三必谈 summaries: written again in {elapsed:.1f} s.")
