"""`manage.py attachments_sweep`: erase the attachment files no attachment holds, and count the
attachments whose file is missing (after a restore: docs/deploy.md, "Backups").

The task worker runs the same sweep every hour (cases/jobs.py); this is for an operator, and
for a restore drill. Prints counts only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongcheng.cases.attachments.actions import orphans_sweep


class Command(BaseCommand):
    help = "Erase attachment files no attachment holds; count attachments whose file is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        result = orphans_sweep()
        self.stdout.write(
            f"Attachment files: {result.erased} erased, {result.temporaries} left-over "
            f"temporary files erased, {result.missing} attachments without their file."
        )
        if result.missing:
            self.stderr.write(
                "Some attachments have no file: restore the attachment folder of the same backup."
            )
