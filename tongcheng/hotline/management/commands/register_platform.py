"""Register the public phone platform, or give it a new secret (`manage.py register_platform`)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongcheng.audit.services import Actor
from tongcheng.hotline.actions.platform import platform_register


class Command(BaseCommand):
    help = "Register a phone platform with its HMAC secret and callback URL (docs/hotline.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The platform's code in the webhook URL, e.g. 12345.")
        parser.add_argument("--name", default="", help="Its name (default: the code).")
        parser.add_argument(
            "--secret-env", default="PLATFORM_SECRET",
            help="The environment variable holding the shared secret (never on the command line).",
        )  # fmt: skip
        parser.add_argument("--callback", default="", help="Where status changes are POSTed.")

    def handle(self, *args: Any, code: str, name: str, secret_env: str, callback: str,
               **options: Any) -> None:  # fmt: skip

        secret = os.environ.get(secret_env, "")
        if len(secret) < 16:
            self.stderr.write(f"Set {secret_env} to the shared secret (16 characters or more).")
            raise SystemExit(2)
        platform = platform_register(
            actor=Actor.system("register_platform"), code=code, name=name or code,
            secret=secret, callback_url=callback,
        )  # fmt: skip
        self.stdout.write(
            f"Platform {platform.code}: webhook /api/v1/hotline/platforms/{code}/events"
        )
