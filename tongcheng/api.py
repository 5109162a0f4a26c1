"""The REST API (django-ninja): one NinjaAPI, each app adds a router from its api.py.

Callers authenticate with the browser session (CSRF-checked on unsafe methods) or, for
integrations, a bearer API token (tongcheng.org.models.ApiToken). Whichever way, the same policy
table as the pages applies: `authorize` runs tongcheng.org.middleware.check_roles for the
operation's URL name, so a token caller meets exactly the rules a logged-in user meets. The
AccessPolicyMiddleware lets unauthenticated API requests through to here for that reason.

Unknown query parameters are refused with 400 (SECURITY.md): a typo in a filter must not
silently return everything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.views import openapi_view
from ninja.operation import Operation
from ninja.security import HttpBearer, SessionAuth

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import audit_record
from tongcheng.org.access import NotInScope, ReadOnly
from tongcheng.org.auth import api_token_user
from tongcheng.org.middleware import audit_denial, check_roles
from tongcheng.org.models import User
from tongcheng.org.policy import Access, entry_for


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


class SessionPolicyAuth(SessionAuth):
    """The logged-in browser session (ninja checks CSRF on unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated:
            return None
        return authorize(request, user)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tc_…`: an integration acting as the token's account."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is None:
            # A guessed, expired or revoked token leaves a trace (never the token itself).
            match = request.resolver_match
            audit_denial(request, match.view_name if match else None, "bad token")
            return None
        # The token's account is the request's user: audit events name it.
        request.user = user
        return authorize(request, user)


def reject_unknown_query(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 400 when the query string holds a parameter the operation does not declare.

    Applied to every operation (NinjaAPI.add_decorator, "view" mode), where `run` is the bound
    Operation.run: its models list the query parameters, pagination's included.
    """
    operation: Operation = run.__self__  # type: ignore[attr-defined]
    allowed = {
        name
        for model in operation.models
        if model.__ninja_param_source__ == "query"
        for name in getattr(model, "__ninja_flatten_map__", {})
    }

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        unknown = sorted(set(request.GET) - allowed)
        if unknown:
            return operation.api.create_response(
                request,
                {"detail": _("Unknown query parameters."), "unknown": unknown},
                status=400,
            )
        return run(request, *args, **kwargs)

    return checked


def docs_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The interactive docs page is for logged-in users; the JSON document stays public.

    ninja applies `docs_decorator` to both views (each a functools.partial of its view function).
    """
    if getattr(view, "func", None) is not openapi_view:
        return view

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="Tongcheng API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionPolicyAuth()],
    # The Swagger UI files ship inside ninja and are served from our own origin (CSP: self).
    docs_decorator=docs_login_required,
)
api.add_decorator(reject_unknown_query, mode="view")


@api.exception_handler(NotInScope)
def not_in_scope(request: HttpRequest, exc: NotInScope) -> HttpResponse:
    """404, the same answer as "does not exist"; the denial is audited like a page's."""
    _audit_exception(request, exc)
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ReadOnly)
def read_only(request: HttpRequest, exc: ReadOnly) -> HttpResponse:
    _audit_exception(request, exc)
    return api.create_response(
        request, {"detail": _("You do not have permission for this.")}, status=403
    )


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A body with unknown or malformed keys is a bad request (400); bad query values keep 422."""
    in_body = any((error.get("loc") or [None])[0] == "body" for error in exc.errors)
    return api.create_response(request, {"detail": exc.errors}, status=400 if in_body else 422)


def _audit_exception(request: HttpRequest, exc: NotInScope | ReadOnly) -> None:
    match = request.resolver_match
    audit_record(
        actor=request,
        action=f"deny:{match.view_name if match else '-'}",
        object_type=exc.object_type,
        object_id=exc.object_id,
        outcome=AuditEvent.Outcome.DENIED,
        reason=exc.reason,
    )


def _register_routers() -> None:
    # Imported here so that an app's api.py can import helpers from this module.
    from tongcheng.org.api import router as org_router
    from tongcheng.registry.api import router as registry_router

    api.add_router("", org_router, tags=["org"])
    api.add_router("", registry_router, tags=["registry"])


_register_routers()
