"""Load the reference data shipped in tongcheng/org/refdata (idempotent; safe to run often)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from tongcheng.org.refdata.loader import load_all


class Command(BaseCommand):
    help = (
        "Load the 长治 area tree, national regions, ethnic groups, member units, leading group, "
        "service points and pilot rollout from tongcheng/org/refdata. Running it again creates "
        "nothing twice and never deletes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        results = load_all()
        if options["verbosity"] >= 1:
            for result in results:
                self.stdout.write(result.summary())
            self.stdout.write(f"reference data loaded in {time.monotonic() - started:.2f} s")
