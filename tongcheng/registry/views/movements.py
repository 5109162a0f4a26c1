"""Movements (动态): address and status changes, reactivation, transfers between communities.

The forms live here (not in a shared forms module) because only these pages use them.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.services import audit_record
from tongcheng.lib.forms import BootstrapMixin
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.lib.textnorm import normalize_text
from tongcheng.org.models import Area, User
from tongcheng.registry import movements as services
from tongcheng.registry.access import get_incoming_transfer_for_user, get_person_for_user
from tongcheng.registry.models import Movement, Person, area_prefix_q
from tongcheng.registry.services import StaleVersion, audit_person

TRANSFERS_SHOWN = 50
COMMUNITY_RESULTS = 20
STALE_MESSAGE = _(
    "Someone else changed this file meanwhile: nothing was saved. Reload the page and try again."
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _writable(user: User) -> list[str]:
    return user.scope_prefixes(AREA_ROLES, write=True)


def _kinds_for(person: Person) -> list[tuple[str, Any]]:
    """The movements that fit the file's status (a settled file has none)."""
    labels = dict(Movement.Kind.choices)
    if person.status in services.REACTIVATABLE:
        names = [Movement.Kind.REACTIVATED]
    elif person.status == Person.Status.ACTIVE:
        names = [Movement.Kind.ADDRESS_CHANGE, *services.STATUS_KINDS]
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
        cast(forms.ChoiceField, self.fields["kind"]).choices = _kinds_for(person)
        cast(forms.ModelChoiceField, self.fields["community"]).queryset = (
            Area.objects.communities().in_subtree(_writable(user)).order_by("code")
        )

    def clean_moved_on(self) -> Any:
        value = self.cleaned_data["moved_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def move_input(self) -> services.MoveInput:
        data = self.cleaned_data
        return services.MoveInput(
            kind=data["kind"],
            moved_on=data["moved_on"],
            reason=normalize_text(data["reason"]),
            address=normalize_text(data["address"]),
            community=data["community"],
        )


def movement_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a movement done at once: address change, moved away/returned/settled, came back."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    initial = {
        "version": person.version,
        "moved_on": timezone.localdate(),
        "kind": request.GET.get("kind", ""),
    }
    form = MovementForm(request.POST or None, initial=initial, person=person, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.movement_record(
                person=person,
                expected_version=form.cleaned_data["version"],
                data=form.move_input(),
                user=user,
                audit_as=request,
            )
        except StaleVersion:
            form.add_error(None, STALE_MESSAGE)
        except services.MovementRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _g("The movement was recorded."))
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/movement_create.html", {"person": person, "form": form})


class TransferForm(BootstrapMixin, forms.Form):
    to_area = forms.CharField(label=_("Receiving community (12-digit code)"), max_length=12)
    moved_on = forms.DateField(label=_("Moved on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason or note"), max_length=255, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_to_area(self) -> Area:
        code = self.cleaned_data["to_area"].strip()
        area = Area.objects.communities().filter(code=code).first()
        if area is None:
            raise ValidationError(_("No community has this code."))
        if any(code.startswith(p) for p in _writable(self.user)):
            raise ValidationError(
                _("This community is inside your own area: record an address change instead.")
            )
        return area


def _community_matches(query: str, user: User) -> QuerySet[Area]:
    """Communities city-wide matching a name or code, outside the user's writable scope."""
    if not query:
        return Area.objects.none()
    outside = ~area_prefix_q(_writable(user), field="code") if _writable(user) else Q()
    return (
        Area.objects.communities()
        .filter(Q(name__icontains=query) | Q(code__startswith=query))
        .filter(outside)
        .select_related("parent__parent")
        .order_by("code")[:COMMUNITY_RESULTS]
    )


def transfer_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a community outside one's own area to take the file over (or cancel the request)."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    if request.method == "POST" and "cancel" in request.POST:
        try:
            services.transfer_cancel(person=person, user=user, audit_as=request)
            messages.success(request, _g("The transfer request was cancelled."))
        except services.MovementRefused as refused:
            messages.error(request, refused.message)
        return redirect("registry:person_detail", pk=person.pk)
    form = TransferForm(
        request.POST or None,
        initial={"moved_on": timezone.localdate(), "to_area": request.GET.get("to", "")},
        user=user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_request(
                person=person,
                to_area=form.cleaned_data["to_area"],
                moved_on=form.cleaned_data["moved_on"],
                reason=normalize_text(form.cleaned_data["reason"]),
                user=user,
                audit_as=request,
            )
        except services.MovementRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _g(
                    "The transfer was requested; the receiving community will accept or decline it."
                ),
            )
            return redirect("registry:person_detail", pk=person.pk)
    query = normalize_text(request.GET.get("q", ""))[:32]
    context = {
        "person": person,
        "form": form,
        "query": query,
        "matches": _community_matches(query, user),
        "pending": Movement.objects.filter(person=person, state=Movement.State.PENDING)
        .select_related("to_area")
        .first(),
    }
    return render(request, "registry/transfer_request.html", context)


def transfer_list(request: HttpRequest) -> HttpResponse:
    """Incoming transfers waiting for my decision, and the transfers my area asked for."""
    user = _user(request)
    prefixes = _writable(user)
    base = Movement.objects.filter(kind=Movement.Kind.TRANSFER).select_related(
        "person", "from_area", "to_area"
    )
    incoming = list(
        base.filter(
            area_prefix_q(prefixes, "to_area__code"), state=Movement.State.PENDING
        ).order_by("created_at")[:TRANSFERS_SHOWN]
    )
    outgoing = list(
        base.filter(area_prefix_q(prefixes, "from_area__code")).order_by("-created_at")[
            :TRANSFERS_SHOWN
        ]
    )
    # A file that was accepted elsewhere is no longer ours: its name is not shown any more.
    for movement in outgoing:
        movement.name_shown = any(movement.person.area_code.startswith(p) for p in prefixes)  # type: ignore[attr-defined]
    shown = [m.person_id for m in incoming] + [m.person_id for m in outgoing if m.name_shown]  # type: ignore[attr-defined]
    audit_record(
        actor=request,
        action="person.list",
        object_type="person",
        detail={"page": "transfers", "ids": sorted(set(shown))},
    )
    return render(
        request, "registry/transfer_list.html", {"incoming": incoming, "outgoing": outgoing}
    )


def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving community accepts (the file moves here) or declines a transfer."""
    user = _user(request)
    movement = get_incoming_transfer_for_user(user, pk)
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                services.transfer_accept(movement=movement, user=user, audit_as=request)
                messages.success(request, _g("The file is now kept by your community."))
                return redirect("registry:person_detail", pk=movement.person_id)
            if decision == "decline":
                services.transfer_decline(movement=movement, user=user, audit_as=request)
                messages.success(
                    request, _g("The transfer was declined; the file stays where it was.")
                )
                return redirect("registry:transfer_list")
        except services.MovementRefused as refused:
            messages.error(request, refused.message)
            return redirect("registry:transfer_list")
        messages.error(request, _g("Choose to accept or to decline the transfer."))
    audit_person(
        audit_as=request, action="person.view", person=movement.person, detail={"page": "transfer"}
    )
    return render(request, "registry/transfer_decide.html", {"movement": movement})
