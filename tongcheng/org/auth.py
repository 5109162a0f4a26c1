"""Authentication services: login (password, lockout, second factor), logout, password, API tokens.

Every function here writes its own audit event. The login failures and the lockout counter are
written in the request's transaction, which commits because the views answer failures with a
normal page (never an exception): the count and the trail survive the error message.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor, audit_record, client_ip
from tongcheng.lib.crypto import keyed_hash
from tongcheng.lib.logs import request_id_var
from tongcheng.org import twofactor
from tongcheng.org.middleware import (
    SESSION_ENROL_REQUIRED,
    SESSION_LAST_SEEN,
    SESSION_LOGIN_AT,
    SESSION_PENDING_USER,
)
from tongcheng.org.models import ApiToken, LoginThrottle, User

if TYPE_CHECKING:
    from django.http import HttpRequest

# One message for unknown accounts, wrong passwords, wrong codes, disabled and locked accounts:
# the answer never tells whether an account exists.
LOGIN_FAILED = _("The username or password is wrong, or the account is temporarily locked.")
DEMO_REFUSED = _("Demo accounts cannot log in on this server.")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# How long a correct password waits for its second factor.
PENDING_SECONDS = 300
API_TOKEN_PREFIX = "tc_"  # noqa: S105 (a marker, not a secret)


class LoginRefused(Exception):
    """The login step failed; `message` is what the page shows."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PendingLogin:
    """A correct password waiting for its TOTP code (kept in the session)."""

    user_id: int
    started_at: float
    next_url: str


def _throttle_key(username: str) -> str:
    # A keyed hash, not the typed text: people type passwords into the username field.
    return keyed_hash(username.strip().lower(), context="login.throttle")


def _actor_for(request: HttpRequest, user: User | None, username: str) -> Actor:
    """Who a login event is about: the account when it exists, else nothing identifying."""
    return Actor(
        user_id=user.pk if user else None,
        username=user.username if user else "",
        role="",
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", "") or request_id_var.get(),
    )


def _unknown_detail(username: str, user: User | None) -> dict[str, str]:
    # For an unknown name, a short keyed hash lets the audit administrator see repeated attempts
    # on the same name without storing what was typed.
    return {} if user else {"account_hash": keyed_hash(username, context="login")[:16]}


def login_is_locked(*, username: str) -> bool:
    now = timezone.now()
    return LoginThrottle.objects.filter(
        username=_throttle_key(username), locked_until__gt=now
    ).exists()


def login_failure_record(
    *, request: HttpRequest, username: str, user: User | None, reason: str
) -> None:
    """Count one failure for the entered name; lock it when the limit is reached; audit."""
    now = timezone.now()
    key = _throttle_key(username)
    throttle, _created = LoginThrottle.objects.get_or_create(username=key)
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
        actor=_actor_for(request, user, username),
        action=action,
        object_type="user" if user else "",
        object_id=user.pk if user else "",
        outcome=AuditEvent.Outcome.DENIED,
        reason=reason,
        detail={"failures": throttle.failures, **_unknown_detail(username, user)},
    )


def login_check_password(*, request: HttpRequest, username: str, password: str) -> User:
    """The account, if the name and password are right and it may log in; else LoginRefused.

    Locked names are refused before the password is checked; disabled accounts fail like a wrong
    password (Django's backend refuses them); demo accounts are refused outside development.
    """
    known = User.objects.filter(username=username).first()
    if login_is_locked(username=username):
        audit_record(
            actor=_actor_for(request, known, username),
            action="login.failure",
            object_type="user" if known else "",
            object_id=known.pk if known else "",
            outcome=AuditEvent.Outcome.DENIED,
            reason="locked",
            detail=_unknown_detail(username, known),
        )
        raise LoginRefused(str(LOGIN_FAILED))
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        reason = "disabled" if known is not None and not known.is_active else "wrong password"
        if known is None:
            reason = "unknown account"
        login_failure_record(request=request, username=username, user=known, reason=reason)
        raise LoginRefused(str(LOGIN_FAILED))
    if user.is_demo and not settings.DEMO_ACCOUNTS_ALLOWED:
        audit_record(
            actor=_actor_for(request, user, username),
            action="login.refused_demo",
            object_type="user",
            object_id=user.pk,
            outcome=AuditEvent.Outcome.DENIED,
            reason="demo accounts not allowed",
        )
        raise LoginRefused(str(DEMO_REFUSED))
    return user


