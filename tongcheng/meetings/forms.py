"""The meetings' forms (Bootstrap-styled); the rules they share with the API are in the actions.

Every text goes through the product's text rule (cases.forms.RuledText): a control character
would make the .docx notice and minutes fail to render, a bidirectional override would make
them read differently from what was typed. A meeting's time lies in the years the product
counts working days for (MEETING_YEARS): one of year 1 could not even be read back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.forms import RuledText
from tongcheng.lib.forms import BootstrapMixin
from tongcheng.meetings.actions.items import MAX_WORKING_DAYS
from tongcheng.meetings.models import DEFAULT_CADENCE_MONTHS, Invitation
from tongcheng.org.models import Area, Department

# The years a meeting may be held in.
MEETING_YEARS = (2000, 2099)
# An agenda line, as the agenda keeps it.
AGENDA_LINE = 200


class MeetingForm(BootstrapMixin, forms.Form):
    office = forms.ModelChoiceField(Area.objects.none(), label=_("Convening office"))
    title = RuledText(label=_("Title"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = RuledText(label=_("Place"), max_length=120)
    chair = RuledText(label=_("Chair"), max_length=60, required=False)
    agenda = RuledText(
        label=_("Agenda (one item a line)"), widget=forms.Textarea(attrs={"rows": 5}),
        max_length=50 * AGENDA_LINE, required=False,
        help_text=_("The open action items of the last meeting come first, on their own."),
    )  # fmt: skip
    departments = forms.ModelMultipleChoiceField(
        Department.objects.none(), label=_("Units invited"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, offices: list[Area], units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Area.objects.filter(pk__in=[a.pk for a in offices])
        if len(offices) == 1:
            field.initial = offices[0].pk
        units_field = self.fields["departments"]
        assert isinstance(units_field, forms.ModelMultipleChoiceField)
        units_field.queryset = units
        units_field.widget.attrs["class"] = "form-check-input"

    def clean_starts_at(self) -> datetime:
        value: datetime = self.cleaned_data["starts_at"]
        first, last = MEETING_YEARS
        if not first <= value.year <= last:
            raise forms.ValidationError(
                _("Choose a time in the years %(first)d to %(last)d.")
                % {"first": first, "last": last}
            )
        return value

    def clean_agenda(self) -> str:
        value: str = self.cleaned_data["agenda"]
        if any(len(line.strip()) > AGENDA_LINE for line in value.splitlines()):
            raise forms.ValidationError(
                _("An agenda line has at most %(limit)d characters.") % {"limit": AGENDA_LINE}
            )
        return value

    def agenda_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]


class AnswerForm(BootstrapMixin, forms.Form):
    attending = forms.TypedChoiceField(
        label=_("Answer"), coerce=lambda v: v == "yes",
        choices=[("yes", _("We attend")), ("no", _("We cannot attend"))],
    )  # fmt: skip
    delegate = RuledText(label=_("Delegate"), max_length=60, required=False)
    reason = RuledText(label=_("Reason for declining"), max_length=200, required=False)
    expected = forms.ChoiceField(choices=Invitation.Answer.choices, widget=forms.HiddenInput)


class ReportForm(BootstrapMixin, forms.Form):
    report = RuledText(
        label=_("Work report"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )


class MinutesForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    chair = RuledText(label=_("Chair"), max_length=60, required=False)
    minutes = RuledText(
        label=_("Minutes"), max_length=50000, required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )  # fmt: skip


class ItemForm(BootstrapMixin, forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("Member unit"))
    title = RuledText(label=_("Decision"), max_length=200)
    working_days = forms.IntegerField(
        label=_("Working days to complete"), min_value=1, max_value=MAX_WORKING_DAYS, initial=20
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class ItemReportForm(BootstrapMixin, forms.Form):
    text = RuledText(
        label=_("Progress, or what was done"), max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    done = forms.BooleanField(label=_("The item is done"), required=False)


class SuperviseForm(BootstrapMixin, forms.Form):
    instruction = RuledText(
        label=_("Instruction (督办)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SettingForm(BootstrapMixin, forms.Form):
    office = forms.ModelChoiceField(Area.objects.none(), label=_("Convening office"))
    cadence_months = forms.IntegerField(
        label=_("Meets every (months)"), min_value=1, max_value=12, initial=DEFAULT_CADENCE_MONTHS
    )
    office_name = RuledText(label=_("Office name on the notices"), max_length=80,
                            required=False)  # fmt: skip
    contact = RuledText(label=_("Contact line"), max_length=120, required=False)

    def __init__(self, *args: Any, offices: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Area.objects.filter(pk__in=[a.pk for a in offices])
        if offices:
            field.initial = offices[0].pk


class AttendanceForm(forms.Form):
    """Sign-in: one choice and one "represented by" per invited unit (fields named by id)."""

    def __init__(self, *args: Any, invitations: list[Invitation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        for invitation in invitations:
            self.fields[f"a{invitation.pk}"] = forms.ChoiceField(
                label=invitation.department.name, choices=Invitation.Attendance.choices,
                required=False, initial=invitation.attendance,
                widget=forms.Select(attrs={"class": "form-select"}),
            )  # fmt: skip
            self.fields[f"r{invitation.pk}"] = RuledText(
                label=_("Represented by"), max_length=60, required=False,
                initial=invitation.represented_by,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )  # fmt: skip
