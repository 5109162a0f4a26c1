"""Project-level views: health checks and the error pages."""

import logging
import sys

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from tongcheng.audit.middleware import busy_response, database_busy
from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import AuditWriteError, audit_record

log = logging.getLogger("tongcheng.errors")


# Outside ATOMIC_REQUESTS: opening the request transaction would need the database, and these
# two must answer (200, or readyz's 503) when it is down.
@never_cache
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up (no database access)."""
    return JsonResponse({"status": "ok"})


@never_cache
@transaction.non_atomic_requests
def readyz(request: HttpRequest) -> JsonResponse:
    """The process can serve: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _plain_error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    # Rendered without context processors: an error page must not query the database.
    body = loader.get_template(template).render(
        {
            "request_id": getattr(request, "request_id", ""),
            "LANGUAGE_CODE": request.LANGUAGE_CODE
            if hasattr(request, "LANGUAGE_CODE")
            else "zh-hans",
        }
    )
    return HttpResponse(body, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database or the audit trail cannot be written (nothing changed)."""
    exc = sys.exc_info()[1]
    match = getattr(request, "resolver_match", None)
    # The class and the route, never the message: messages can carry values.
    log.error(
        "unhandled error",
        extra={"error": type(exc).__name__, "route": match.view_name if match else "-"},
    )
    if database_busy(exc):
        return busy_response(request)
    if isinstance(exc, DatabaseError | AuditWriteError):
        return _plain_error(request, "503.html", 503)
    return _plain_error(request, "500.html", 500)


# A path is cut to this many characters in the event (the trail's detail is no place for more).
CSRF_PATH_CHARS = 200


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a POST without a valid CSRF token (settings.CSRF_FAILURE_VIEW), audited.

    Such a POST is either a stale form or another site trying to act as the user: the trail
    names the path (never the query string, which may carry search terms) and the account.
    """
    audit_record(
        actor=request,
        action="security.csrf_refused",
        outcome=AuditEvent.Outcome.DENIED,
        reason="csrf",
        detail={"path": request.path[:CSRF_PATH_CHARS], "method": request.method or ""},
    )
    return render(request, "403_csrf.html", status=403)
