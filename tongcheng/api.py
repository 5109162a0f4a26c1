"""The REST API (django-ninja): one NinjaAPI, each app adds a router from its api.py.

Callers authenticate with the browser session (CSRF-checked on unsafe methods) or, for
integrations, a bearer API token (tongcheng.org.models.ApiToken). Whichever way, the same policy
table as the pages applies: `authorize` runs tongcheng.org.middleware.check_roles for the
operation's URL name, so a token caller meets exactly the rules a logged-in user meets. The
AccessPolicyMiddleware lets unauthenticated API requests through to here for that reason.

Unknown query parameters are refused with 400: a typo in a filter must not
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
from ninja.errors import ValidationError
from ninja.openapi.views import openapi_view
from ninja.operation import Operation

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import audit_record
from tongcheng.org.access import NotInScope, ReadOnly
from tongcheng.org.apiauth import SessionPolicyAuth, TokenAuth
from tongcheng.org.contributions import api_routers


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


# Every app's router (its api.py), found through the app registry: adding an app edits no list.
for _label, _router in api_routers():
    api.add_router("", _router, tags=[_label])
