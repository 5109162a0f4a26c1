"""`manage.py rebuild_ledger_summary`: recompute the dashboard summary from every file.

The actions keep the summary current on every write; this is for after a raw bulk load that
bypassed them (bench data, a restore) or to repair it. One transaction: the dashboard shows the
old figures until the new ones are complete.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from tongcheng.registry.actions.summary import summary_rebuild


class Command(BaseCommand):
    help = "Recompute the registry dashboard's per-community summary from the files."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = summary_rebuild()
        self.stdout.write(
            f"Ledger summary rebuilt: {rows} rows in {time.perf_counter() - started:.1f} s."
        )
