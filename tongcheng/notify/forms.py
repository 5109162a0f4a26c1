"""The notification settings form: which kinds by email, the digest, a mobile for urgent texts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.forms import BootstrapMixin, PhoneField
from tongcheng.notify.kinds import all_kinds
from tongcheng.notify.models import Preference
from tongcheng.notify.services import wants_email

PREFIX = "email_"


class PreferenceForm(BootstrapMixin, forms.Form):
    digest = forms.BooleanField(
        label=_("A daily digest by email of what waits for me (working days, in the morning)"),
        required=False,
    )
    mobile = PhoneField(
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

    def email_choices(self) -> dict[str, bool]:
        return {
            name.removeprefix(PREFIX): bool(self.cleaned_data.get(name))
            for name in self.fields
            if name.startswith(PREFIX)
        }
