"""The KPI dashboard's filters (GET): a range of months, a district where the scope holds
several, a 三必帮 group. A refused filter is named and the default shown."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.kpi.figures import Filters
from tongcheng.cases.models import Group
from tongcheng.lib.forms import BootstrapMixin
from tongcheng.org.models import Area

DEFAULT_MONTHS = 12
MAX_MONTHS = 36
month_validator = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Write a month as YYYY-MM."))


def months_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def _month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


class KpiFilterForm(BootstrapMixin, forms.Form):
    start = forms.CharField(label=_("From month"), required=False, validators=[month_validator],
                            widget=forms.TextInput(attrs={"type": "month"}))  # fmt: skip
    end = forms.CharField(label=_("To month"), required=False, validators=[month_validator],
                          widget=forms.TextInput(attrs={"type": "month"}))  # fmt: skip
    district = forms.ChoiceField(label=_("District"), required=False)
    group = forms.ChoiceField(label=_("Service group"), required=False)

    def __init__(self, *args: Any, districts: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = self.fields["district"]
        assert isinstance(district, forms.ChoiceField)
        district.choices = [("", _("Every district in my scope"))] + [
            (a.code, a.name) for a in districts
        ]
        group = self.fields["group"]
        assert isinstance(group, forms.ChoiceField)
        group.choices = [("", _("Every service")), *Group.choices]
        self.offers_district = len(districts) > 1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        this_month = timezone.localdate().replace(day=1)
        end = _month(data["end"]) if data.get("end") else this_month
        start = _month(data["start"]) if data.get("start") else months_back(end, DEFAULT_MONTHS - 1)
        if start > end:
            raise ValidationError(_("The first month comes after the last one."))
        if start < months_back(end, MAX_MONTHS - 1):
            raise ValidationError(_("Choose at most 36 months."))
        data["range"] = (start, end)
        return data

    def filters(self) -> Filters:
        """The chosen filters, or the default (the last 12 months, everything) when refused."""
        if self.is_valid():
            start, end = self.cleaned_data["range"]
            return Filters(start, end, self.cleaned_data["district"], self.cleaned_data["group"])
        end = timezone.localdate().replace(day=1)
        return Filters(months_back(end, DEFAULT_MONTHS - 1), end)
