"""What the ledger's API operations share: the caller, optimistic locking, pages, form errors,
and the responses each operation declares.

Optimistic locking: GET returns the file's version as a strong ETag; a write sends it back in
If-Match (428 when it is required and missing, 412 when stale or not a version). The document
shows the header on the operations that read it (IF_MATCH_REQUIRED / IF_MATCH_OPTIONAL, turned
into a header parameter by tongcheng.api).
"""

# No `from __future__ import annotations`: ninja reads the operations' annotations at runtime.
from typing import Any, Literal, overload

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.params import functions as params

from tongcheng.lib.paging import MAX_PAGE
from tongcheng.org.apierrors import declared
from tongcheng.org.models import User
from tongcheng.registry.api.schemas import ErrorOut
from tongcheng.registry.models import Person

PER_PAGE = 50
# The ledger's search box (forms.persons.PersonSearchForm) takes as much.
SEARCH_MAX = 64
IF_MATCH_REQUIRED = {"x-if-match": "required"}
IF_MATCH_OPTIONAL = {"x-if-match": "optional"}


def responses(ok: dict[int, Any], *codes: int) -> dict[int, Any]:
    """An operation's `response`: its success schemas and every error status it can answer,
    each with the API's error schema (ErrorOut)."""
    return declared(ok, *codes, error=ErrorOut)


def operation_id(name: str) -> str:
    """The OpenAPI operation id, as published when the ledger API was one module (clients
    generated from the document call operations by it)."""
    return f"tongcheng_registry_api_{name}"


def caller(request: HttpRequest) -> User:
    """The authenticated account (session or token) the operation acts for."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


def etag(person: Person) -> str:
    return f'"{person.version}"'


def stale() -> dict[str, str]:
    return {"detail": _("The file was changed by someone else; get it again.")}


@overload
def if_match(request: HttpRequest, *, required: Literal[True]) -> int: ...
@overload
def if_match(request: HttpRequest, *, required: bool) -> int | None: ...
def if_match(request: HttpRequest, *, required: bool) -> int | None:
    """The file version sent in If-Match (None when absent and not required).

    428 when it is required and missing, 412 when it is not a version number.
    """
    match = request.headers.get("If-Match", "").strip()
    if not match:
        if required:
            raise HttpError(428, _("Send the file's ETag in an If-Match header."))
        return None
    expected = match.removeprefix("W/").strip('"')
    if not expected.isdigit():
        raise HttpError(412, _("The If-Match header is not a version of this file."))
    return int(expected)


def page_of(queryset: QuerySet[Any], page: int) -> tuple[list[Any], int, bool]:
    """One page of rows and whether another follows (one row more is read to know)."""
    page = max(1, page)
    rows = list(queryset[(page - 1) * PER_PAGE : page * PER_PAGE + 1])
    return rows[:PER_PAGE], page, len(rows) > PER_PAGE


def named(label: Any, message: str) -> str:
    return _("%(field)s: %(message)s") % {"field": label, "message": message}


def form_errors(form: forms.Form, names: dict[str, str]) -> list[dict[str, str]]:
    """A bound form's errors as the API reports them: the API's field name and a message naming
    the field (the form's label), in the request's language."""
    errors = []
    for field, field_errors in form.errors.as_data().items():
        label = form.fields[field].label if field in form.fields else None
        for error in field_errors:
            for message in error.messages:
                errors.append(
                    {
                        "field": "" if field == NON_FIELD_ERRORS else names.get(field, field),
                        "code": error.code or "invalid",
                        "message": named(label, message) if label else message,
                    }
                )
    return errors


def search_query() -> Any:
    """The `q` of a list: at most as long as the ledger's search box takes."""
    return params.Query("", max_length=SEARCH_MAX, description="Search text, as the ledger's box.")


def page_query() -> Any:
    """The `page` query parameter of a list: 1 to MAX_PAGE, else 422 naming it (a page past the
    database's 64-bit offsets was a 500)."""
    return params.Query(1, ge=1, le=MAX_PAGE, description=f"Page number, 1 to {MAX_PAGE}.")
