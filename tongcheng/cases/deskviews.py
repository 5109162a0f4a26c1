"""The dispatching offices' page: the dispatch desk (派单台).

The desk is the dispatchers' to-do (the district and city offices, the hotline operators); a
unit's liaison has the inbox instead (views.inbox). Every action is taken on the case page the
row links to. The desk shows staff's words about cases (a return's basis, a request's reason,
an instruction): each GET writes one audit event with the ids shown.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tongcheng.audit.services import audit_record
from tongcheng.cases.desk import desk_sections, shown_case_ids
from tongcheng.org.models import User


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def desk(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    sections = desk_sections(user)
    audit_record(
        actor=request, action="case.list", object_type="case",
        detail={"page": "desk", "ids": shown_case_ids(sections)},
    )  # fmt: skip
    context = {
        "sections": sections,
        "now": timezone.now(),
    }
    return render(request, "cases/desk.html", context)
