"""Forms of a person file's pages: the file, the ledger filters, reveal, consents, household.

The person form only collects fields: `validate_person` (the same rules as the API and the
import) decides what is valid.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.org.models import Area, Ethnicity
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import Consent, HouseholdMember, Occupation, Person
from tongcheng.registry.validation import (
    PersonInput,
    apply_text_rules,
    reference_cache,
    validate_person,
)

_DATE = {"type": "date"}


class PersonForm(BootstrapMixin, forms.Form):
    """A file's fields, phone-friendly (native date pickers, numeric keyboards)."""

    # Marked as required on the page although validate_person, not the field, refuses them empty.
    required_marks = frozenset({"name", "ethnicity"})

    # Required-ness of name and ethnicity is validate_person's rule (one message for all paths).
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=64, required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), required=False)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=40,
        required=False,
        help_text=_("Sex and birth date are taken from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", "—"), *Person.Sex.choices], required=False
    )
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs=_DATE)
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    origin = forms.CharField(
        label=_("Place of origin"),
        max_length=128,
        required=False,
        help_text=_("Province, city and county, e.g. 甘肃省临夏回族自治州广河县."),
    )
    community = forms.ModelChoiceField(label=_("Community"), queryset=Area.objects.none())
    address = forms.CharField(label=_("Current address"), max_length=255, required=False)
    occupation = forms.ChoiceField(
        label=_("Occupation"), choices=[("", "—"), *Occupation.choices], required=False
    )
    occupation_text = forms.CharField(
        label=_("Occupation (details)"), max_length=128, required=False
    )
    employer = forms.CharField(label=_("Employer or business"), max_length=128, required=False)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=40, required=False
    )
    arrival_date = forms.DateField(
        label=_("Arrived in the city on"), required=False, widget=forms.DateInput(attrs=_DATE)
    )
    permit_kind = forms.ChoiceField(
        label=_("Permit"), choices=[("", "—"), *Person.PermitKind.choices], required=False
    )
    permit_number = forms.CharField(label=_("Permit number"), max_length=40, required=False)
    permit_issued = forms.DateField(
        label=_("Permit issued on"), required=False, widget=forms.DateInput(attrs=_DATE)
    )
    permit_expires = forms.DateField(
        label=_("Permit expires on"), required=False, widget=forms.DateInput(attrs=_DATE)
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, communities: Any, person: Person | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        apply_text_rules(self.fields)
        self.person = person
        self.data_input: PersonInput | None = None
        self.warnings: list[str] = []
        cast(forms.ChoiceField, self.fields["ethnicity"]).choices = [("", "—")] + [
            (e.code, e.name) for e in Ethnicity.objects.all()
        ]
        cast(forms.ModelChoiceField[Area], self.fields["community"]).queryset = communities
        if person is not None:
            # A file changes community only by a transfer (movements), never by an edit.
            del self.fields["community"]
            # The edit page never shows identifiers in clear: empty keeps the stored value.
            for name in ("id_number", "phone", "permit_number"):
                self.fields[name].help_text = _("Leave empty to keep the stored number.")
            if person.id_number_enc:
                # Sex and birth date of a file with an ID number are the number's (clean):
                # never typed here, and the full date never shown (it would complete the mask).
                self.initial.pop("birth_date", None)
                for name in ("sex", "birth_date"):
                    self.fields[name].disabled = True
                born = person.birth_date
                month = date_format(born, "YEAR_MONTH_FORMAT") if born else "—"
                self.fields["birth_date"].help_text = _(
                    "Taken from the ID number: %(month)s (the day only with the full numbers)."
                ) % {"month": month}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # All rules run even when a field already failed, so every error shows at once.
        raw = {name: self.data.get(name, "") for name in self.fields if name not in self.errors}
        raw.update(cleaned)
        if self.person is not None:
            for name in ("id_number", "phone", "permit_number"):
                if not raw.get(name):
                    raw[name] = decrypt(self.person, name)
            if raw.get("id_number"):
                # Derived from the ID number: the disabled inputs must not conflict with it.
                raw["sex"], raw["birth_date"] = "", None
        raw["origin_region"] = ""
        raw["sex"] = {"male": "男", "female": "女"}.get(raw.get("sex") or "", "")
        data, errors, warnings = validate_person(raw, refs=reference_cache())
        for issue in errors:
            target = issue.field if issue.field in self.fields else None
            if target not in self.errors:
                self.add_error(target, issue.message)
        self.warnings = [issue.message for issue in warnings]
        self.data_input = data
        return cleaned


_ID_NUMBER = re.compile(r"^(\d{17}[\dXx]|\d{15})$")
_MOBILE = re.compile(r"^1\d{10}$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def initial_from_search(query: str) -> dict[str, str]:
    """What the search-first box held, carried into the form: an ID number, a mobile number or
    a name in characters (pinyin, initials and last-4 searches are not a value to register)."""
    text = query.strip()
    compact = re.sub(r"[\s-]", "", text)
    if _ID_NUMBER.match(compact):
        return {"id_number": compact.upper()}
    if _MOBILE.match(compact):
        return {"phone": compact}
    if _HAN.search(text) and not any(ch.isdigit() for ch in text):
        return {"name": text}
    return {}


def person_initial(person: Person) -> dict[str, Any]:
    """The edit form's starting values (identifiers left empty: see PersonForm)."""
    return {
        "name": person.name,
        "ethnicity": person.ethnicity_id,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "origin": person.origin_text
        or reference_cache().region_label(person.origin_region_id or ""),
        "community": person.community_id,
        "address": decrypt(person, "address"),
        "occupation": person.occupation,
        "occupation_text": person.occupation_text,
        "employer": person.employer,
        "credit_code": person.credit_code,
        "arrival_date": person.arrived_on,
        "permit_kind": person.permit_kind,
        "permit_issued": person.permit_issued_on,
        "permit_expires": person.permit_expires_on,
        "notes": person.notes,
    }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RevealForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for showing the full numbers"), max_length=200, min_length=4
    )


class PersonSearchForm(BootstrapMixin, forms.Form):
    """The filters of the ledger list. Every field is optional."""

    q = forms.CharField(label=_("Search"), max_length=64, required=False)
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, to_field_name="code"
    )
    ethnicity = forms.ModelChoiceField(
        label=_("Ethnicity"),
        queryset=Ethnicity.objects.all(),
        required=False,
        empty_label=_("Any"),
    )
    province = forms.ChoiceField(label=_("Origin province"), required=False)
    occupation = forms.ChoiceField(
        label=_("Occupation"), choices=[("", "—"), *Occupation.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Person.Status.choices], required=False
    )
    gaps = forms.BooleanField(
        label=_("Only files missing origin, address or occupation"), required=False
    )
    permit_expiring = forms.BooleanField(label=_("Permit expires within 30 days"), required=False)

    # Above this many areas, the drop-down leaves out communities: a city-wide list of 2,600
    # options costs more to render than the whole rest of the page. A community is still
    # accepted (links from the area browser and the completeness page pass ?area=<code>).
    MAX_AREA_OPTIONS = 300

    def __init__(self, *args: Any, areas: Any, provinces: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField[Area], self.fields["area"])
        field.queryset = areas
        rows = list(
            areas.order_by("code").values_list("code", "name", "level")[: self.MAX_AREA_OPTIONS + 1]
        )
        if len(rows) > self.MAX_AREA_OPTIONS:
            rows = list(
                areas.exclude(level=Area.Level.COMMUNITY)
                .order_by("code")
                .values_list("code", "name", "level")
            )
            chosen = self.data.get("area") if self.is_bound else None
            if chosen and not any(code == chosen for code, _name, _level in rows):
                rows += list(areas.filter(code=chosen).values_list("code", "name", "level"))
        indent = {"city": "", "district": "", "street": "· ", "community": "· · "}
        field.widget.choices = [("", "—")] + [
            (code, f"{indent.get(level, '')}{name}") for code, name, level in rows
        ]
        cast(forms.ChoiceField, self.fields["province"]).choices = [("", "—"), *provinces]


class ConsentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Consent"), choices=Consent.Kind.choices)
    given_on = forms.DateField(
        label=_("Given on"), initial=date.today, widget=forms.DateInput(attrs=_DATE)
    )


class HouseholdMemberForm(BootstrapMixin, forms.ModelForm[HouseholdMember]):
    class Meta:
        model = HouseholdMember
        fields = ["name", "relation", "birth_date", "school"]
        widgets = {"birth_date": forms.DateInput(attrs=_DATE, format="%Y-%m-%d")}


HouseholdFormSet = forms.inlineformset_factory(
    Person, HouseholdMember, form=HouseholdMemberForm, extra=1, can_delete=True, max_num=30
)
