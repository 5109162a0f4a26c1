"""Request ids, the access log, no-store for logged-in answers, and SQLite's busy answer."""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from tongcheng.audit.services import acting_role_var, client_ip, client_ip_var
from tongcheng.lib.logs import request_id_var

log = logging.getLogger("tongcheng.access")
errors_log = logging.getLogger("tongcheng.errors")

# Seconds a client is asked to wait after a busy answer (about SQLite's busy timeout).
BUSY_RETRY_AFTER = 5


class RequestIdMiddleware:
    """Give every request an id (echoed in X-Request-ID and on error pages) and log it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        # The role is set by the access policy once it has chosen one (org.middleware).
        role_token = acting_role_var.set("")
        ip_token = client_ip_var.set(client_ip(request))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            match = getattr(request, "resolver_match", None)
            # Only a user already loaded: the log line must not query a database that may be down.
            user = getattr(request, "_cached_user", None)
            # The route name, not the path: paths and query strings may carry search terms.
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": match.view_name if match else "-",
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)
            acting_role_var.reset(role_token)
            client_ip_var.reset(ip_token)


def _logged_in(request: HttpRequest) -> bool:
    """Whether the request ended with an account, without loading one from the database.

    A token caller's account is set on the request by the API's authentication; a session's is
    cached once anything asked for it (the access policy always does).
    """
    user = request.__dict__.get("user")
    # isinstance on the exact type never evaluates the lazy object (no query).
    if user is None or isinstance(user, SimpleLazyObject):
        user = getattr(request, "_cached_user", None)
    return bool(getattr(user, "is_authenticated", False))


class NoStoreMiddleware:
    """Every answer to a logged-in account or API token is `Cache-Control: no-store`.

    Deciding page by page which answers hold personal data would miss the next page; an answer
    to an account is never worth caching. Static files (served before this in production,
    under STATIC_URL in development) and anonymous pages keep their own headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            _logged_in(request)
            and not request.path.startswith(settings.STATIC_URL)
            # A view that said no-store itself (the reveal page) is left as it said.
            and "no-store" not in response.get("Cache-Control", "")
        ):
            add_never_cache_headers(response)
        return response


def database_busy(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) is SQLite's write lock still held after its timeout.

    Only SQLite answers so: a long import holds its one writer lock. PostgreSQL's errors are
    real failures and stay the ordinary 503.
    """
    for _depth in range(5):
        if exc is None:
            return False
        if isinstance(exc, OperationalError) and connection.vendor == "sqlite":
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                return True
        exc = exc.__cause__ or exc.__context__
    return False


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 "busy, try again in a moment", rendered without the database (it is locked)."""
    match = getattr(request, "resolver_match", None)
    errors_log.warning("database busy", extra={"route": match.view_name if match else "-"})
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": _("The system is busy. Please try again in a moment.")}, status=503
        )
    else:
        body = loader.get_template("503.html").render(
            {
                "busy": True,
                "request_id": getattr(request, "request_id", ""),
                "LANGUAGE_CODE": getattr(request, "LANGUAGE_CODE", "zh-hans"),
            }
        )
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


class DatabaseBusyMiddleware:
    """A view that met SQLite's write lock after waiting its busy timeout answers 503 "busy".

    The request's transaction is already rolled back (ATOMIC_REQUESTS), so nothing was changed.
    Busy errors outside a view (the session saved after it) reach `tongcheng.views.server_error`,
    which gives the same answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_busy(exception):
            return busy_response(request)
        return None
