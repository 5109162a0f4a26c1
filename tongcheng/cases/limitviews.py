"""The city office's page of time limits: what applies to each nature and urgency, the
services with limits of their own, and the form that sets a row."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.cases.actions.limits import LimitInput, time_limit_remove, time_limit_save
from tongcheng.cases.deadlines import DEFAULT_LIMITS
from tongcheng.cases.forms import TimeLimitForm
from tongcheng.cases.models import Nature, TimeLimit, Urgency
from tongcheng.org.models import User


@dataclass(frozen=True)
class LimitRow:
    nature: str
    urgency: str
    limits: tuple[str, str, str, str]
    default: bool  # no row entered: the 12345 defaults


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _rows() -> tuple[list[LimitRow], list[TimeLimit]]:
    entered = {
        (row.nature, row.urgency): row for row in TimeLimit.objects.filter(service__isnull=True)
    }
    general = []
    for nature in Nature:
        for urgency in Urgency:
            row = entered.get((nature.value, urgency.value))
            limits = (
                (row.dispatch, row.sign, row.handle, row.follow_up)
                if row is not None
                else DEFAULT_LIMITS[(nature, urgency)]
            )
            general.append(
                LimitRow(nature.label, urgency.label, limits, default=row is None)  # type: ignore[arg-type]
            )
    per_service = list(TimeLimit.objects.filter(service__isnull=False).select_related("service"))
    return general, per_service


def time_limits(request: HttpRequest) -> HttpResponse:
    form = TimeLimitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        time_limit_save(
            actor=_user(request),
            data=LimitInput(
                nature=data["nature"], urgency=data["urgency"], service=data["service"],
                dispatch=data["dispatch"], sign=data["sign"], handle=data["handle"],
                follow_up=data["follow_up"],
            ),
        )  # fmt: skip
        messages.success(request, _("The time limits were saved; they apply from now on."))
        return redirect("cases:time_limits")
    general, per_service = _rows()
    context = {"form": form, "general": general, "per_service": per_service}
    return render(request, "cases/time_limits.html", context, status=400 if form.errors else 200)


@require_POST
def time_limit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    row = TimeLimit.objects.filter(pk=pk, service__isnull=False).select_related("service").first()
    if row is None:
        raise Http404
    time_limit_remove(actor=_user(request), row=row)
    messages.success(request, _("The service follows its nature's limits again."))
    return redirect("cases:time_limits")
