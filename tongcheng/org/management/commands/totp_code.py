"""Print a two-factor code of a demo account that logs in now (development only: `make totp
USER=…`). When the current code was used already, the next step's (the server allows one step
of clock drift); when that was used too, wait for the clock."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.org import twofactor
from tongcheng.org.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (only while DEBUG is on)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        # A real account's second factor must never be computable from the server's shell.
        if not settings.DEBUG:
            raise CommandError("totp_code works only while DEBUG is on.")
        user = User.objects.filter(username=username, is_demo=True).first()
        if user is None:
            raise CommandError(f"No demo account named {username!r} (see `seed_demo --print`).")
        if not twofactor.has_two_factor(user):
            raise CommandError(f"{username} has no two-factor secret: it logs in with a password.")
        code = twofactor.unused_code(user)
        while code is None:
            time.sleep(1)
            user.refresh_from_db(fields=["totp_last_step"])
            code = twofactor.unused_code(user)
        self.stdout.write(code)
