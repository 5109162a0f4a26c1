"""Form helpers every app's forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_noop

from tongcheng.lib.phone import PhoneError, normalize_phone

# Django 6.1's blank choice of a select. Django's own Chinese catalogue has no entry for it
# yet, so ours carries it; this mark keeps makemessages from dropping it as obsolete.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")


class BootstrapMixin:
    """Give widgets the Bootstrap classes (templates cannot add attributes without a filter)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
                # RadioSelect covers CheckboxSelectMultiple: each choice is a Bootstrap check
                # (includes/form_fields.html lays them out as one per line).
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput) and widget.input_type == "date":
                # A native date picker takes only ISO values; the localized zh-hans format
                # (2014/03/05) would show an empty field and lose the value on save.
                widget.format = "%Y-%m-%d"


class PhoneField(forms.CharField):
    """A phone number, normalised (lib.phone); empty stays empty when the field is optional.
    Its input opens the phone keypad on a phone, as the ledger's does."""

    widget = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})

    def clean(self, value: Any) -> str:
        raw: str = super().clean(value)
        if not raw.strip():
            return ""
        try:
            return normalize_phone(raw)
        except PhoneError as exc:
            raise forms.ValidationError(exc.message) from exc
