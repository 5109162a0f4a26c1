"""Forms of the org pages. They parse and shape input; the rules live in tongcheng.org.actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.roles import Role
from tongcheng.org.access import NotInScope, get_area_for_user, managing_memberships
from tongcheng.org.models import Area, Department, RolloutStage, ServiceCategory, ServicePoint, User
from tongcheng.org.roles import GRANTABLE


class SearchForm(BootstrapMixin, forms.Form):
    """A free-text filter (area children, accounts). Empty means no filter."""

    q = forms.CharField(label=_("Search"), max_length=64, required=False, strip=True)

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class RolloutForm(BootstrapMixin, forms.Form):
    stage = forms.ChoiceField(
        label=_("Rollout stage"),
        choices=[("", _("Not recorded on this area")), *RolloutStage.Stage.choices],
        required=False,
    )
    since = forms.DateField(
        label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    basis = forms.CharField(label=_("Basis (document)"), max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("stage") and not data.get("since"):
            self.add_error("since", _("Enter the date the stage began."))
        return data


class ServicePointForm(BootstrapMixin, forms.ModelForm[ServicePoint]):
    class Meta:
        model = ServicePoint
        fields = ["name", "address", "phone", "hours", "opened_on"]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }


class DepartmentFilterForm(BootstrapMixin, forms.Form):
    """Directory filters: level (the city, or one district) and service category."""

    level = forms.ChoiceField(
        label=_("Level"), required=False, widget=forms.Select(attrs={"data-autosubmit": ""})
    )
    category = forms.ModelChoiceField(
        label=_("Service category"),
        queryset=ServiceCategory.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All categories"),
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )

    def __init__(self, *args: Any, districts: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            ("", _("City and my districts")),
            ("city", _("City units")),
            *[(area.code, area.name) for area in districts],
        ]


def grantable_roles(actor: User) -> list[Role]:
    """Roles the actor may grant somewhere, in the order of the Role enum."""
    allowed: set[Role] = set()
    for membership in managing_memberships(actor):
        allowed |= GRANTABLE[Role(membership.role)]
    return [role for role in Role if role in allowed]


class MembershipForm(BootstrapMixin, forms.Form):
    """Role + area (by statistical code) + member unit for a liaison."""

    role = forms.ChoiceField(label=_("Role"))
    area = forms.CharField(
        label=_("Area code"),
        max_length=12,
        min_length=12,
        help_text=_("The 12-digit statistical code (see the area pages)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "list": "area-codes"}),
    )
    department = forms.ModelChoiceField(
        label=_("Member unit (liaisons only)"),
        queryset=Department.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("None (not a liaison)"),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (role.value, role.label) for role in grantable_roles(actor)
        ]
        self.fields["department"].queryset = (  # type: ignore[attr-defined]
            Department.objects.visible_to(actor).select_related("area")
        )

    def clean_area(self) -> Area:
        code = self.cleaned_data["area"]
        try:
            return get_area_for_user(self.actor, code)
        except NotInScope:
            raise ValidationError(_("No area with this code in your scope.")) from None

    def clean_role(self) -> Role:
        return Role(self.cleaned_data["role"])


class UserCreateForm(MembershipForm):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": _("Use letters, digits, “.”, “-” and “_” only.")},
    )
    display_name = forms.CharField(label=_("Display name"), max_length=64)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    field_order = ["username", "display_name", "password", "role", "area", "department"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        candidate = User(
            username=self.data.get("username", ""),
            display_name=self.data.get("display_name", ""),
        )
        password_validation.validate_password(password, user=candidate)
        return password


class UserEditForm(BootstrapMixin, forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["display_name"]
