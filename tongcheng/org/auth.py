"""The login flow over the HTTP session: password, lockout, second factor, logout; API tokens.

These steps hold the session (a pending login, django.contrib.auth's login and logout); every
write and audit event they cause is an action of tongcheng.org.actions (logins, two_factor,
tokens), so nothing here saves a model itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.org import twofactor
from tongcheng.org.actions import logins, tokens
from tongcheng.org.actions.two_factor import two_factor_code_use
from tongcheng.org.middleware import (
    SESSION_ENROL_REQUIRED,
    SESSION_LAST_SEEN,
    SESSION_LOGIN_AT,
    SESSION_PENDING_USER,
)
from tongcheng.org.models import ApiToken, User

if TYPE_CHECKING:
    from django.http import HttpRequest

# One message for unknown accounts, wrong passwords, wrong codes, disabled and locked accounts:
# the answer never tells whether an account exists.
LOGIN_FAILED = _("The username or password is wrong, or the account is temporarily locked.")
DEMO_REFUSED = _("Demo accounts cannot log in on this server.")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# How long a correct password waits for its second factor.
PENDING_SECONDS = 300


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


def login_check_password(*, request: HttpRequest, username: str, password: str) -> User:
    """The account, if the name and password are right and it may log in; else LoginRefused.

    Throttled addresses and locked names are refused before the password is checked, with the
    same message; disabled accounts fail like a wrong password (Django's backend refuses them);
    demo accounts are refused outside development.
    """
    known = User.objects.filter(username=username).first()
    if logins.login_address_is_throttled():
        logins.login_refused_early(actor=known, username=username, reason="address throttled")
        raise LoginRefused(str(LOGIN_FAILED))
    if logins.login_is_locked(username=username):
        logins.login_refused_early(actor=known, username=username, reason="locked")
        raise LoginRefused(str(LOGIN_FAILED))
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        reason = "disabled" if known is not None and not known.is_active else "wrong password"
        if known is None:
            reason = "unknown account"
        logins.login_failure_record(actor=known, username=username, reason=reason)
        raise LoginRefused(str(LOGIN_FAILED))
    if user.is_demo and not settings.DEMO_ACCOUNTS_ALLOWED:
        logins.login_demo_refusal(actor=user)
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
    if logins.login_address_is_throttled():
        request.session.pop(SESSION_PENDING_USER, None)
        logins.login_refused_early(actor=user, username=user.username, reason="address throttled")
        raise LoginRefused(str(LOGIN_FAILED))
    if logins.login_is_locked(username=user.username):
        request.session.pop(SESSION_PENDING_USER, None)
        logins.login_refused_early(actor=user, username=user.username, reason="locked")
        raise LoginRefused(str(LOGIN_FAILED))
    if not two_factor_code_use(actor=user, code=code):
        logins.login_failure_record(actor=user, username=user.username, reason="wrong code")
        if logins.login_is_locked(username=user.username):
            request.session.pop(SESSION_PENDING_USER, None)
        raise LoginRefused(str(LOGIN_FAILED))
    return user


def login_complete(*, request: HttpRequest, user: User, second_factor: bool) -> None:
    """Log in (a new session id), start the session clocks, ask for enrolment if required."""
    request.session.pop(SESSION_PENDING_USER, None)
    # django.contrib.auth.login cycles the session key: a session id known before login is useless.
    django_login(request, user, backend=MODEL_BACKEND)
    now = timezone.now().timestamp()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_LAST_SEEN] = now
    enrol = twofactor.two_factor_required(user) and not twofactor.has_two_factor(user)
    if enrol:
        request.session[SESSION_ENROL_REQUIRED] = True
    logins.login_success_record(actor=user, second_factor=second_factor, enrolment_required=enrol)


def logout_complete(*, request: HttpRequest, user: User) -> None:
    """Audit the logout, then end the session (logout is offered to logged-in accounts only)."""
    logins.logout_record(actor=user)
    django_logout(request)


def api_token_user(token: str) -> User | None:
    """The account behind a usable (known, unexpired, unrevoked) token of an active account."""
    if not token.startswith(tokens.API_TOKEN_PREFIX):
        return None
    api_token: ApiToken | None = (
        ApiToken.objects.usable().filter(token_hash=tokens.token_hash(token)).first()
    )
    if api_token is None:
        return None
    tokens.api_token_note_use(api_token=api_token)
    return api_token.user
