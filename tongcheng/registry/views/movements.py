"""Movements (动态): address and status changes, reactivation, transfers between communities.

The forms are forms.movements (the API's movement operation uses them too); the writes are
actions.movements; which transfers a user decides or asked for is Movement.objects.incoming_for
and outgoing_for.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.roles import AREA_ROLES
from tongcheng.lib.textnorm import normalize_text
from tongcheng.org.models import Area, User
from tongcheng.registry.access import (
    get_incoming_transfer_for_user,
    get_person_for_user,
    may_change_file,
)
from tongcheng.registry.actions import movements as movement_actions
from tongcheng.registry.errors import MovementRefused, StaleVersion
from tongcheng.registry.forms.movements import MovementForm, TransferForm
from tongcheng.registry.history import audit_person
from tongcheng.registry.models import Movement

TRANSFERS_SHOWN = 50
COMMUNITY_RESULTS = 20


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


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
            movement_actions.movement_record(
                actor=user,
                person=person,
                expected_version=form.cleaned_data["version"],
                data=form.move_input(),
            )
        except StaleVersion:
            form.add_error(
                None,
                _(
                    "Someone else changed this file meanwhile: nothing was saved. Reload the "
                    "page and try again."
                ),
            )
        except MovementRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The movement was recorded."))
            return redirect("registry:person_detail", pk=person.pk)
    audit_person(actor=user, action="person.view", person=person, detail={"page": "movement"})
    return render(request, "registry/movement_create.html", {"person": person, "form": form})


def _community_matches(query: str, user: User) -> QuerySet[Area]:
    """Communities city-wide matching a name or code, outside the user's writable scope."""
    if not query:
        return Area.objects.none()
    return (
        Area.objects.communities()
        .filter(Q(name__icontains=query) | subtree_q([query], "code"))
        .exclude(pk__in=Area.objects.writable_by(user, AREA_ROLES).values("pk"))
        .select_related("parent__parent")
        .order_by("code")[:COMMUNITY_RESULTS]
    )


def _chosen_community(code: str, matches: list[Area]) -> list[Area]:
    """The community picked before (kept as a choice when a new search does not list it)."""
    if not code or any(area.code == code for area in matches):
        return []
    return list(Area.objects.communities().filter(code=code).select_related("parent__parent"))


def transfer_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a community outside one's own area to take the file over (or cancel the request)."""
    user = _user(request)
    person = get_person_for_user(user, pk, write=True)
    if request.method == "POST" and "cancel" in request.POST:
        try:
            movement_actions.transfer_cancel(actor=user, person=person)
            messages.success(request, _("The transfer request was cancelled."))
        except MovementRefused as refused:
            messages.error(request, refused.message)
        return redirect("registry:person_detail", pk=person.pk)
    # "Find" searches communities inside the same form, so the date and reason typed survive.
    finding = request.method == "POST" and "find" in request.POST
    query = normalize_text(request.POST.get("q") or request.GET.get("q", ""))[:32]
    chosen = (request.POST.get("to_area") or request.GET.get("to", "")).strip()
    matches = list(_community_matches(query, user))
    offered = [*matches, *_chosen_community(chosen, matches)]
    initial = {
        "moved_on": request.POST.get("moved_on") or timezone.localdate(),
        "reason": request.POST.get("reason", ""),
        "to_area": chosen,
    }
    bound = request.POST if request.method == "POST" and not finding else None
    form = TransferForm(bound, initial=initial, user=user, offered=offered)
    if bound is not None and form.is_valid():
        try:
            movement_actions.transfer_request(
                actor=user,
                person=person,
                to_area=form.cleaned_data["to_area"],
                moved_on=form.cleaned_data["moved_on"],
                reason=form.cleaned_data["reason"],
            )
        except MovementRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("The transfer was requested; the receiving community will accept or decline it."),
            )
            return redirect("registry:person_detail", pk=person.pk)
    audit_person(
        actor=user, action="person.view", person=person, detail={"page": "transfer_request"}
    )
    context = {
        "person": person,
        "form": form,
        "query": query,
        "matches": matches,
        "pending": Movement.objects.filter(person=person, state=Movement.State.PENDING)
        .select_related("to_area")
        .first(),
    }
    return render(request, "registry/transfer_request.html", context)


def transfer_list(request: HttpRequest) -> HttpResponse:
    """Incoming transfers waiting for my decision, and the transfers my area asked for."""
    user = _user(request)
    related = ("person", "from_area", "to_area")
    incoming = list(
        Movement.objects.incoming_for(user)
        .select_related(*related)
        .order_by("created_at")[:TRANSFERS_SHOWN]
    )
    outgoing = list(
        Movement.objects.outgoing_for(user)
        .select_related(*related)
        .order_by("-created_at")[:TRANSFERS_SHOWN]
    )
    # A file that was accepted elsewhere is no longer ours: its name is not shown any more.
    for movement in outgoing:
        movement.name_shown = may_change_file(user, movement.person)  # type: ignore[attr-defined]
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
                movement_actions.transfer_accept(actor=user, movement=movement)
                messages.success(request, _("The file is now kept by your community."))
                return redirect("registry:person_detail", pk=movement.person_id)
            if decision == "decline":
                movement_actions.transfer_decline(actor=user, movement=movement)
                messages.success(
                    request, _("The transfer was declined; the file stays where it was.")
                )
                return redirect("registry:transfer_list")
        except MovementRefused as refused:
            messages.error(request, refused.message)
            return redirect("registry:transfer_list")
        messages.error(request, _("Choose to accept or to decline the transfer."))
    audit_person(
        actor=user, action="person.view", person=movement.person, detail={"page": "transfer"}
    )
    return render(request, "registry/transfer_decide.html", {"movement": movement})
