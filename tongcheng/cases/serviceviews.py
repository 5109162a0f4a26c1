"""The pages of the services beyond dispatch on a case: one POST URL per step recorded on the
case (`case_service`), a certification's page and its printable PDF, and the staff's
certificate check.

A refused step re-shows the case with the reason (409), a form with a problem with the field
named (400). Each personal page writes one audit event per GET.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.audit.services import audit_record
from tongcheng.cases import serviceselectors
from tongcheng.cases.access import get_case_for_user, get_certification_for_user
from tongcheng.cases.actions import legalaid, services
from tongcheng.cases.certificate import certificate_pdf, font_missing
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import Case
from tongcheng.cases.serviceforms import VerifyForm
from tongcheng.cases.servicemodels import Certification
from tongcheng.cases.servicepanel import step_form
from tongcheng.cases.views import _detail
from tongcheng.org.models import User


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _carry_out(user: User, case: Case, step: str, data: dict[str, Any]) -> None:
    if step == "grant":
        services.certification_grant(
            actor=user, case_id=case.pk, valid_from=data["valid_from"],
            valid_until=data["valid_until"],
        )  # fmt: skip
    elif step == "revoke":
        certification = Certification.objects.filter(case=case).first()
        if certification is None:
            raise CaseRefused(_("This case has granted no certification."))
        services.certification_revoke(
            actor=user, certification_id=certification.pk, reason=data["reason"]
        )
    elif step == "waiver":
        waiver = services.WaiverInput(data["amount"], data["period_from"], data["period_until"])
        services.waiver_record(actor=user, case_id=case.pk, data=waiver)
    elif step == "relief":
        services.relief_record(
            actor=user, case_id=case.pk, kind=data["kind"], amount=data["amount"],
            paid_on=data["paid_on"],
        )  # fmt: skip
    elif step == "employment":
        outcome = services.OutcomeInput(
            data["kind"], data["partner"], data["result"], data["on"], data["note"]
        )
        services.employment_record(actor=user, case_id=case.pk, data=outcome)
    elif step == "assign":
        legalaid.legal_aid_assign(actor=user, case_id=case.pk, volunteer=data["volunteer"])


@require_POST
def case_service(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user = _user(request)
    # A revocation may come after the case closed: the action asks whether the user may.
    case = get_case_for_user(user, pk, write=step != "revoke")
    try:
        form = step_form(step, case, request.POST)
    except KeyError as exc:
        raise Http404(step) from exc
    if form.is_valid():
        try:
            _carry_out(user, case, step, form.cleaned_data)
        except ValidationError as problem:
            for field, errors in problem.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except CaseRefused as refused:
            messages.error(request, refused.message)
            failed = (step, form)
            return _detail(request, get_case_for_user(user, pk), status=409, failed_service=failed)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:case_detail", pk=case.pk)
    messages.error(request, _("Check the form: a field is missing or wrong."))
    return _detail(request, get_case_for_user(user, pk), status=400, failed_service=(step, form))


def _certificate_page(
    request: HttpRequest, certification: Certification, *, status: int = 200
) -> HttpResponse:
    context = {"certification": certification, "font_missing": font_missing()}
    return render(request, "cases/certificate.html", context, status=status)


def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    certification = get_certification_for_user(_user(request), pk)
    audit_record(
        actor=request, action="certification.view", object_type="certification",
        object_id=certification.pk, area_code=certification.area_code,
    )  # fmt: skip
    return _certificate_page(request, certification)


def certificate_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    certification = get_certification_for_user(_user(request), pk)
    audit_record(
        actor=request, action="certification.print", object_type="certification",
        object_id=certification.pk, area_code=certification.area_code,
    )  # fmt: skip
    if font_missing():
        # The product runs without the font; only the print waits for it (docs/deploy.md).
        return _certificate_page(request, certification, status=503)
    response = HttpResponse(certificate_pdf(certification), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certification.pk}.pdf"'
    return response


def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Staff check a certificate by its serial and code: its status and nothing else."""
    form = VerifyForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = serviceselectors.verify(form.cleaned_data["serial"], form.cleaned_data["code"])
    audit_record(
        actor=request, action="certification.verify", object_type="certification",
        detail={"ids": [result.pk] if result else [], "checked": form.is_bound},
    )  # fmt: skip
    context = {"form": form, "result": result, "checked": form.is_bound and form.is_valid()}
    return render(request, "cases/certificate_verify.html", context)
