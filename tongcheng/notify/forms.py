"""The notification settings form: which kinds by email, the digest, a mobile for urgent texts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.phone import PhoneError, normalize_phone
from tongcheng.notify.kinds import all_kinds
from tongcheng.notify.models import Preference
from tongcheng.notify.services import wants_email

PREFIX = "email_"


class PreferenceForm(BootstrapMixin, forms.Form):
    digest = forms.BooleanField(
        label=_("A daily digest by email of what waits for me (working days, in the morning)"),
        required=False,
    )
    mobile = forms.CharField(
        label=_("Mobile for urgent text messages"),
        help_text=_("Leave empty to receive no text messages."),
        required=False,
        max_length=20,
    )

    def __init__(self, *args: Any, preference: Preference | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["digest"].initial = preference.digest if preference is not None else True
        for code, kind in sorted(all_kinds().items()):
            self.fields[PREFIX + code] = forms.BooleanField(
                label=str(kind.label),
                required=False,
                initial=wants_email(preference, code),
                # Added after the mixin styled the others.
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def email_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(PREFIX)]

    def clean_mobile(self) -> str:
        raw: str = self.cleaned_data["mobile"]
        if not raw.strip():
            return ""
        try:
            return normalize_phone(raw)
        except PhoneError as exc:
            raise forms.ValidationError(exc.message) from exc

    def email_choices(self) -> dict[str, bool]:
        return {
            name.removeprefix(PREFIX): bool(self.cleaned_data.get(name))
            for name in self.fields
            if name.startswith(PREFIX)
        }
