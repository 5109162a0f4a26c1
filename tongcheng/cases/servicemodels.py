"""What the services beyond dispatch record on a case: certifications, waivers, relief, legal
aid, employment outcomes, and the district's legal-aid volunteer team.

Each record belongs to one case and is seen with it: `visible_to` is the case's own rule
(`Case.objects.visible_to`, reached through the foreign key, so this module needs no import of
models.py, which imports it). The volunteer roster is the district's, seen by the area roles
of the district. The one rule that lets a volunteer see a case (an active assignment while the
person's legal-aid sharing consent is on file) is `volunteer_cases_q`, which
`Case.objects.visible_to` adds; it is read at every request, so a withdrawal ends the access
at once.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.cases import scope
from tongcheng.cases.certcodes import verify_code_of
from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.org.models import Area, Department
from tongcheng.registry.models import Consent, Person

if TYPE_CHECKING:
    from tongcheng.org.models import User


class CaseRowQuerySet[M: models.Model](models.QuerySet[M]):
    """Rows that belong to one case: seen exactly where the case is seen."""

    def visible_to(self, user: User) -> CaseRowQuerySet[M]:
        case_model = cast(Any, self.model._meta.get_field("case").related_model)
        return self.filter(case__in=case_model.objects.visible_to(user).values("pk"))


def sharing_consent_q(person_field: str = "person") -> Q:
    """An open legal-aid sharing consent of the person at `person_field` (an OuterRef path)."""
    return Q(
        Exists(
            Consent.objects.filter(
                person=OuterRef(person_field),
                kind=Consent.Kind.LEGAL_AID_SHARING,
                withdrawn_on__isnull=True,
            )
        )
    )


def volunteer_cases_q(user: User) -> Q:
    """Cases a volunteer sees: assigned to them (an active assignment, an active roster row)
    while the consent the assignment was made under is not withdrawn.

    The assignment names that consent: a consent given again after a withdrawal is a new row,
    so it does not bring the old assignment back — the office assigns the case anew."""
    if not scope.acts_as_volunteer(user):
        return Q(pk__in=[])
    assigned = LegalAidAssignment.objects.filter(
        case=OuterRef("pk"),
        ended_at__isnull=True,
        volunteer__user=user,
        volunteer__active=True,
        consent__person=OuterRef("person"),
        consent__kind=Consent.Kind.LEGAL_AID_SHARING,
        consent__withdrawn_on__isnull=True,
    )
    return Q(Exists(assigned))


def consent_on_file(person: Person | None) -> bool:
    """Whether the person's legal-aid sharing consent is on file now (the same rule)."""
    if person is None:
        return False
    return Person.objects.filter(pk=person.pk).filter(sharing_consent_q("pk")).exists()


