"""The meetings' forms (Bootstrap-styled); the rules they share with the API are in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.meetings.actions.items import MAX_WORKING_DAYS
from tongcheng.meetings.models import DEFAULT_CADENCE_MONTHS, Invitation
from tongcheng.org.models import Area, Department


class MeetingForm(BootstrapMixin, forms.Form):
    office = forms.ModelChoiceField(Area.objects.none(), label=_("Convening office"))
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=120)
    chair = forms.CharField(label=_("Chair"), max_length=60, required=False)
    agenda = forms.CharField(
        label=_("Agenda (one item a line)"), widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
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

    def agenda_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]


class AnswerForm(BootstrapMixin, forms.Form):
    attending = forms.TypedChoiceField(
        label=_("Answer"), coerce=lambda v: v == "yes",
        choices=[("yes", _("We attend")), ("no", _("We cannot attend"))],
    )  # fmt: skip
    delegate = forms.CharField(label=_("Delegate"), max_length=60, required=False)
    reason = forms.CharField(label=_("Reason for declining"), max_length=200, required=False)
    expected = forms.ChoiceField(choices=Invitation.Answer.choices, widget=forms.HiddenInput)


class ReportForm(BootstrapMixin, forms.Form):
    report = forms.CharField(
        label=_("Work report"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )


class MinutesForm(BootstrapMixin, forms.Form):
    chair = forms.CharField(label=_("Chair"), max_length=60, required=False)
    minutes = forms.CharField(
        label=_("Minutes"), max_length=50000, required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )  # fmt: skip


class ItemForm(BootstrapMixin, forms.Form):
    department = forms.ModelChoiceField(Department.objects.none(), label=_("Member unit"))
    title = forms.CharField(label=_("Decision"), max_length=200)
    working_days = forms.IntegerField(
        label=_("Working days to complete"), min_value=1, max_value=MAX_WORKING_DAYS, initial=20
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class ItemReportForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("Progress, or what was done"), max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    done = forms.BooleanField(label=_("The item is done"), required=False)


class SuperviseForm(BootstrapMixin, forms.Form):
    instruction = forms.CharField(
        label=_("Instruction (督办)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SettingForm(BootstrapMixin, forms.Form):
    office = forms.ModelChoiceField(Area.objects.none(), label=_("Convening office"))
    cadence_months = forms.IntegerField(
        label=_("Meets every (months)"), min_value=1, max_value=12, initial=DEFAULT_CADENCE_MONTHS
    )
    office_name = forms.CharField(label=_("Office name on the notices"), max_length=80,
                                  required=False)  # fmt: skip
    contact = forms.CharField(label=_("Contact line"), max_length=120, required=False)

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
        for invitation in invitations:
            self.fields[f"a{invitation.pk}"] = forms.ChoiceField(
                label=invitation.department.name, choices=Invitation.Attendance.choices,
                required=False, initial=invitation.attendance,
                widget=forms.Select(attrs={"class": "form-select"}),
            )  # fmt: skip
            self.fields[f"r{invitation.pk}"] = forms.CharField(
                label=_("Represented by"), max_length=60, required=False,
                initial=invitation.represented_by,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )  # fmt: skip