def login_pending_start(*, request: HttpRequest, user: User, next_url: str) -> None:
    """Remember a correct password until its TOTP code arrives (no login yet)."""
    request.session[SESSION_PENDING_USER] = {
        "user_id": user.pk,
        "at": timezone.now().timestamp(),
        "next": next_url,
    }


def login_pending(request: HttpRequest) -> PendingLogin | None:
    """The pending login of this session, if it has not run out."""
    data = request.session.get(SESSION_PENDING_USER)
    if not isinstance(data, dict):
        return None
    if timezone.now().timestamp() - float(data.get("at", 0)) > PENDING_SECONDS:
        del request.session[SESSION_PENDING_USER]
        return None
    return PendingLogin(int(data["user_id"]), float(data["at"]), str(data.get("next", "")))


def login_check_code(*, request: HttpRequest, pending: PendingLogin, code: str) -> User:
    """The pending account, if its code is right; wrong codes count toward the lockout."""
    user = User.objects.filter(pk=pending.user_id, is_active=True).first()
    if user is None or not twofactor.has_two_factor(user):
        request.session.pop(SESSION_PENDING_USER, None)
        raise LoginRefused(str(LOGIN_FAILED))
    if login_is_locked(username=user.username):
        request.session.pop(SESSION_PENDING_USER, None)
        audit_record(
            actor=_actor_for(request, user, user.username),
            action="login.failure",
            object_type="user",
            object_id=user.pk,
            outcome=AuditEvent.Outcome.DENIED,
            reason="locked",
        )
        raise LoginRefused(str(LOGIN_FAILED))
    if not twofactor.verify(user, code):
        login_failure_record(
            request=request, username=user.username, user=user, reason="wrong code"
        )
        if login_is_locked(username=user.username):
            request.session.pop(SESSION_PENDING_USER, None)
        raise LoginRefused(str(LOGIN_FAILED))
    return user


def login_complete(*, request: HttpRequest, user: User, second_factor: bool) -> None:
    """Log in (a new session id), start the session clocks, ask for enrolment if required."""
    LoginThrottle.objects.filter(username=_throttle_key(user.username)).delete()
    request.session.pop(SESSION_PENDING_USER, None)
    # django.contrib.auth.login cycles the session key: a session id known before login is useless.
    django_login(request, user, backend=MODEL_BACKEND)
    now = timezone.now().timestamp()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_LAST_SEEN] = now
    enrol = twofactor.two_factor_required(user) and not twofactor.has_two_factor(user)
    if enrol:
        request.session[SESSION_ENROL_REQUIRED] = True
    audit_record(
        actor=request,
        action="login.success",
        object_type="user",
        object_id=user.pk,
        detail={"second_factor": second_factor, "enrolment_required": enrol},
    )


def logout_complete(*, request: HttpRequest) -> None:
    user = request.user
    audit_record(actor=request, action="logout", object_type="user", object_id=user.pk)
    django_logout(request)


@transaction.atomic
def two_factor_enrol_confirm(*, request: HttpRequest, user: User, code: str) -> bool:
    """Confirm the secret shown at enrolment with a current code; audit the enrolment."""
    if not user.totp_secret or twofactor.has_two_factor(user):
        return False
    if not twofactor.verify(user, code):
        return False
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_confirmed_at"])
    request.session.pop(SESSION_ENROL_REQUIRED, None)
    audit_record(actor=request, action="two_factor.enrol", object_type="user", object_id=user.pk)
    return True


@transaction.atomic
def password_change(*, request: HttpRequest, user: User, new_password: str) -> None:
    """Set a new password; this session stays, every other session of the account ends."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    audit_record(actor=request, action="password.change", object_type="user", object_id=user.pk)


def _token_hash(token: str) -> str:
    return keyed_hash(token, context="api_token")


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int, actor: Actor) -> tuple[ApiToken, str]:
    """A new bearer token for an integration. The token itself is returned once, never stored."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token[: len(API_TOKEN_PREFIX) + 6],
        token_hash=_token_hash(token),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        object_type="api_token",
        object_id=api_token.pk,
        detail={"user_id": user.pk, "days": days},
    )
    return api_token, token


@transaction.atomic
def api_token_revoke(*, api_token: ApiToken, actor: Actor) -> None:
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


def api_token_user(token: str) -> User | None:
    """The account behind a usable (known, unexpired, unrevoked) token of an active account."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    api_token = ApiToken.objects.usable().filter(token_hash=_token_hash(token)).first()
    if api_token is None:
        return None
    now = timezone.now()
    # At most one write a minute per token: integrations may call many times a second.
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user
