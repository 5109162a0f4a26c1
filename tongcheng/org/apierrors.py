"""The one shape of every API error, and the responses each operation declares with it.

Whatever refuses a request — a schema, a form, the policy, the scope, optimistic locking, the
request guard (413, NUL), Django itself (an unknown path, a crash) — the caller gets JSON of this
shape: `detail`, a sentence in the request's language, and `errors`, one entry per field at fault
(`field` as the API names it, a stable `code`, a `message` naming the field). The OpenAPI
document lists, for each operation, the statuses it can answer with (`declared`), so a generated
client and schemathesis know them (docs/api.md).
"""

# No `from __future__ import annotations`: ninja and pydantic read the annotations at runtime.
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema

API_PREFIX = "/api/"


class FieldErrorOut(Schema):
    field: str
    code: str
    message: str


class ApiError(Schema):
    """An error: `detail` says what happened; `errors` names the fields at fault."""

    detail: str
    errors: list[FieldErrorOut] = []
    # 400 for unknown query parameters: their names.
    unknown: list[str] | None = None
    # 500 and 503: the id to give an administrator (the request's X-Request-ID).
    request_id: str | None = None


# What each status means for every operation that declares it (the OpenAPI descriptions).
MEANINGS = {
    400: "Bad request: an unknown query parameter, a body that is not JSON or not the "
    "operation's fields, or a field the rules refuse (named in `errors`).",
    401: "No valid session or API token.",
    403: "The caller's role may not do this (or a CSRF check of a session failed).",
    404: "No such object in the caller's scope.",
    409: "The change conflicts with the state of the ledger or the case (a known ID number, a "
    "refused move).",
    412: "If-Match names another version of the file or case: get it again.",
    413: "The request body is larger than the limit.",
    422: "A query or path parameter is not valid (named in `errors`).",
    428: "The operation needs the ETag of the file (or case) in an If-Match header.",
    429: "Too many requests of this kind today.",
    503: "The database or the audit trail cannot be written: nothing was changed.",
}
# Every operation can answer these: the request guard, authentication, the policy, the trail.
ALWAYS = (400, 401, 403, 413, 503)


def declared(ok: dict[int, Any], *codes: int, error: type[Schema] = ApiError) -> dict[int, Any]:
    """An operation's `response` mapping: its success schemas, then ALWAYS and `codes` as errors."""
    return {**ok, **{code: error for code in sorted({*ALWAYS, *codes})}}


def error_body(
    detail: str, errors: list[dict[str, str]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or [], **extra}


def error_response(request: HttpRequest, status: int, body: dict[str, Any]) -> JsonResponse:
    """The error as an HTTP answer outside ninja (the request guard, Django's own errors)."""
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": True})


def status_detail(status: int) -> str:
    """The sentence of an error answer that carries no more specific one."""
    details = {
        400: _("The request is not valid."),
        401: _("Log in, or send a valid API token."),
        403: _("You do not have permission for this."),
        404: _("Not found."),
        405: _("This operation does not take this method."),
        413: _("The request is too large."),
        429: _("Too many requests; try again later."),
        503: _("The service cannot record this right now; nothing was changed. Try again later."),
    }
    if status in details:
        return details[status]
    if status >= 500:
        return _("Something went wrong; nothing was changed.")
    return _("The request cannot be served.")
