"""The import worker for production: checks and commits uploaded ledgers in the background.

    manage.py run_imports [--once] [--interval SECONDS]

With IMPORT_WORKER = "command" the web processes start no threads; this loop picks up every
job waiting to be checked or committed, oldest first (docs/deploy.md: run exactly one, under
systemd). A job interrupted by a restart is simply done again: checking writes nothing, and a
commit is one transaction, so an interrupted one left nothing behind.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from tongcheng.registry import importer

log = logging.getLogger("tongcheng.import")


class Command(BaseCommand):
    help = "Process ledger imports waiting in the database (the background import worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="process what waits, then stop")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for pk in importer.pending_jobs():
                try:
                    importer.process_job(pk)
                except Exception:
                    log.exception("import job %s failed", pk)
                self.stdout.write(f"import job {pk} processed")
            if options["once"]:
                return
            time.sleep(options["interval"])
            # A long-running worker drops connections the database closed meanwhile (not in
            # --once mode, which may run inside a caller's transaction).
            close_old_connections()
