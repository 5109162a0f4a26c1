"""The audit screen's filter: who, what, which object, where, when, with what outcome."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.lookups import hashes_of
from tongcheng.audit.models import AuditEvent, AuditEventQuerySet
from tongcheng.lib.areacodes import prefix_of, subtree_q
from tongcheng.lib.forms import BootstrapMixin


class AuditFilterForm(BootstrapMixin, forms.Form):
    """Every field is optional; an empty form lists the whole trail, newest first."""

    user = forms.CharField(label=_("Account"), max_length=150, required=False)
    action = forms.CharField(
        label=_("Action"),
        max_length=64,
        required=False,
        help_text=_("The start of the action name, e.g. “login” or “deny:”."),
    )
    object_type = forms.CharField(label=_("Object type"), max_length=64, required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    looked_up = forms.CharField(
        label=_("Number looked up"),
        max_length=32,
        required=False,
        help_text=_(
            "A full ID number, a phone number or the last 4 characters: the searches, checks "
            "of new and changed files and import checks that looked it up (a full number also "
            "finds the searches of its last 4)."
        ),
    )
    area = forms.RegexField(
        label=_("Area code"),
        regex=r"^[0-9]{1,12}$",
        max_length=12,
        required=False,
        help_text=_("A statistical code: a district or street code includes the areas inside it."),
        error_messages={"invalid": _("Enter the digits of a statistical area code.")},
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Any outcome")), *AuditEvent.Outcome.choices],
        required=False,
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_looked_up(self) -> str:
        typed: str = self.cleaned_data.get("looked_up", "").strip()
        if typed and not hashes_of(typed):
            raise forms.ValidationError(
                _("Enter a full ID number, a full phone number or 4 last characters.")
            )
        return typed

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def used_fields(self) -> list[str]:
        """The names of the filters in use (what the audit event of the search records)."""
        return [name for name, value in self.cleaned_data.items() if value not in (None, "")]

    def filter(self, events: AuditEventQuerySet) -> AuditEventQuerySet:
        data = self.cleaned_data
        if data.get("user"):
            events = events.filter(username=data["user"])
        if data.get("action"):
            events = events.filter(action__startswith=data["action"])
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"])
        if data.get("object_id"):
            events = events.filter(object_id=data["object_id"])
        if data.get("looked_up"):
            # The trail keeps keyed hashes only (audit.lookups): matched in the events' detail.
            found = Q(pk__in=[])
            for hashed in hashes_of(data["looked_up"]):
                found |= Q(detail__hashes__icontains=hashed)
            events = events.filter(found)
        if data.get("area"):
            events = events.filter(subtree_q([prefix_of(data["area"])]))
        if data.get("outcome"):
            events = events.filter(outcome=data["outcome"])
        if data.get("since"):
            events = events.filter(at__gte=_start_of(data["since"]))
        if data.get("until"):
            events = events.filter(at__lt=_start_of(data["until"]) + timedelta(days=1))
        return events


def _start_of(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
