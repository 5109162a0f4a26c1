"""Import an Excel ledger from the command line: the same checks and the same all-or-nothing
commit as the web page, with a progress bar on stderr.

    manage.py import_ledger FILE --community CODE [--sheet NAME|INDEX] [--dry-run] [--user USERNAME]

With --user the import is recorded as that user's (an import job, history rows, scope
check, re-submission detection later); without it, as the operator ("import_ledger").
--sheet names the worksheet to import, or gives its position among the visible sheets (1 is
the first); by default the sheet whose header names the most fields, and the command says
which sheet it read and which others have a ledger header.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.org.models import Area, User
from tongcheng.registry.actions.imports import check_resubmission, ledger_import
from tongcheng.registry.errors import ImportInvalid, ImportRefused
from tongcheng.registry.ledger.plan import Plan, plan_import
from tongcheng.registry.ledger.read import Ledger, read_ledger, sha256_of


class Bar:
    """A plain \\r progress bar (no dependency)."""

    def __init__(self, label: str, stream: Any = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Check and import an Excel ledger (.xlsx) into one community, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--community", required=True, help="12-digit code of the community")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--user", help="username the import is recorded for")
        parser.add_argument(
            "--sheet", help="sheet name, or position among the visible sheets (1 = the first)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        community = Area.objects.filter(
            code=options["community"], level=Area.Level.COMMUNITY
        ).first()
        if community is None:
            raise CommandError(f"no community with code {options['community']}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']}")
        content = path.read_bytes()
        try:
            check_resubmission(sha256_of(content), community)
            ledger = read_ledger(content, file_name=path.name, sheet=_sheet(options["sheet"]))
        except ImportRefused as exc:
            raise CommandError(exc.message) from None
        plan = plan_import(ledger, community, progress=Bar("check"))
        self._report(plan, ledger)
        if plan.error_count:
            raise CommandError(f"{plan.error_count} error(s): nothing was imported")
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was written")
            return
        self._commit(ledger, community, user, path.name, content)

    def _commit(
        self, ledger: Ledger, community: Area, user: User | None, name: str, content: bytes
    ) -> None:
        try:
            result = ledger_import(
                actor=user,
                community=community,
                ledger=ledger,
                file_name=name,
                content=content,
                progress=Bar("write"),
            )
        except (ImportInvalid, ImportRefused) as exc:
            raise CommandError(f"nothing was imported: {exc}") from None
        self.stdout.write(
            f"imported: {result.created} created, {result.updated} updated, "
            f"{result.skipped_elsewhere} skipped (in another community), "
            f"{result.unchanged} unchanged"
        )

    def _report(self, plan: Plan, ledger: Ledger) -> None:
        others = [item["name"] for item in ledger.sheets if item["name"] != ledger.sheet_name]
        self.stdout.write(
            f"sheet   {ledger.sheet_name} (header in row {ledger.header_row})"
            + (f"; other sheets with a ledger header: {', '.join(others)}" if others else "")
        )
        for row, _reason, message in plan.skipped:
            self.stdout.write(f"skip    row {row}: {message}")
        for issue in plan.errors:
            self.stdout.write(f"error   row {issue.row} {issue.column}: {issue.message}")
        for issue in plan.warnings:
            self.stdout.write(f"warning row {issue.row} {issue.column}: {issue.message}")
        for row in plan.elsewhere:
            self.stdout.write(f"skip    row {row}: a file exists in another community")
        self.stdout.write(
            f"rows {plan.rows_total}: {len(plan.create)} to create, {len(plan.update)} to update, "
            f"{len(plan.unchanged)} unchanged, {len(plan.elsewhere)} elsewhere, "
            f"{plan.error_count} errors, {plan.warning_count} warnings"
        )


def _sheet(value: str | None) -> str | int | None:
    """--sheet: a number is a position (read_ledger still prefers a sheet named so)."""
    if value is None or value == "":
        return None
    return int(value) if value.isdigit() else value
