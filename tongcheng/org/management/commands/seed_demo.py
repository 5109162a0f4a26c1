"""`manage.py seed_demo [--print]`: the demo accounts of tongcheng.org.demo (development only).

Idempotent: a second run creates nothing and changes nothing. The writes are
tongcheng.org.actions.demo.demo_seed.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.audit.services import Actor
from tongcheng.org import twofactor
from tongcheng.org.actions.demo import demo_seed
from tongcheng.org.demo import ACCOUNTS, DEMO_PASSWORD
from tongcheng.org.models import Area, User


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent); --print shows them with password and 2FA hints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print", action="store_true", dest="print_table", help="print the demo accounts"
        )

    def handle(self, *args: Any, print_table: bool = False, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for development only: DEBUG is off.")
        try:
            changes = demo_seed(actor=Actor.system("seed_demo"))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(f"Demo data: {changes} change(s).")
        if print_table:
            self.print_accounts()

    def print_accounts(self) -> None:
        users = {
            u.username: u for u in User.objects.filter(username__in=[d.username for d in ACCOUNTS])
        }
        area_names = dict(
            Area.objects.filter(code__in={d.area_code for d in ACCOUNTS}).values_list(
                "code", "name"
            )
        )
        rows = [("Username", "Name", "Role", "Area", "Two-factor secret")]
        for demo in ACCOUNTS:
            user = users[demo.username]
            where = area_names[demo.area_code] + (
                f" · {demo.department_code}" if demo.department_code else ""
            )
            secret = twofactor.secret_of(user) if twofactor.has_two_factor(user) else ""
            rows.append((demo.username, demo.display_name, demo.role.value, where, secret))
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        write = self.stdout.write
        write("")
        write(f"Demo accounts (development only). Password for all: {DEMO_PASSWORD}")
        for index, row in enumerate(rows):
            write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                write("  ".join("-" * w for w in widths))
        write(
            "Accounts with a secret need a code at login: add the secret to an authenticator app, "
            "or run `make totp USER=<username>`."
        )
        write("")
