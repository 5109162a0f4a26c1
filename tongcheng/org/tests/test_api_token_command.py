"""`manage.py create_api_token USERNAME --name NAME [--days N]` prints a working token once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import ApiToken

pytestmark = pytest.mark.django_db


def create(*args: str) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_it_prints_a_token_that_works(cast) -> None:  # type: ignore[no-untyped-def]
    token = create("street", "--name", "statistics bureau")
    response = Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["username"] == "street"
    stored = ApiToken.objects.get()
    assert (stored.name, stored.user.username) == ("statistics bureau", "street")
    assert stored.expires_at - timezone.now() > timedelta(days=89)
    event = AuditEvent.objects.get(action="api_token.create")
    assert (event.username, event.object_id) == ("create_api_token", str(stored.pk))
    assert token not in str(event.detail)


def test_it_takes_a_lifetime_in_days(cast) -> None:  # type: ignore[no-untyped-def]
    create("street", "--name", "short", "--days", "7")
    assert ApiToken.objects.get().expires_at - timezone.now() < timedelta(days=8)


def test_it_refuses_an_unknown_account(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="No active account"):
        create("nobody", "--name", "x")


@pytest.mark.parametrize("days", ["0", "400"])
def test_it_refuses_a_silly_lifetime(cast, days: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="--days"):
        create("street", "--name", "x", "--days", days)
