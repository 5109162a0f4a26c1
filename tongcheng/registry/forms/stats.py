"""The statistics page's period filter (GET), checked like any other input."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.registry.stats import ARRIVAL_MONTHS, PERIODS


class StatsPeriodForm(BootstrapMixin, forms.Form):
    months = forms.TypedChoiceField(
        label=_("Period"),
        choices=[(n, n) for n in PERIODS],
        coerce=int,
        initial=ARRIVAL_MONTHS,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": _("Period: choose the last 6, 12, 24 or 36 months."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labelled here, in the request's language.
        field = cast(forms.TypedChoiceField, self.fields["months"])
        field.choices = [(n, gettext("Last %(n)d months") % {"n": n}) for n in PERIODS]

    def period(self) -> int:
        """The chosen months, or the default when the input is missing or refused."""
        if self.is_valid() and self.cleaned_data["months"]:
            return int(self.cleaned_data["months"])
        return ARRIVAL_MONTHS
