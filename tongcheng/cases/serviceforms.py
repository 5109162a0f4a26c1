"""The forms of the services beyond dispatch: one small form per step recorded on a case, the
certificate check, and the volunteer team's roster."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.forms import LINE_LIMIT, RuledText
from tongcheng.cases.servicemodels import EmploymentOutcome, LegalVolunteer, ReliefPayment
from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, User


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _amount() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )


class StepForm(BootstrapMixin, forms.Form):
    """A step's form; several sit on the case page, each with ids of its own."""

    step = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.step}_%s")
        super().__init__(*args, **kwargs)


class GrantForm(StepForm):
    step = "grant"
    valid_from = _date(_("Valid from"))
    valid_until = _date(_("Valid until"))


class RevokeForm(StepForm):
    step = "revoke"
    reason = RuledText(label=_("Reason for the revocation"))


class WaiverForm(StepForm):
    step = "waiver"
    amount = _amount()
    period_from = _date(_("Period from"))
    period_until = _date(_("Period until"))


class ReliefForm(StepForm):
    step = "relief"
    kind = forms.ChoiceField(label=_("Kind of relief"), choices=ReliefPayment.Kind.choices)
    amount = _amount()
    paid_on = _date(_("Paid on"))


class OutcomeForm(StepForm):
    step = "employment"
    kind = forms.ChoiceField(
        label=_("Referral or training"), choices=EmploymentOutcome.Kind.choices
    )
    partner = RuledText(label=_("Employer or course"), max_length=128)
    result = forms.ChoiceField(label=_("Outcome"), choices=EmploymentOutcome.Result.choices)
    on = _date(_("Date"))
    note = RuledText(label=_("Note"), required=False, max_length=LINE_LIMIT)


class AssignForm(StepForm):
    step = "assign"
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=LegalVolunteer.objects.none())

    def __init__(self, *args: Any, team: QuerySet[LegalVolunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = team


class VerifyForm(BootstrapMixin, forms.Form):
    serial = forms.CharField(label=_("Serial number"), max_length=20)
    code = forms.CharField(label=_("Verification code"), max_length=8)


class VolunteerForm(BootstrapMixin, forms.Form):
    name = RuledText(label=_("Name"), max_length=64)
    contact = RuledText(label=_("Contact"), max_length=64)
    skills = RuledText(label=_("Skills"), max_length=200, required=False)
    active = forms.BooleanField(label=_("On the team"), required=False, initial=True)


class VolunteerCreateForm(VolunteerForm):
    """A new team member: an account holding the volunteer role in the keeper's area."""

    account = forms.ModelChoiceField(label=_("Account"), queryset=User.objects.none())
    district = forms.ModelChoiceField(label=_("District"), queryset=Area.objects.none())
    field_order = ["account", "district", "name", "contact", "skills", "active"]

    def __init__(self, *args: Any, prefixes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account = self.fields["account"]
        district = self.fields["district"]
        assert isinstance(account, forms.ModelChoiceField)
        assert isinstance(district, forms.ModelChoiceField)
        district.queryset = Area.objects.filter(
            subtree_q(prefixes, "code"), level=Area.Level.DISTRICT
        ).order_by("code")
        account.queryset = (
            User.objects.filter(
                subtree_q(prefixes, "memberships__area__code"),
                memberships__role=Role.LEGAL_VOLUNTEER,
                legal_volunteer__isnull=True,
            )
            .distinct()
            .order_by("username")
        )
