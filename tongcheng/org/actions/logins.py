"""Writes of logging in and out: the failure count and lockout per entered name, the events.

`actor` is the account the attempt is for, or None when the entered name is no account. The
failures and the lockout counter are written in the request's transaction, which commits because
the login views answer failures with a normal page (never an exception): the count and the trail
survive the error message. The session itself (django.contrib.auth's login and logout) is the
views' business, in tongcheng.org.auth.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor, audit_record, client_ip_var
from tongcheng.lib.crypto import keyed_hash
from tongcheng.lib.logs import request_id_var
from tongcheng.org.actions.tokens import api_tokens_revoke_all
from tongcheng.org.models import LoginThrottle, User


def throttle_key(username: str) -> str:
    # A keyed hash, not the typed text: people type passwords into the username field.
    return keyed_hash(username.strip().lower(), context="login.throttle")


def login_is_locked(*, username: str) -> bool:
    """Whether the entered name is locked out now (a read: the writes below need it too)."""
    return LoginThrottle.objects.filter(
        username=throttle_key(username), locked_until__gt=timezone.now()
    ).exists()


# What counts against an address: every refused attempt, whatever name it was for (wrong
# passwords and codes, and attempts on locked names or from a blocked address).
ADDRESS_FAILURE_ACTIONS = ("login.failure", "login.locked")


def login_address_is_throttled() -> bool:
    """Whether the client's address failed LOGIN_ADDRESS_FAILURE_LIMIT times in the window.

    Counted from the trail, which already holds every refused attempt with its address (the
    address the proxy rule trusts: audit.services.client_ip): one guesser trying a few
    passwords on many names is stopped although no single name reaches its own lockout. The
    window slides, so an address that keeps trying stays blocked.
    """
    address = client_ip_var.get()
    if not address:
        return False
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    since = timezone.now() - timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    recent = AuditEvent.objects.filter(
        action__in=ADDRESS_FAILURE_ACTIONS, ip_address=address, at__gte=since
    )
    # Counting stops at the limit: an address under attack has many more rows.
    return recent.values("pk")[:limit].count() >= limit


def _login_actor(account: User | None) -> Actor:
    """Who a login event is about: the account when it exists, else nothing identifying.

    No role: nobody acts in a role before the login is complete.
    """
    return Actor(
        user_id=account.pk if account else None,
        username=account.username if account else "",
        role="",
        ip_address=client_ip_var.get(),
        request_id=request_id_var.get(),
    )


def _unknown_detail(username: str, account: User | None) -> dict[str, str]:
    # For an unknown name, a short keyed hash lets the audit administrator see repeated attempts
    # on the same name without storing what was typed.
    return {} if account else {"account_hash": keyed_hash(username, context="login")[:16]}


@transaction.atomic
def login_failure_record(*, actor: User | None, username: str, reason: str) -> None:
    """Count one failure for the entered name; lock it when the limit is reached; audit."""
    now = timezone.now()
    throttle, _created = LoginThrottle.objects.get_or_create(username=throttle_key(username))
    if throttle.locked_until is not None and throttle.locked_until <= now:
        # A lockout that has run out starts a fresh count.
        LoginThrottle.objects.filter(pk=throttle.pk).update(failures=0, locked_until=None)
    LoginThrottle.objects.filter(pk=throttle.pk).update(failures=F("failures") + 1)
    throttle.refresh_from_db(fields=["failures", "locked_until"])
    action = "login.failure"
    if throttle.failures >= settings.LOGIN_FAILURE_LIMIT and throttle.locked_until is None:
        throttle.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        throttle.save(update_fields=["locked_until", "updated_at"])
        action = "login.locked"
    audit_record(
        actor=_login_actor(actor),
        action=action,
        object_type="user" if actor else "",
        object_id=actor.pk if actor else "",
        outcome=AuditEvent.Outcome.DENIED,
        reason=reason,
        detail={"failures": throttle.failures, **_unknown_detail(username, actor)},
    )


@transaction.atomic
def login_refused_early(*, actor: User | None, username: str, reason: str) -> None:
    """An attempt refused before any password or code was checked: on a locked name
    (`reason="locked"`) or from a throttled address (`reason="address throttled"`)."""
    audit_record(
        actor=_login_actor(actor),
        action="login.failure",
        object_type="user" if actor else "",
        object_id=actor.pk if actor else "",
        outcome=AuditEvent.Outcome.DENIED,
        reason=reason,
        detail=_unknown_detail(username, actor),
    )


@transaction.atomic
def login_demo_refusal(*, actor: User) -> None:
    """A right password of a demo account, refused where demo accounts may not log in."""
    audit_record(
        actor=_login_actor(actor),
        action="login.refused_demo",
        object_type="user",
        object_id=actor.pk,
        outcome=AuditEvent.Outcome.DENIED,
        reason="demo accounts not allowed",
    )


@transaction.atomic
def login_success_record(*, actor: User, second_factor: bool, enrolment_required: bool) -> None:
    """The login is complete: the name's failure count starts again; audit."""
    LoginThrottle.objects.filter(username=throttle_key(actor.username)).delete()
    audit_record(
        actor=actor,
        action="login.success",
        object_type="user",
        object_id=actor.pk,
        detail={"second_factor": second_factor, "enrolment_required": enrolment_required},
    )


@transaction.atomic
def logout_record(*, actor: User) -> None:
    audit_record(actor=actor, action="logout", object_type="user", object_id=actor.pk)


@transaction.atomic
def password_change(*, actor: User, new_password: str) -> None:
    """Set the actor's new password (checked by the form); its other sessions end with it, and
    its API tokens are revoked (whoever knew the old password may have made one)."""
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    audit_record(actor=actor, action="password.change", object_type="user", object_id=actor.pk)
    api_tokens_revoke_all(actor=actor, account=actor, cause="password.change")
