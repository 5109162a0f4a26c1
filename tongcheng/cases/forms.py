"""The forms of the case pages: opening a case from a file, and one small form per move.

Every text goes through the product's one text rule (lib.textnorm.text_problem): too long,
control characters, NUL, bidi overrides … are refused with the field named. Each move form
carries the version the user saw (`version`): the action refuses a move on a case that
changed since (CaseChanged).
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.models import (
    LIMIT_PATTERN,
    SUBMISSION_KEY,
    Case,
    Language,
    Nature,
    ReturnReason,
    Service,
    State,
    Urgency,
)
from tongcheng.cases.routing import default_department, departments_for
from tongcheng.cases.workflow import FollowUp
from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.textnorm import text_problem
from tongcheng.org.models import Department

TEXT_LIMIT = 2000
LINE_LIMIT = 200


class RuledText(forms.CharField):
    """A text field under the product's text rule."""

    def __init__(self, *, max_length: int = TEXT_LIMIT, widget: Any = None, **kwargs: Any) -> None:
        if widget is None and max_length > LINE_LIMIT:
            widget = forms.Textarea(attrs={"rows": 3})
        super().__init__(max_length=max_length, widget=widget, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        problem = text_problem(value or "", max_length=self.max_length or TEXT_LIMIT)
        if problem is not None:
            raise forms.ValidationError(problem.message)


class CaseOpenForm(BootstrapMixin, forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.filter(active=True)
    )
    nature = forms.ChoiceField(label=_("Nature"), choices=Nature.choices, initial=Nature.HELP)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    interpreter = forms.ChoiceField(
        label=_("Needs an interpreter for"),
        choices=[("", _("No interpreter needed")), *Language.choices],
        required=False,
    )
    description = RuledText(label=_("What the person needs"))
    # A key of this form's own: sent twice (a double click, the page sent again), it opens one
    # case (actions/intake.py, `case_open_once`).
    submission = forms.RegexField(
        regex=SUBMISSION_KEY, widget=forms.HiddenInput, required=False, max_length=64
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission"].initial = secrets.token_urlsafe(16)


class MoveForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DispatchForm(MoveForm):
    lead = forms.ModelChoiceField(label=_("Lead unit"), queryset=Department.objects.none())
    co = forms.ModelMultipleChoiceField(
        label=_("Co-handling units"), queryset=Department.objects.none(), required=False
    )
    note = RuledText(label=_("Note for the unit"), required=False, max_length=LINE_LIMIT)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = departments_for(case.area_code)
        lead = self.fields["lead"]
        co = self.fields["co"]
        assert isinstance(lead, forms.ModelChoiceField)
        assert isinstance(co, forms.ModelMultipleChoiceField)
        lead.queryset = units
        co.queryset = units
        if not self.is_bound and case.state == State.RECEIVED:
            # The service's unit for the case's district (else the city's) is the usual choice.
            suggested = default_department(case.service, case.area_code)
            if suggested is not None:
                self.initial.setdefault("lead", suggested.pk)
                lead.help_text = _("Suggested by the service: %(unit)s.") % {"unit": suggested.name}


class EmptyMoveForm(MoveForm):
    """A move that takes nothing but the version (signing)."""


class ReturnForm(MoveForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnReason.choices)
    basis = RuledText(label=_("Basis (the unit's duties or the rule that applies)"))


class ReplyForm(MoveForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("", _("— choose the outcome (a co-handling unit leaves it empty) —")),
            *Case.Outcome.choices,
        ],
        required=False,
    )
    reply = RuledText(label=_("What was done"))


class FollowUpForm(MoveForm):
    result = forms.ChoiceField(
        label=_("Result of the call"),
        # The satisfaction the case records, or a call nobody answered.
        # Nothing chosen at first: a careless tap must not record a satisfied caller.
        choices=[
            ("", _("— what the caller said —")),
            *Case.Satisfaction.choices,
            (FollowUp.NOT_REACHED, _("Not reached")),
        ],
    )
    comment = RuledText(label=_("What the caller said"), required=False)


class ExtensionForm(MoveForm):
    new_due = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = RuledText(label=_("Why more time is needed"))


class DecideExtensionForm(MoveForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda value: value == "1",
    )
    note = RuledText(label=_("Note"), required=False, max_length=LINE_LIMIT)


class SuperviseForm(MoveForm):
    instruction = RuledText(label=_("Instruction"))


class DirectForm(MoveForm):
    answer = RuledText(label=_("Answer given during the call"))


class RevealForm(BootstrapMixin, forms.Form):
    reason = RuledText(
        label=_("Why you need the full number (e.g. to call the person back about this case)"),
        max_length=LINE_LIMIT,
    )


class TimeLimitForm(BootstrapMixin, forms.Form):
    """One row of time limits: "<n>h" working hours or "<n>d" working days."""

    nature = forms.ChoiceField(label=_("Nature"), choices=Nature.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    service = forms.ModelChoiceField(
        label=_("Service (empty: every service of this nature)"),
        queryset=Service.objects.filter(active=True),
        required=False,
    )
    dispatch = forms.RegexField(label=_("Dispatch within"), regex=LIMIT_PATTERN, max_length=5)
    sign = forms.RegexField(label=_("Sign within"), regex=LIMIT_PATTERN, max_length=5)
    handle = forms.RegexField(label=_("Handle within"), regex=LIMIT_PATTERN, max_length=5)
    follow_up = forms.RegexField(label=_("Follow up within"), regex=LIMIT_PATTERN, max_length=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        message = _("Write a number followed by h (working hours) or d (working days), e.g. 3d.")
        for name in ("dispatch", "sign", "handle", "follow_up"):
            self.fields[name].error_messages["invalid"] = message
            self.fields[name].help_text = _("e.g. 2h or 3d")
