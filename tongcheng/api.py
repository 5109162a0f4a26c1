"""The REST API (django-ninja): one NinjaAPI, each app adds a router from its api.py.

Callers authenticate with the browser session (CSRF-checked on unsafe methods) or, for
integrations, a bearer API token (tongcheng.org.models.ApiToken). Whichever way, the same policy
table as the pages applies: `authorize` runs tongcheng.org.middleware.check_roles for the
operation's URL name, so a token caller meets exactly the rules a logged-in user meets. The
AccessPolicyMiddleware lets unauthenticated API requests through to here for that reason.

Unknown query parameters are refused with 400: a typo in a filter must not
silently return everything.

Every error answer has one shape (tongcheng.org.apierrors.ApiError), whatever raised it, and no
answer ever carries a traceback, DEBUG on or off: an unexpected exception is logged by its type
and answered 500 (503 for the database or the audit trail) with the request id, after rolling
the request's transaction back (ninja answers inside the view, so ATOMIC_REQUESTS would
otherwise commit what the failed operation had written). The OpenAPI document declares each
operation's error statuses with that schema, the If-Match header where an operation reads it,
and what each status means (docs/api.md).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.openapi.views import openapi_view
from ninja.operation import Operation

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import AuditWriteError, audit_record
from tongcheng.lib.textnorm import TEXT_CODES
from tongcheng.org.access import NotInScope, ReadOnly
from tongcheng.org.apiauth import SessionPolicyAuth, TokenAuth
from tongcheng.org.apierrors import MEANINGS, error_body, status_detail
from tongcheng.org.contributions import api_routers

log = logging.getLogger("tongcheng.errors")


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
            message = _("%(field)s is not a parameter of this operation.")
            errors = [
                {"field": name, "code": "unknown", "message": message % {"field": name}}
                for name in unknown
            ]
            body = error_body(_("Unknown query parameters."), errors, unknown=unknown)
            return operation.api.create_response(request, body, status=400)
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


def if_match_parameter(required: bool) -> dict[str, Any]:
    return {
        "name": "If-Match",
        "in": "header",
        "required": required,
        "description": "The ETag of the file (or case), as GET answered it: the version this "
        "change is based on (412 when another, 428 when required and missing)."
        + ("" if required else " Needed when the request changes the file's fields."),
        "schema": {"type": "string"},
    }


class TongchengAPI(NinjaAPI):
    """ninja's API with the document completed: what each error status means, and If-Match.

    An operation says it reads If-Match with `openapi_extra={"x-if-match": "required"}` (or
    "optional"): ninja's own extra would replace the operation's parameter list, not add to it.

    An operation whose function carries Django's `transaction.non_atomic_requests` runs outside
    the request's transaction (ATOMIC_REQUESTS): ninja answers through a view of its own per
    path, so the mark is carried onto that view. Such an operation keeps its writes atomic
    itself; the webhook does, so that a repeated delivery costs one query and no BEGIN/COMMIT.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._documents: dict[tuple[Any, ...], OpenAPISchema] = {}

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        marks: dict[str, set[str]] = {}
        for bound in self._get_bound_routers():
            for path_view in bound.path_operations.values():
                aliases = [
                    getattr(operation.view_func, "_non_atomic_requests", None)
                    for operation in path_view.operations
                ]
                if aliases and all(aliases):
                    for operation in path_view.operations:
                        marks[getattr(operation, "url_name", "")] = set().union(*aliases)  # type: ignore[arg-type]
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and pattern.name in marks:
                pattern.callback._non_atomic_requests = marks[pattern.name]  # type: ignore[attr-defined]
        return patterns

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The document, built once per process and language: building it takes about half a
        second of CPU, and `openapi.json` is public (a copy is returned: callers may change
        theirs)."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())), get_language())
        built = self._documents.get(key)
        if built is None:
            built = self._documents[key] = self._document(path_prefix, path_params)
        return copy.deepcopy(built)

    def _document(
        self, path_prefix: str | None, path_params: dict[str, Any] | None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path in schema["paths"].values():
            for operation in path.values():
                if_match = operation.pop("x-if-match", None)
                if if_match is not None:
                    parameters = operation.setdefault("parameters", [])
                    parameters.append(if_match_parameter(required=if_match == "required"))
                for status, response in operation.get("responses", {}).items():
                    if int(status) in MEANINGS:
                        response["description"] = MEANINGS[int(status)]
        return schema


api = TongchengAPI(
    title="Tongcheng API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionPolicyAuth()],
    # The Swagger UI files ship inside ninja and are served from our own origin (CSP: self).
    docs_decorator=docs_login_required,
)
api.add_decorator(reject_unknown_query, mode="view")


def not_in_scope(request: HttpRequest, exc: NotInScope) -> HttpResponse:
    """404, the same answer as "does not exist"; the denial is audited like a page's."""
    _audit_exception(request, exc)
    return api.create_response(request, error_body(_("Not found.")), status=404)


def read_only(request: HttpRequest, exc: ReadOnly) -> HttpResponse:
    _audit_exception(request, exc)
    return api.create_response(
        request, error_body(_("You do not have permission for this.")), status=403
    )


def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A body with unknown or malformed keys is a bad request (400); bad query values keep 422.

    Each error names its field and says what is wrong in the request's language; the value sent
    is never echoed (pydantic's `input`: it may be personal, or not even encodable).
    """
    errors = [_field_error(error) for error in exc.errors]
    in_body = any((error.get("loc") or [None])[0] == "body" for error in exc.errors)
    if in_body:
        return api.create_response(
            request, error_body(_("The request body has errors."), errors), status=400
        )
    return api.create_response(
        request, error_body(_("The request's parameters have errors."), errors), status=422
    )


def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body(_("Not found.")), status=404)


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """401, 403, 412, 428 … raised by authentication, the policy or locking, in the same shape.

    ninja's own 400 for a body it cannot parse says so in English, and with DEBUG on adds the
    parser's message: answered in our words instead.
    """
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = _("The request body is not valid JSON.")
    elif exc.status_code == 401:
        detail = status_detail(401)
    return api.create_response(request, error_body(detail), status=exc.status_code)


def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """500 (503 for the database or the trail), never a traceback, and nothing kept.

    Logged by type and route only: a message can carry values.
    """
    if connection.in_atomic_block:
        transaction.set_rollback(True)
    match = request.resolver_match
    log.error(
        "unhandled error",
        extra={"error": type(exc).__name__, "route": match.view_name if match else "-"},
    )
    status = 503 if isinstance(exc, DatabaseError | AuditWriteError) else 500
    body = error_body(status_detail(status), request_id=getattr(request, "request_id", ""))
    return api.create_response(request, body, status=status)


_VALIDATION_MESSAGES = {
    "missing": _("%(field)s is required."),
    "extra_forbidden": _("%(field)s is not a field of this operation."),
}


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    """One pydantic error as the API reports it: field, code, message naming the field."""
    loc = [str(part) for part in error.get("loc") or []]
    # ("body", "payload", "name") for a body field; ("query", "page") for a parameter.
    names = loc[2:] if loc[:1] == ["body"] else loc[1:]
    field = ".".join(names)
    label = field or _("The request body")
    kind = str(error.get("type") or "invalid")
    if kind in TEXT_CODES:
        message = str(error.get("msg") or "")  # the shared text rule's message, naming the field
    elif kind in _VALIDATION_MESSAGES:
        message = _VALIDATION_MESSAGES[kind] % {"field": label}
    elif kind.endswith(("_type", "_parsing")):
        message = _("%(field)s has the wrong type.") % {"field": label}
    elif kind.startswith(("greater_than", "less_than")):
        message = _("%(field)s is out of range.") % {"field": label}
    elif kind in ("enum", "literal_error"):
        message = _("%(field)s is not one of the allowed values.") % {"field": label}
    else:
        message = _("%(field)s is not valid.") % {"field": label}
    return {"field": field, "code": kind, "message": message}


def install_error_handlers(target: NinjaAPI) -> None:
    """The API's error answers, most specific first (a test mounts them on an API of its own)."""
    target.exception_handler(NotInScope)(not_in_scope)
    target.exception_handler(ReadOnly)(read_only)
    target.exception_handler(ValidationError)(invalid_input)
    target.exception_handler(Http404)(not_found)
    target.exception_handler(HttpError)(http_error)
    target.exception_handler(Exception)(unexpected)


install_error_handlers(api)


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
