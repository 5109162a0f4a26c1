"""`manage.py rebuild_case_kpi [--check]`: recount the cases' KPI summary from the cases.

The moves keep the summary and its rollups in their own transactions; this recounts them from
the cases, their lead units and their deadlines as they stand (`cases.kpi.counting.kpi_recount`)
and writes them again: after a raw bulk load, after the demo moved its cases back in time, or to
repair them. `--check` writes nothing and says whether the summary and its rollups equal the
recount (exit status 1 if not).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.cases.kpi.counting import (
    kpi_rebuild,
    kpi_recount,
    kpi_rollups,
    kpi_rollups_stored,
    kpi_summary,
)


class Command(BaseCommand):
    help = "Recount the cases' KPI summary from the cases (--check: compare only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="compare with a recount, write nothing"
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        started = time.monotonic()
        if check:
            counted, stored = kpi_recount(), kpi_summary()
            wrong = sorted(key for key in counted.keys() | stored.keys()
                           if counted.get(key) != stored.get(key))  # fmt: skip
            if wrong:
                raise CommandError(f"{len(wrong)} KPI summary rows differ from the recount.")
            if kpi_rollups_stored() != kpi_rollups(counted):
                raise CommandError("The KPI summary's rollups differ from the recount.")
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"KPI summary: {len(stored)} rows, equal to the recount, and its rollups."
                )
            return
        rows = kpi_rebuild()
        if options["verbosity"] >= 1:
            elapsed = time.monotonic() - started
            self.stdout.write(f"KPI summary: {rows} rows written in {elapsed:.1f} s.")
