"""How API callers authenticate, and the policy applied to them: the same table as the pages.

Callers authenticate with the browser session (CSRF-checked on unsafe methods) or, for
integrations, a bearer API token (tongcheng.org.models.ApiToken). Whichever way, `authorize` runs
tongcheng.org.middleware.check_roles for the operation's URL name, so a token caller meets exactly
the rules a logged-in user meets. The AccessPolicyMiddleware lets unauthenticated API requests
through to here for that reason. Every app's router uses these classes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import audit_record, client_ip_var
from tongcheng.lib.contributions import Access
from tongcheng.org.auth import api_token_user
from tongcheng.org.contributions import entry_for, policy_table
from tongcheng.org.middleware import audit_denial, check_roles
from tongcheng.org.models import User


def authorize(request: HttpRequest, user: User) -> User:
    """Apply the policy entry of the requested operation to an authenticated caller.

    Raises HttpError(403) (after auditing the denial) when no role of the caller is allowed;
    sets request.acting_role for the audit events the operation writes.
    """
    match = request.resolver_match
    view_name = match.view_name if match else ""
    entry = entry_for(view_name)
    if not isinstance(entry, Access):
        audit_denial(request, view_name, "no policy entry")
        raise HttpError(403, _("You do not have permission for this."))
    if not check_roles(request, view_name, entry):
        raise HttpError(403, _("You do not have permission for this."))
    return user


# A caller with no credentials at all is written once per address, path and this many seconds:
# a script hammering the API cannot flood the trail, and the trail still shows who tried.
UNAUTHENTICATED_EVENT_SECONDS = 60
# Set on the request once its refusal is audited (a bad token): the 401 then writes no second.
REFUSAL_AUDITED = "_tc_refusal_audited"


def audit_unauthenticated(request: HttpRequest) -> None:
    """One `api.unauthenticated` event for a call without a session or token (the 401)."""
    if getattr(request, REFUSAL_AUDITED, False):
        return
    setattr(request, REFUSAL_AUDITED, True)
    path = request.path[:64]
    since = timezone.now() - timedelta(seconds=UNAUTHENTICATED_EVENT_SECONDS)
    if AuditEvent.objects.filter(
        action="api.unauthenticated",
        object_id=path,
        ip_address=client_ip_var.get(),
        at__gte=since,
    ).exists():
        return
    audit_record(
        actor=request,
        action="api.unauthenticated",
        object_type="api_path",
        object_id=path,
        outcome=AuditEvent.Outcome.DENIED,
        reason="no credentials",
    )


def _audit_bad_token(request: HttpRequest, view_name: str | None) -> None:
    # A guessed, expired or revoked token leaves a trace (never the token itself).
    audit_denial(request, view_name, "bad token")
    setattr(request, REFUSAL_AUDITED, True)


class SessionPolicyAuth(SessionAuth):
    """The logged-in browser session (ninja checks CSRF on unsafe methods).

    ninja asks it last: a request it refuses too gets the 401, audited here.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF protects a session; a caller without one has none to forge, and gets the 401
        # (and its one event) rather than a 403 about a token it never needed.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated:
            audit_unauthenticated(request)
            return None
        return authorize(request, user)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tc_…`: an integration acting as the token's account."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is None:
            match = request.resolver_match
            _audit_bad_token(request, match.view_name if match else None)
            return None
        # The token's account is the request's user: audit events name it.
        request.user = user
        return authorize(request, user)


def authorize_as(request: HttpRequest, user: User, view_name: str) -> User:
    """Apply the policy entry `view_name` (not the resolved URL's) to an authenticated caller."""
    entry = policy_table()[view_name]
    if not isinstance(entry, Access) or not check_roles(request, view_name, entry):
        raise HttpError(403, _("You do not have permission for this."))
    return user


class WriteSessionAuth(SessionPolicyAuth):
    """Session auth for a write that shares its path with a read.

    ninja gives all methods of one path URL patterns with the same route, and Django resolves the
    first (the read): the policy middleware and `authorize` saw "api:person_list" /
    "api:person_detail". This applies the write's own entry, before the body is parsed.
    """

    def __init__(self, view_name: str) -> None:
        super().__init__()
        self.view_name = view_name

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated:
            audit_unauthenticated(request)
            return None
        return authorize_as(request, user, self.view_name)


class WriteTokenAuth(TokenAuth):
    """Token auth for such a write (see WriteSessionAuth)."""

    def __init__(self, view_name: str) -> None:
        super().__init__()
        self.view_name = view_name

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is None:
            _audit_bad_token(request, self.view_name)
            return None
        request.user = user
        return authorize_as(request, user, self.view_name)


def write_auth(view_name: str) -> list[Any]:
    return [WriteTokenAuth(view_name), WriteSessionAuth(view_name)]
