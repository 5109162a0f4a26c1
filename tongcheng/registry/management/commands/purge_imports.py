"""`manage.py purge_imports`: end import jobs left for 24 hours and erase leftover uploads.

Each upload queues its own expiry (actions.uploads.expire_job_task), so this is the operator's
sweep for what a lost task, a stopped worker or a killed process left behind: every pending job
untouched for 24 hours expires, and any upload an ended job still holds is erased. Idempotent:
a second run finds nothing. Run it daily (docs/security.md, "Uploads").
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongcheng.registry.actions.uploads import imports_purge


class Command(BaseCommand):
    help = "Expire import jobs untouched for 24 hours and erase the uploads of ended jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        expired, erased = imports_purge()
        self.stdout.write(f"Imports: {expired} expired, {erased} other uploads erased.")
