"""Writes of API tokens: create one (shown once, only its hash kept), revoke one or all of an
account's, note its use."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tongcheng.audit.services import Actor, audit_record
from tongcheng.lib.crypto import keyed_hash
from tongcheng.org.models import ApiToken, User

API_TOKEN_PREFIX = "tc_"  # noqa: S105 (a marker, not a secret)
# At most one write a minute per token: integrations may call many times a second.
LAST_USE_RESOLUTION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """What is stored of a token, and what a presented one is looked up by."""
    return keyed_hash(token, context="api_token")


@transaction.atomic
def api_token_create(
    *, actor: User | Actor, account: User, name: str, days: int
) -> tuple[ApiToken, str]:
    """A new bearer token acting as `account`. The token itself is returned once, never stored."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        user=account,
        name=name,
        prefix=token[: len(API_TOKEN_PREFIX) + 6],
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        object_type="api_token",
        object_id=api_token.pk,
        detail={"user_id": account.pk, "days": days},
    )
    return api_token, token


@transaction.atomic
def api_token_revoke(*, actor: User | Actor, api_token: ApiToken) -> None:
    """Stop a token from authenticating, at once and for good (it is kept for the record)."""
    api_token.revoked = True
    api_token.save(update_fields=["revoked"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        object_type="api_token",
        object_id=api_token.pk,
        detail={"user_id": api_token.user_id},
    )


@transaction.atomic
def api_tokens_revoke_all(*, actor: User | Actor, account: User, cause: str) -> int:
    """Revoke every token of `account` for good: it was disabled or its password changed.

    Revoked, not merely unusable while the account is off: enabling the account again, or the
    old password, brings none of them back. One event per token, naming the cause.
    """
    revoked = list(
        ApiToken.objects.filter(user=account, revoked=False).values_list("pk", flat=True)
    )
    ApiToken.objects.filter(pk__in=revoked).update(revoked=True)
    for pk in revoked:
        audit_record(
            actor=actor,
            action="api_token.revoke",
            object_type="api_token",
            object_id=pk,
            detail={"user_id": account.pk, "cause": cause},
        )
    return len(revoked)


def api_token_note_use(*, api_token: ApiToken) -> None:
    """Remember when the token was last used, shown in `manage.py api_tokens`.

    No `actor` and no event: nobody acts yet (the token is what is being authenticated), and the
    time is bookkeeping, not a change anybody made.
    """
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
