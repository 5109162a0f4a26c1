"""What the meetings' views share: form errors as one message naming each field, refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from tongcheng.meetings.errors import MeetingRefused


def problems(form: forms.Form) -> str:
    """The form's errors as one sentence, each naming its field: "时间：请输入…"."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            parts.append(_("%(field)s: %(message)s") % {"field": label, "message": error}
                         if label else str(error))  # fmt: skip
    return " ".join(parts)


def refused(
    request: HttpRequest, error: MeetingRefused | str, to: str, *args: object
) -> HttpResponse:
    messages.error(request, error.message if isinstance(error, MeetingRefused) else error)
    return redirect(to, *args)


def page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


def run_step(
    request: HttpRequest,
    form: forms.Form,
    step: Callable[[dict[str, Any]], object],
    done: str,
    to: str,
    pk: int,
) -> HttpResponse:
    """A POST step of a page: the form's errors or the step's refusal as a message, else the
    step made and `done` said; back to the page `to` of `pk` either way."""
    if not form.is_valid():
        return refused(request, problems(form), to, pk)
    try:
        step(form.cleaned_data)
    except MeetingRefused as error:
        return refused(request, error, to, pk)
    messages.success(request, done)
    return redirect(to, pk)
