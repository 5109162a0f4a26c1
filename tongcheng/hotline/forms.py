"""The console's forms: the intake of a call, the knowledge-base search and entry, the public
progress look-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.forms import LINE_LIMIT, CaseOpenForm, RuledText
from tongcheng.cases.models import Service
from tongcheng.hotline.models import Article
from tongcheng.lib.forms import BootstrapMixin, PhoneField
from tongcheng.org.models import Area


class IntakeForm(CaseOpenForm):
    """A call's case: who called (or their file, from the screen pop), where they live, what
    they need; and what the operator does now."""

    class Then(models.TextChoices):
        OPEN = "open", _("Open the case (dispatch it from the case page)")
        DISPATCH = "dispatch", _("Open and dispatch to the service's default unit")
        DIRECT = "direct", _("Answered during the call: close it now (直办)")

    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    caller_name = RuledText(label=_("Caller's name"), max_length=40, required=False)
    caller_phone = PhoneField(label=_("Caller's phone"), max_length=20, required=False)
    community = forms.CharField(
        label=_("Community where the caller lives"),
        max_length=40,
        required=False,
        help_text=_("Type part of its name and choose it, or its 12-digit code."),
        widget=forms.TextInput(
            attrs={
                "list": "tc-communities",
                "autocomplete": "off",
                "hx-get": reverse_lazy("hotline:community_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#tc-communities",
                "hx-swap": "innerHTML",
            }
        ),
    )
    text_consent = forms.BooleanField(
        label=_("The caller agrees to be told by text message (receipt, reply)"), required=False
    )
    then = forms.ChoiceField(label=_("What to do with it"), choices=Then.choices, initial=Then.OPEN)
    answer = RuledText(label=_("The answer given (直办)"), required=False)
    call = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["caller_name", "caller_phone", "text_consent", "community", "service", "nature",
                   "urgency", "interpreter", "description", "then", "answer"]  # fmt: skip

    def clean_community(self) -> Area | None:
        raw = self.cleaned_data["community"].strip()
        if not raw:
            return None
        code = raw.split()[0]
        area = Area.objects.filter(level=Area.Level.COMMUNITY, code=code).first()
        if area is None:
            raise forms.ValidationError(_("Choose a community from the list (or its code)."))
        return area

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("then") == self.Then.DIRECT and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write the answer given during the call."))
        if not data.get("person") and not (data.get("caller_name") or "").strip():
            self.add_error("caller_name", _("Enter the caller's name, or choose their file."))
        if (
            not data.get("person")
            and data.get("community") is None
            and not self.has_error("community")
        ):
            self.add_error("community", _("Choose the community where the caller lives."))
        return data


class ArticleSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(required=False, max_length=40)
    service = forms.ModelChoiceField(queryset=Service.objects.all(), required=False)


class ArticleForm(BootstrapMixin, forms.ModelForm[Article]):
    title = RuledText(label=_("Title"), max_length=80)
    question = RuledText(label=_("Question"), max_length=LINE_LIMIT)
    answer = RuledText(label=_("Answer"), max_length=4000)
    keywords = RuledText(label=_("Keywords"), max_length=LINE_LIMIT, required=False)
    basis = RuledText(label=_("Policy basis"), max_length=LINE_LIMIT, required=False)

    class Meta:
        model = Article
        fields = ["service", "title", "question", "answer", "keywords", "basis", "active"]


class DigitsField(forms.RegexField):
    """Digits as people paste them: spaces and dashes between groups are dropped."""

    def to_python(self, value: object) -> str:
        text = super().to_python(value) or ""
        return "".join(text.split()).replace("-", "")


class TrackForm(BootstrapMixin, forms.Form):
    number = DigitsField(
        label=_("Case number"),
        regex=r"^\d{15}$",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("The case number has 15 digits, as on your receipt.")},
    )
    last4 = DigitsField(
        label=_("Last 4 digits of the phone you gave"),
        regex=r"^\d{4}$",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter the last 4 digits of the phone number.")},
    )


class CallerToldForm(forms.Form):
    """The call that tells a caller an approved new deadline: reached, or not."""

    class Result(models.TextChoices):
        TOLD = "told", _("Told the caller")
        NOT_REACHED = "not_reached", _("Caller not reached")

    result = forms.ChoiceField(label=_("Result of the call"), choices=Result.choices)
