"""Request ids, the access log, and the 503 answer when the database or the audit trail fails."""

import logging
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tongcheng.audit.services import acting_role_var, client_ip, client_ip_var
from tongcheng.lib.logs import request_id_var

log = logging.getLogger("tongcheng.access")


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
