"""Print the current two-factor code of a demo account (development only: `make totp USER=…`)."""

from __future__ import annotations

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
        self.stdout.write(twofactor.current_code(twofactor.secret_of(user)))
