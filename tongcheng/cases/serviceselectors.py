"""Reads of the services beyond dispatch: a person's valid certification, the verification of a
certificate, a district's volunteer team and whether a case may be given to it, and the yearly
relief sums per area (which the funding module will read).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear, Substr
from django.utils.translation import gettext as _

from tongcheng.cases.models import Case, Service
from tongcheng.cases.scope import CASE_AREA_ROLES
from tongcheng.cases.servicemodels import (
    Certification,
    LegalVolunteer,
    ReliefPayment,
    consent_on_file,
    valid_certifications_q,
)
from tongcheng.lib.areacodes import CODE_LENGTH, LEVEL_PREFIX_LENGTH
from tongcheng.lib.masking import mask_name
from tongcheng.org.models import Area, User


def valid_certification(person_id: int | None, today: date | None = None) -> Certification | None:
    """The person's certification valid today, the one lasting longest (None without a file).

    Read by the person, not through the case's scope: a waiver case shows its unit whether the
    person is certified (serial, dates, office) although the unit never sees the certification
    case itself.
    """
    if person_id is None:
        return None
    return (
        Certification.objects.filter(person_id=person_id)
        .filter(valid_certifications_q(today))
        .select_related("department")
        .order_by("-valid_until", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Verification:
    """All the verification page tells: nothing of the person but the masked name (`pk` is
    for the audit event only)."""

    pk: int
    serial: str
    holder: str
    valid_from: date
    valid_until: date
    office: str
    status: str
    status_label: str


def verify(serial: str, code: str) -> Verification | None:
    """The certificate with this serial when the code matches (None otherwise, the same answer
    for a wrong serial and a wrong code, so neither can be probed alone)."""
    certification = (
        Certification.objects.filter(serial=serial.strip().upper())
        .select_related("person", "department")
        .first()
    )
    if certification is None or not hmac.compare_digest(
        certification.verify_code.encode(), code.strip().upper().encode()
    ):
        return None
    return Verification(
        pk=certification.pk,
        serial=certification.serial,
        holder=mask_name(certification.person.name),
        valid_from=certification.valid_from,
        valid_until=certification.valid_until,
        office=certification.department.name,
        status=certification.status(),
        status_label=certification.status_label(),
    )


def district_code(case: Case) -> str:
    """The 12-digit code of the case's district (its volunteer team assists there)."""
    return case.area_code[: LEVEL_PREFIX_LENGTH["district"]].ljust(CODE_LENGTH, "0")


def team_for(case: Case) -> list[LegalVolunteer]:
    """The active volunteers of the case's district team."""
    return list(
        LegalVolunteer.objects.active().filter(area_code=district_code(case)).order_by("name")
    )


def why_not_assignable(case: Case) -> str:
    """Why the case cannot be given to a volunteer now, in words ("" when it can)."""
    if case.service.kind != Service.Kind.LEGAL_AID:
        return _("Only a legal-aid case is given to a volunteer.")
    if not case.is_open:
        return _("The case is closed.")
    if case.person is None:
        return _("The person has no file, so no consent can be on file: link the case first.")
    if not consent_on_file(case.person):
        return _(
            "The person's consent to share the file with legal-aid volunteers is not on file "
            "(never given, or withdrawn): record it on the file first."
        )
    return ""


@dataclass(frozen=True)
class ReliefSum:
    year: int
    area_code: str
    area_name: str
    payments: int
    total: Decimal


CENT = Decimal("0.01")
# The level the sums are broken down to, one below the user's widest area.
NEXT_LEVEL = {4: "district", 6: "street", 9: "community", 12: "community"}


def breakdown_length(user: User) -> int:
    """How many digits of the code group the sums for this user (one level below their area)."""
    widest = min((len(p) for p in user.scope_prefixes(CASE_AREA_ROLES)), default=12)
    return LEVEL_PREFIX_LENGTH[NEXT_LEVEL.get(widest, "community")]


def relief_yearly_sums(user: User, *, length: int | None = None) -> list[ReliefSum]:
    """Relief paid per year and per area (`length` digits of the code; one level below the
    user's area by default), within the user's scope, newest year first. Two queries."""
    digits = length or breakdown_length(user)
    rows = list(
        ReliefPayment.objects.visible_to(user)
        .annotate(year=ExtractYear("paid_on"), area=Substr("area_code", 1, digits))
        .values("year", "area")
        .annotate(payments=Count("pk"), total=Sum("amount"))
        .order_by("-year", "area")
    )
    codes = {row["area"].ljust(CODE_LENGTH, "0") for row in rows}
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        ReliefSum(
            year=row["year"],
            area_code=row["area"].ljust(CODE_LENGTH, "0"),
            area_name=names.get(row["area"].ljust(CODE_LENGTH, "0"), row["area"]),
            payments=row["payments"],
            # SQLite sums decimals as floats: back to yuan and fen.
            total=Decimal(row["total"] or 0).quantize(CENT),
        )
        for row in rows
    ]
