"""Create a bearer token for an integration: `manage.py create_api_token USERNAME --name NAME`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.audit.services import Actor
from tongcheng.org.actions.tokens import api_token_create
from tongcheng.org.models import User

MAX_DAYS = 366


class Command(BaseCommand):
    help = (
        "Create an API token acting as an account and print it once (only a hash is stored). "
        "The token has exactly the roles and scope of the account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--days", type=int, default=90, help="Days until it expires.")

    def handle(self, *args: Any, username: str, name: str, days: int, **options: Any) -> None:
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_DAYS}.")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account named {username!r}.")
        api_token, token = api_token_create(
            actor=Actor.system("create_api_token"), account=user, name=name, days=days
        )
        self.stdout.write(token)
        self.stderr.write(
            f"Token {api_token.prefix}… for {user.username}, expires "
            f"{api_token.expires_at:%Y-%m-%d}. It is shown only now: store it safely."
        )
