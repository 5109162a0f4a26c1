"""The engagement's forms: an appointment, its end, a talk, the list's filters, the festival
dates of a year. Texts go through the product's text rule (cases.forms.RuledText)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.forms import RuledText
from tongcheng.cases.models import Service
from tongcheng.engagement.models import Duty, Kind, Period, Representative, Topic
from tongcheng.engagement.scope import WRITERS
from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.forms import BootstrapMixin, PhoneField
from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, Ethnicity, User


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


def _accounts(prefixes: list[str], roles: frozenset[Role]) -> QuerySet[User]:
    """Active accounts with a membership of `roles` inside the subtrees (one query)."""
    return (
        User.objects.filter(is_active=True, memberships__role__in=sorted(roles))
        .filter(subtree_q(prefixes, "memberships__area__code"))
        .distinct()
        .order_by("display_name", "username")
    )


class AccountChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name or obj.username} ({obj.username})"


class RepresentativeForm(BootstrapMixin, forms.Form):
    """An appointment; `with_file` leaves out the identity (it is the file's)."""

    name = RuledText(label=_("Name"), max_length=64, required=False)
    ethnicity = forms.ModelChoiceField(
        label=_("Ethnic group"), queryset=Ethnicity.objects.all(), required=False
    )
    phone = PhoneField(label=_("Phone"), max_length=32, required=False)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    term_from = _date(_("Term from"))
    term_to = _date(_("Term to"))
    office = RuledText(label=_("Appointing office"), max_length=64)
    officer = AccountChoice(label=_("Responsible officer"), queryset=User.objects.none())
    duties = forms.MultipleChoiceField(
        label=_("Social duties"), choices=Duty.choices, widget=forms.CheckboxSelectMultiple,
        initial=list(Duty.values),
    )  # fmt: skip
    account = AccountChoice(
        label=_("Representative's account"), queryset=User.objects.none(), required=False,
        help_text=_("An account holding the representative role, to see the appointment."),
    )  # fmt: skip
    # The version of the appointment the page showed (a change; none for a new appointment).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, prefixes: list[str], with_file: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)
        area.queryset = (
            Area.objects.in_subtree(prefixes).exclude(level=Area.Level.CITY).order_by("code")
        )
        officer = self.fields["officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = _accounts(prefixes, WRITERS)
        account = self.fields["account"]
        assert isinstance(account, forms.ModelChoiceField)
        account.queryset = _accounts(prefixes, frozenset({Role.REPRESENTATIVE}))
        if with_file:
            for name in ("name", "ethnicity", "phone"):
                del self.fields[name]
        else:
            self.required_marks = {"name", "ethnicity"}


class EndForm(BootstrapMixin, forms.Form):
    ended_on = _date(_("Ended on"))
    reason = RuledText(label=_("Reason"), max_length=200)


class ContactForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    held_on = _date(_("Date"))
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple,
        required=False,
    )  # fmt: skip
    summary = RuledText(label=_("Summary"), max_length=500)
    follow_up = RuledText(label=_("Follow-up"), max_length=500, required=False)
    case_service = forms.ModelChoiceField(
        label=_("Open a 三必帮 case for the follow-up"),
        queryset=Service.objects.filter(active=True), required=False,
        help_text=_("Choose the service to open the follow-up as a case at once."),
    )  # fmt: skip


class ListFilter(BootstrapMixin, forms.Form):
    STATES = [("", _("All")), *Representative.State.choices]
    state = forms.ChoiceField(label=_("State"), choices=STATES, required=False)
    area = forms.CharField(label=_("Area code"), max_length=12, required=False)
    ending = forms.BooleanField(label=_("Term ending within 60 days"), required=False)

    def clean_area(self) -> str:
        code: str = self.cleaned_data["area"].strip()
        if code and (not code.isdigit() or not code.isascii() or len(code) != 12):
            raise forms.ValidationError(_("An area code has 12 digits."))
        return code


class ComplianceFilter(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Cadence"), choices=Period.choices, required=False)
    area = forms.CharField(label=_("Area code"), max_length=12, required=False)

    def clean_area(self) -> str:
        code: str = self.cleaned_data["area"].strip()
        if code and (not code.isdigit() or not code.isascii() or len(code) != 12):
            raise forms.ValidationError(_("An area code has 12 digits."))
        return code


class FestivalForm(BootstrapMixin, forms.Form):
    eid_al_adha = _date(_("古尔邦节"), required=False)
    eid_al_fitr = _date(_("开斋节"), required=False)
    source = RuledText(label=_("Source of the dates"), max_length=200)
