"""List API tokens (`manage.py api_tokens [USERNAME]`) or revoke one (`--revoke ID`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.audit.services import Actor
from tongcheng.org.actions.tokens import api_token_revoke
from tongcheng.org.models import ApiToken


class Command(BaseCommand):
    help = "List API tokens (id, account, name, prefix, expiry, last use, state) or revoke one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="Only this account's tokens.")
        parser.add_argument(
            "--revoke", type=int, metavar="ID", help="Revoke the token with this id."
        )

    def handle(self, *args: Any, username: str | None, revoke: int | None, **options: Any) -> None:
        if revoke is not None:
            api_token = ApiToken.objects.filter(pk=revoke).first()
            if api_token is None:
                raise CommandError(f"No API token with id {revoke}.")
            api_token_revoke(actor=Actor.system("api_tokens"), api_token=api_token)
            self.stdout.write(f"Revoked token {api_token.pk} ({api_token.prefix}…).")
            return
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for t in tokens:
            state = "revoked" if t.revoked else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"{t.pk}\t{t.user.username}\t{t.name}\t{t.prefix}…\t"
                f"expires {t.expires_at:%Y-%m-%d}\tlast used {used}\t{state}"
            )
