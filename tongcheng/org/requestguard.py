"""What no view should ever see, refused at the door: oversized bodies and NUL characters.

- A body over the limit is a 413 with a page (or, under /api/, JSON) that says so: Django
  answers RequestDataTooBig with a 400 (and, with DEBUG on, its technical page). The limit is
  DATA_UPLOAD_MAX_MEMORY_SIZE for every body but a multipart upload: a page's may carry a
  ledger of up to lib.xlsx's 50 MB (or several attachments) beside its other fields; an API
  operation's only when its policy entry says it takes a file (`upload_limit`, the setting
  holding its limit in MB). ninja gives the operations of one path URL patterns with the same
  route and Django resolves the first (the attachments' list before the upload that shares its
  path), so the entries that take a file are matched by the path they reverse to.
- A NUL character in the path, a query parameter or a form field is a 400 naming the field:
  PostgreSQL refuses NUL in text, so a filter such as `?area=%00` reached the database as a
  DataError (a 500). No field of ours takes a NUL (lib.textnorm.text_problem), so refusing it
  here decides nothing the forms would decide otherwise.
- Under /api/, an error answer that Django made rather than the API (an unknown path, a method
  the path does not take, its error pages) is given the API's one JSON error shape.

It sits after LocaleMiddleware (its messages are in the request's language) and before
CommonMiddleware and CSRF (the first to read a form body).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from tongcheng.lib.contributions import Access
from tongcheng.lib.xlsx import DEFAULT_LIMITS
from tongcheng.org.apierrors import API_PREFIX, error_body, error_response, status_detail
from tongcheng.org.contributions import policy_table

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def body_limit(request: HttpRequest) -> int:
    """The most bytes a request of this content type may carry."""
    limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if request.content_type != "multipart/form-data":
        return limit
    if not _is_api(request):
        return DEFAULT_LIMITS.max_bytes + limit
    setting = _upload_limit(request)
    if setting:
        return int(getattr(settings, setting)) * 1024 * 1024 + limit
    return limit


def _upload_limit(request: HttpRequest) -> str:
    """The setting of the upload limit of the API operation at this path that takes a file."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    for name, entry in policy_table().items():
        if not isinstance(entry, Access) or not entry.upload_limit:
            continue
        try:
            if reverse(name, args=match.args, kwargs=match.kwargs) == request.path:
                return entry.upload_limit
        except NoReverseMatch:
            continue
    return ""


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if _is_api(request) and response.status_code >= 400 and not _is_json(response):
            # Django's own answer (no URL, wrong method, its error pages): the API's shape.
            status = response.status_code
            body = error_body(status_detail(status), request_id=getattr(request, "request_id", ""))
            return error_response(request, status, body)
        return response

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit(request):
            return _too_large(request)
        if "\x00" in request.path:
            return _nul(request, "path")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return _nul(request, name)
        # A page's form fields. Not under /api/: the API reads its body itself (JSON, checked
        # by its schemas), and a multipart body parsed here could not be read again there.
        if request.method == "POST" and request.content_type in FORM_TYPES and not _is_api(request):
            try:
                fields = request.POST
            except RequestDataTooBig:
                return _too_large(request)
            for name, values in fields.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return _nul(request, name)
        return None


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _field_name(name: str) -> str:
    # The name as the page or API calls it, without the NUL and never of unbounded length.
    return name.replace("\x00", "")[:64] or "?"


def _too_large(request: HttpRequest) -> HttpResponse:
    megabytes = max(1, body_limit(request) // (1024 * 1024))
    message = _("The request is too large: at most %(limit)d MB can be sent at once.") % {
        "limit": megabytes
    }
    if _is_api(request):
        return error_response(request, 413, error_body(message))
    return _page(request, "413.html", 413, message)


def _nul(request: HttpRequest, name: str) -> HttpResponse:
    field = _field_name(name)
    if field == "path":
        message = _("The address contains a NUL character, which no page takes.")
    else:
        message = _("%(field)s: contains a NUL character, which cannot be stored.") % {
            "field": field
        }
    if _is_api(request):
        error = {"field": field, "code": "control_character", "message": message}
        return error_response(request, 400, error_body(message, [error]))
    return _page(request, "400.html", 400, message)


def _page(request: HttpRequest, template: str, status: int, message: str) -> HttpResponse:
    # Standalone, as the other error pages: no context processors, no database.
    body = loader.get_template(template).render(
        {
            "message": message,
            "request_id": getattr(request, "request_id", ""),
            "LANGUAGE_CODE": getattr(request, "LANGUAGE_CODE", "zh-hans"),
        }
    )
    return HttpResponse(body, status=status)
