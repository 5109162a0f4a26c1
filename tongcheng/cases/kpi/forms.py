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
# Years 2000-2099: a month the product can count (year 0 or past 9999 has no month around it).
month_validator = RegexValidator(r"^20\d{2}-(0[1-9]|1[0-2])$", _("Write a month as YYYY-MM."))


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


class LeaderKpiForm(BootstrapMixin, forms.Form):
    """The leaders' one filter: a calendar year.

    Aggregate-only readers see small counts suppressed; a choice of overlapping views (a
    district or not, one month range or another, one service group or all) would let two pages
    be subtracted to recover a suppressed count. So a leader's views are the whole scope for
    one calendar year at a time: views that share no case, whose differences reveal nothing.
    """

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    # Shown for the template's sake (the same filter bar); never read.
    offers_district = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("districts", None)
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(y, str(y)) for y in range(this_year, this_year - 3, -1)]

    def filters(self) -> Filters:
        today = timezone.localdate()
        year = self.cleaned_data.get("year") if self.is_valid() else None
        year = year or today.year
        end = today.replace(day=1) if year == today.year else date(year, 12, 1)
        return Filters(date(year, 1, 1), end)
