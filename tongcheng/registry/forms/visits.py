"""The visit form (入户调查), used by the visit page and the API's visit operation alike."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.phone import PhoneError, normalize_phone
from tongcheng.lib.textnorm import normalize_text
from tongcheng.org.models import Area
from tongcheng.registry.actions.visits import VisitInput, VisitUpdates
from tongcheng.registry.models import Occupation, Visit
from tongcheng.registry.validation import apply_text_rules

# The three facts of 三必清 (rules.FACTS), as pages name them.
FACT_LABELS = {"origin": _("Origin"), "address": _("Address"), "occupation": _("Occupation")}


class VisitForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(
        label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Visit.Outcome.choices, widget=forms.RadioSelect
    )
    verified = forms.MultipleChoiceField(
        label=_("Verified during the visit"),
        choices=list(FACT_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    address = forms.CharField(label=_("New address"), max_length=255, required=False)
    phone = forms.CharField(
        label=_("New phone number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    occupation = forms.ChoiceField(
        label=_("New occupation"),
        choices=[("", _("Unchanged")), *Occupation.choices],
        required=False,
    )
    occupation_text = forms.CharField(
        label=_("Occupation (details)"), max_length=128, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_text_rules(self.fields)

    def clean_visited_on(self) -> Any:
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The visit date cannot be in the future."))
        return value

    def clean_address(self) -> str:
        return normalize_text(self.cleaned_data["address"])

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw, default_area_code="0355")
        except PhoneError as error:
            raise ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verified") and data.get("outcome") != Visit.Outcome.MET:
            self.add_error("verified", _("Facts can only be verified when you met the person."))
        return data

    def visit_input(self) -> VisitInput:
        data = self.cleaned_data
        return VisitInput(
            visited_on=data["visited_on"],
            outcome=data["outcome"],
            verified=frozenset(data["verified"]),
            updates=VisitUpdates(
                address=data["address"],
                phone=data["phone"],
                occupation=data["occupation"],
                occupation_text=normalize_text(data["occupation_text"]),
            ),
            notes=data["notes"].strip(),
        )


class VisitsDueForm(BootstrapMixin, forms.Form):
    """The visits-due filter: one community of the user's scope (the printable list needs one)."""

    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Area.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All my communities"),
    )

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[Area], self.fields["community"]).queryset = communities
        self.fields["community"].widget.attrs["data-autosubmit"] = ""
