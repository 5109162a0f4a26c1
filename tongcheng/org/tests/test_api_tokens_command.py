"""`manage.py api_tokens` lists tokens without their secret and `--revoke ID` stops one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import ApiToken

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_tokens", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def new_token(username: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, "--name", "sync", stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_it_lists_tokens_without_the_secret(cast) -> None:  # type: ignore[no-untyped-def]
    token = new_token("street")
    listing = run("street")
    assert "street\tsync\t" in listing
    assert token not in listing
    assert run("district") == ""


def test_it_revokes_a_token_at_once(cast) -> None:  # type: ignore[no-untyped-def]
    token = new_token("street")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get(reverse("api:me"), **auth).status_code == 200
    stored = ApiToken.objects.get()
    assert "Revoked" in run("--revoke", str(stored.pk))
    assert Client().get(reverse("api:me"), **auth).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(stored.pk)).exists()
    assert "revoked" in run("street")


def test_it_refuses_an_unknown_id(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError):
        run("--revoke", "999999")
