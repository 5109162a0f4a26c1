"""Session limits and the access policy, applied to every request before any view runs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import acting_role_var, audit_record
from tongcheng.lib.contributions import Access, Public
from tongcheng.lib.roles import Role
from tongcheng.org.access import NotInScope, ReadOnly
from tongcheng.org.contributions import entry_for
from tongcheng.org.twofactor import two_factor_required

log = logging.getLogger("tongcheng.access")

# Session keys (values are timestamps or flags, never personal data).
SESSION_LOGIN_AT = "tc_login_at"
SESSION_LAST_SEEN = "tc_last_seen"
SESSION_ENROL_REQUIRED = "tc_enrol_required"
SESSION_PENDING_USER = "tc_pending_user"


# The last-seen time is written at most once a minute: a session write on every request would
# cost a database write per page for a precision the 15/30-minute idle limits do not need.
LAST_SEEN_RESOLUTION_SECONDS = 60


def session_expired(request: HttpRequest, now: float) -> bool:
    """Whether the logged-in session has been idle too long or has lived too long."""
    user = request.user
    login_at = float(request.session.get(SESSION_LOGIN_AT, now))
    last_seen = float(request.session.get(SESSION_LAST_SEEN, now))
    idle = (
        settings.SESSION_IDLE_MINUTES_ADMIN
        if user.is_admin_account()  # type: ignore[union-attr]
        else settings.SESSION_IDLE_MINUTES
    )
    return now - last_seen > idle * 60 or now - login_at > settings.SESSION_ABSOLUTE_HOURS * 3600


class SessionPolicyMiddleware:
    """Idle timeout (30 min; 15 for administrators) and absolute lifetime (12 h).

    A disabled account or a changed security stamp (roles changed) needs nothing here: Django's
    AuthenticationMiddleware already finds no user for such a session (inactive accounts cannot
    authenticate, and the session hash includes the stamp), so the access policy sends the
    request to the login page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            if session_expired(request, now):
                audit_record(
                    actor=request,
                    action="session.expired",
                    object_type="user",
                    object_id=user.pk,
                )
                logout(request)
                messages.info(request, _("Your session has ended; please log in again."))
            else:
                request.session.setdefault(SESSION_LOGIN_AT, now)
                last_seen = float(request.session.get(SESSION_LAST_SEEN, 0))
                if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                    request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


def _wants_json(request: HttpRequest, entry: Access | Public | None) -> bool:
    return bool((isinstance(entry, Access) and entry.api) or request.path.startswith("/api/"))


def audit_denial(request: HttpRequest, view_name: str | None, reason: str) -> None:
    """One `denied` event for a refused request (policy or role)."""
    audit_record(
        actor=request,
        action=f"deny:{view_name or '-'}",
        outcome=AuditEvent.Outcome.DENIED,
        reason=reason,
    )


def check_roles(request: HttpRequest, view_name: str, entry: Access) -> bool:
    """Whether the (authenticated) user holds a role the policy entry allows.

    Sets `request.acting_role` (the first allowed role, in Role order) and `request.acting_roles`;
    audits the denial when there is none. Shared by the middleware and the REST API, which
    authenticates token callers itself and then applies the same check.
    """
    user = request.user
    held = user.held_roles()  # type: ignore[union-attr]
    acting = [role for role in Role if role in held and role in entry.roles]
    if not acting:
        audit_denial(request, view_name, "role not allowed")
        return False
    user.act_as(acting)  # type: ignore[union-attr]
    request.acting_role = acting[0]  # type: ignore[attr-defined]
    acting_role_var.set(acting[0])
    request.acting_roles = acting  # type: ignore[attr-defined]
    return True


class AccessPolicyMiddleware:
    """Deny by default: apply tongcheng.org.policy.POLICY to the resolved view, then audit denials.

    Exceptions raised by access helpers (NotInScope → 404, ReadOnly → 403) are audited here too,
    in their own transaction, since the request's own transaction is rolled back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match else None
        entry = entry_for(view_name)
        if entry is None:
            # Static files under DEBUG are served by a view with no name: let them through.
            if match is not None and match.func.__module__ == "django.views.static":
                return None
            log.error("no policy entry", extra={"route": view_name})
            return self._deny(request, view_name, "no policy entry", entry)
        if isinstance(entry, Public):
            return None
        # The API authenticates its own callers (session or token) and applies roles itself.
        if entry.api and not request.user.is_authenticated:
            return None
        if not request.user.is_authenticated:
            if _wants_json(request, entry):
                return JsonResponse({"detail": _("Authentication required.")}, status=401)
            return redirect_to_login(request.get_full_path())
        if request.session.get(SESSION_ENROL_REQUIRED) and not entry.during_enrolment:
            return redirect("account:two_factor_setup")
        if not check_roles(request, view_name or "", entry):
            return self._refuse(request, entry)
        return None

    def _deny(
        self,
        request: HttpRequest,
        view_name: str | None,
        reason: str,
        entry: Access | Public | None,
    ) -> HttpResponse:
        audit_denial(request, view_name, reason)
        return self._refuse(request, entry)

    def _refuse(self, request: HttpRequest, entry: Access | Public | None) -> HttpResponse:
        if _wants_json(request, entry):
            return JsonResponse({"detail": _("You do not have permission for this.")}, status=403)
        raise PermissionDenied

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotInScope | ReadOnly):
            match = request.resolver_match
            audit_record(
                actor=request,
                action=f"deny:{match.view_name if match else '-'}",
                object_type=exception.object_type,
                object_id=exception.object_id,
                outcome=AuditEvent.Outcome.DENIED,
                reason=exception.reason,
            )
        return None


__all__ = [
    "SESSION_ENROL_REQUIRED",
    "SESSION_LAST_SEEN",
    "SESSION_LOGIN_AT",
    "SESSION_PENDING_USER",
    "AccessPolicyMiddleware",
    "SessionPolicyMiddleware",
    "audit_denial",
    "check_roles",
    "session_expired",
    "two_factor_required",
]