class Certification(models.Model):
    """特困人员认定: the grant that ends a hardship-certification case, and its certificate.

    The serial is printed on the certificate with a verification code; staff check both on the
    verification page. A certification is valid from `valid_from` to `valid_until` unless it
    was revoked.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        NOT_YET = "not_yet", _("Not yet valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    case = models.OneToOneField(
        "cases.Case", models.PROTECT, related_name="certification", verbose_name=_("case")
    )
    person = models.ForeignKey(Person, models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=12, editable=False)
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="+", verbose_name=_("issuing office")
    )
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    # The verification code, encrypted (identifiers.verify_code_column); `verify_code` reads it.
    verify_code_enc = models.TextField(editable=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(_("reason for the revocation"), blank=True)

    objects = CaseRowQuerySet["Certification"].as_manager()

    class Meta:
        ordering = ["-valid_until", "-pk"]
        verbose_name = _("hardship certification")
        verbose_name_plural = _("hardship certifications")
        indexes = [
            models.Index(fields=["area_code", "valid_until"], name="cert_area_until_idx"),
            models.Index(fields=["person", "valid_until"], name="cert_person_until_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="cert_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def verify_code(self) -> str:
        return verify_code_of(self.verify_code_enc)

    def status(self, today: date | None = None) -> str:
        day = today or timezone.localdate()
        if self.revoked_on is not None:
            return self.Status.REVOKED
        if day < self.valid_from:
            return self.Status.NOT_YET
        if day > self.valid_until:
            return self.Status.EXPIRED
        return self.Status.VALID

    def status_label(self) -> str:
        return str(dict(self.Status.choices)[self.status()])


def valid_certifications_q(today: date | None = None) -> Q:
    """Certifications valid on `today`: not revoked, today inside their dates."""
    day = today or timezone.localdate()
    return Q(revoked_on__isnull=True, valid_from__lte=day, valid_until__gte=day)


class FeeWaiver(models.Model):
    """A school-fee or medical-cost waiver: amount and period, and the certification it found."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School fees")
        MEDICAL = "medical", _("Medical costs")

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="waiver")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    period_from = models.DateField(_("period from"))
    period_until = models.DateField(_("period until"))
    # The valid certification the waiver found when it was recorded (none: waived without).
    certification = models.ForeignKey(
        Certification, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    objects = CaseRowQuerySet["FeeWaiver"].as_manager()

    class Meta:
        verbose_name = _("fee waiver")
        verbose_name_plural = _("fee waivers")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="waiver_amount_positive"),
            models.CheckConstraint(
                condition=Q(period_until__gte=models.F("period_from")),
                name="waiver_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.amount}"


class ReliefPayment(models.Model):
    """A relief payment (救助) made on a case: its kind, amount and day paid."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Temporary relief in cash")
        IN_KIND = "in_kind", _("Relief in kind")
        MEDICAL = "medical", _("Medical relief")
        EDUCATION = "education", _("Education relief")

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="relief_payments")
    # The case's community (copied): yearly sums per area read this table alone.
    area_code = models.CharField(max_length=12, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    objects = CaseRowQuerySet["ReliefPayment"].as_manager()

    class Meta:
        ordering = ["case_id", "paid_on", "pk"]
        verbose_name = _("relief payment")
        verbose_name_plural = _("relief payments")
        indexes = [models.Index(fields=["area_code", "paid_on"], name="relief_area_paid_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="relief_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.amount}"


class VolunteerQuerySet(models.QuerySet["LegalVolunteer"]):
    def visible_to(self, user: User) -> VolunteerQuerySet:
        """The roster rows of the districts inside the user's area scope."""
        return self.filter(subtree_q(user.scope_prefixes(AREA_ROLES)))

    def active(self) -> VolunteerQuerySet:
        return self.filter(active=True)


class LegalVolunteer(models.Model):
    """A member of a district's legal-aid volunteer team, with the account they log in with."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="legal_volunteer",
        verbose_name=_("account"),
    )  # fmt: skip
    district = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("district"))
    area_code = models.CharField(max_length=12, editable=False)
    name = models.CharField(_("name"), max_length=64)
    contact = models.CharField(_("contact"), max_length=64)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    active = models.BooleanField(_("on the team"), default=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["area_code", "name", "pk"]
        verbose_name = _("legal-aid volunteer")
        verbose_name_plural = _("legal-aid volunteers")

    def __str__(self) -> str:
        return self.name


class LegalAidAssignment(models.Model):
    """A legal-aid case given to a volunteer of the district's team (one active at a time)."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="legal_aid_assignments")
    volunteer = models.ForeignKey(LegalVolunteer, models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    # The sharing consent the assignment was made under; its withdrawal ends the access.
    consent = models.ForeignKey(Consent, models.SET_NULL, null=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = CaseRowQuerySet["LegalAidAssignment"].as_manager()

    class Meta:
        ordering = ["case_id", "-assigned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="legalaid_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.volunteer_id}"

    @property
    def consent_withdrawn(self) -> bool:
        """Whether the volunteer has lost the case: its consent withdrawn (or gone)."""
        return self.consent is None or self.consent.withdrawn_on is not None


class EmploymentOutcome(models.Model):
    """A referral to an employer or a training course, and how it ended (人社局)."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("Referral to an employer")
        TRAINING = "training", _("Training course")

    class Result(models.TextChoices):
        PENDING = "pending", _("Waiting for the result")
        HIRED = "hired", _("Hired")
        NOT_HIRED = "not_hired", _("Not hired")
        COMPLETED = "completed", _("Training completed")
        DROPPED = "dropped", _("Training not completed")

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="employment_outcomes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    partner = models.CharField(_("employer or course"), max_length=128)
    result = models.CharField(_("outcome"), max_length=10, choices=Result.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    objects = CaseRowQuerySet["EmploymentOutcome"].as_manager()

    class Meta:
        ordering = ["case_id", "on", "pk"]
        verbose_name = _("employment outcome")
        verbose_name_plural = _("employment outcomes")

    def __str__(self) -> str:
        return f"{self.case_id} · {self.kind}"
