"""The movement and transfer forms, used by the movement pages and the API alike."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.lib.textnorm import normalize_text
from tongcheng.org.access import may_write
from tongcheng.org.models import Area, User
from tongcheng.registry.actions.movements import REACTIVATABLE, STATUS_KINDS, MoveInput
from tongcheng.registry.models import Movement, Person
from tongcheng.registry.validation import apply_text_rules


def kinds_for(person: Person) -> list[tuple[str, Any]]:
    """The movements that fit the file's status (a settled file has none)."""
    labels = dict(Movement.Kind.choices)
    if person.status in REACTIVATABLE:
        names = [Movement.Kind.REACTIVATED]
    elif person.status == Person.Status.ACTIVE:
        names = [Movement.Kind.ADDRESS_CHANGE, *STATUS_KINDS]
    else:
        names = []
    return [(str(k), labels[k]) for k in names]


class MovementForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), widget=forms.RadioSelect)
    moved_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.CharField(label=_("New address"), max_length=255, required=False)
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Area.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Unchanged"),
        help_text=_(
            "Only communities you keep files for. For another community, request a transfer."
        ),
    )
    reason = forms.CharField(label=_("Reason or note"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: Person, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_text_rules(self.fields)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds_for(person)
        cast(forms.ModelChoiceField[Area], self.fields["community"]).queryset = (
            Area.objects.communities().writable_by(user, AREA_ROLES).order_by("code")
        )

    def clean_moved_on(self) -> Any:
        value = self.cleaned_data["moved_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def move_input(self) -> MoveInput:
        data = self.cleaned_data
        return MoveInput(
            kind=data["kind"],
            moved_on=data["moved_on"],
            reason=normalize_text(data["reason"]),
            address=normalize_text(data["address"]),
            community=data["community"],
        )


def community_choice(area: Area) -> tuple[str, str]:
    """A community as a choice: its code, and its name with its street and district."""
    street = area.parent
    district = street.parent if street else None
    label = " · ".join(a.name for a in (area, street, district) if a is not None)
    return area.code, label


class TransferForm(BootstrapMixin, forms.Form):
    # Picked by name from the search results (radio buttons); the value sent is the code.
    to_area = forms.CharField(
        label=_("Receiving community"),
        max_length=12,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the receiving community: search for it by name, then pick it.")
        },
    )
    moved_on = forms.DateField(label=_("Moved on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason or note"), max_length=255, required=False)

    def __init__(
        self, *args: Any, user: User, offered: list[Area] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        apply_text_rules(self.fields)
        self.user = user
        widget = cast(forms.RadioSelect, self.fields["to_area"].widget)
        widget.choices = [community_choice(area) for area in offered or []]

    def clean_to_area(self) -> Area:
        code = self.cleaned_data["to_area"].strip()
        area = Area.objects.communities().filter(code=code).first()
        if area is None:
            raise ValidationError(_("No community has this code."))
        if may_write(self.user, area.code, AREA_ROLES):
            raise ValidationError(
                _("This community is inside your own area: record an address change instead.")
            )
        return area

    def clean_reason(self) -> str:
        return normalize_text(self.cleaned_data["reason"])
