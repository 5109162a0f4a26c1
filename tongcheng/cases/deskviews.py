"""The dispatching offices' pages: the dispatch desk (派单台), the printable 通报 list and its
PDF, and the city office's list of provisional deadlines.

The desk is the dispatchers' to-do (the district and city offices, the hotline operators); a
unit's liaison has the inbox instead (views.inbox). Every action is taken on the case page the
row links to. The desk and the 通报 list show staff's words about cases (a return's basis, a
request's reason, an instruction): each GET writes one audit event with the ids shown.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tongcheng.audit.services import audit_record
from tongcheng.cases.certificate import font_missing
from tongcheng.cases.circulation import CIRCULATION_LIMIT, Circulation, circulation
from tongcheng.cases.circulationpdf import circulation_pdf as render_pdf
from tongcheng.cases.desk import desk_sections, shown_case_ids
from tongcheng.cases.provisional import provisional_list
from tongcheng.org.contributions import may_open
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
        "may_circulate": may_open(user, "cases:circulation"),
        "now": timezone.now(),
    }
    return render(request, "cases/desk.html", context)


def _circulation(request: HttpRequest, page: str) -> Circulation:
    """The user's 通报 list, its read audited once (the ids listed)."""
    listing = circulation(_user(request))
    audit_record(
        actor=request, action="case.list", object_type="case",
        detail={"page": page, "ids": listing.ids},
    )  # fmt: skip
    return listing


def circulation_list(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    """The 通报 list to print (the page prints without the shell)."""
    listing = _circulation(request, "circulation")
    context = {"listing": listing, "limit": CIRCULATION_LIMIT, "font_missing": font_missing()}
    return render(request, "cases/circulation.html", context, status=status)


def circulation_pdf(request: HttpRequest) -> HttpResponse:
    if font_missing():
        # The product runs without the font; only the PDF waits for it (docs/deploy.md).
        return circulation_list(request, status=503)
    listing = _circulation(request, "circulation_pdf")
    response = HttpResponse(render_pdf(listing), content_type="application/pdf")
    name = f"circulation-{listing.today:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def provisional(request: HttpRequest) -> HttpResponse:
    """Open cases with a provisional deadline, and the missing years to enter (org's page)."""
    listing = provisional_list(_user(request))
    return render(request, "cases/provisional.html", {"listing": listing})
