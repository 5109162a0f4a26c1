"""Accounts and their memberships: list, detail, create, edit, enable, reset two-factor, roles.

Every account a URL names is fetched through `org.access.get_user_for_user` (404 out of scope,
403 read-only); the policy middleware has already checked the role before these run.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.audit.services import audit_record
from tongcheng.org.access import (
    NotInScope,
    ReadOnly,
    get_user_for_user,
    users_managed_by,
)
from tongcheng.org.actions import accounts as actions
from tongcheng.org.forms import (
    MembershipForm,
    SearchForm,
    UserCreateForm,
    UserEditForm,
)
from tongcheng.org.models import (
    Area,
    Membership,
    User,
)
from tongcheng.org.views.common import errors_text, page_of, user_of

USERS_PER_PAGE = 25


def user_list(request: HttpRequest) -> HttpResponse:
    """Accounts with a membership inside the actor's managing scope."""
    user = user_of(request)
    search = SearchForm(request.GET)
    accounts = users_managed_by(user).prefetch_related(
        Prefetch("memberships", Membership.objects.select_related("area", "department"))
    )
    if search.query():
        term = search.query()
        accounts = accounts.filter(Q(username__icontains=term) | Q(display_name__icontains=term))
    page = page_of(request, accounts.order_by("username"), USERS_PER_PAGE)
    audit_record(
        actor=request,
        action="user.list",
        object_type="user",
        detail={"shown": len(page.object_list), "searched": bool(search.query())},
    )
    query = urlencode({"q": search.query()}) if search.query() else ""
    return render(request, "org/user_list.html", {"search": search, "page": page, "query": query})


def _area_choices(actor: User) -> QuerySet[Area]:
    """Codes offered as suggestions in membership forms (communities are too many: typed)."""
    return (
        Area.objects.visible_to(actor)
        .exclude(level=Area.Level.COMMUNITY)
        .only("code", "name")
        .order_by("code")
    )


def _can_write(actor: User, target: User) -> bool:
    try:
        get_user_for_user(actor, target.pk, write=True)
    except (NotInScope, ReadOnly):
        return False
    return True


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: memberships, status, two-factor enrolment, last login."""
    actor = user_of(request)
    target = get_user_for_user(actor, pk)
    # Staff accounts are people too: who opened which account is on the record.
    audit_record(actor=request, action="user.view", object_type="user", object_id=target.pk)
    context = {
        "target": target,
        "memberships": target.memberships.all(),
        "can_write": _can_write(actor, target),
        "membership_form": MembershipForm(actor=actor, auto_id="m_%s"),
        "area_choices": _area_choices(actor),
    }
    return render(request, "org/user_detail.html", context)


def user_create(request: HttpRequest) -> HttpResponse:
    """A new account with its first membership."""
    actor = user_of(request)
    form = UserCreateForm(request.POST or None, actor=actor, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = actions.user_create(
                actor=actor,
                username=data["username"],
                display_name=data["display_name"],
                password=data["password"],
                role=data["role"],
                area=data["area"],
                department=data["department"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The account was created."))
            return redirect("org:user_detail", pk=target.pk)
    context = {"form": form, "area_choices": _area_choices(actor)}
    return render(request, "org/user_create.html", context, status=400 if form.errors else 200)


def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an account's display name."""
    actor = user_of(request)
    target = get_user_for_user(actor, pk, write=True)
    form = UserEditForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        actions.user_update(
            actor=actor, account=target, display_name=form.cleaned_data["display_name"]
        )
        messages.success(request, _("The account was saved."))
        return redirect("org:user_detail", pk=target.pk)
    return render(request, "org/user_edit.html", {"form": form, "target": target})


def _apply(
    request: HttpRequest, target: User, action: Callable[[], object], done: str
) -> HttpResponse:
    """Run an action for a POST-only account page; report its result as a message."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("org:user_detail", pk=target.pk)


@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Enable or disable an account (disabling ends its sessions)."""
    actor = user_of(request)
    target = get_user_for_user(actor, pk, write=True)
    active = request.POST.get("active") == "1"
    return _apply(
        request,
        target,
        lambda: actions.user_set_active(actor=actor, account=target, active=active),
        _("The account was enabled.") if active else _("The account was disabled."),
    )


@require_POST
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """Forget an account's authenticator so it enrols again."""
    actor = user_of(request)
    target = get_user_for_user(actor, pk, write=True)
    return _apply(
        request,
        target,
        lambda: actions.user_reset_two_factor(actor=actor, account=target),
        _("Two-factor login was reset: the account enrols again at its next login."),
    )


@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant the account one more role."""
    actor = user_of(request)
    target = get_user_for_user(actor, pk, write=True)
    form = MembershipForm(request.POST, actor=actor)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("org:user_detail", pk=target.pk)
    data = form.cleaned_data
    return _apply(
        request,
        target,
        lambda: actions.membership_grant(
            actor=actor,
            account=target,
            role=data["role"],
            area=data["area"],
            department=data["department"],
        ),
        _("The role was granted; the account's open sessions were ended."),
    )


@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Take one role away from the account."""
    actor = user_of(request)
    target = get_user_for_user(actor, pk, write=True)
    membership: Membership | None = next(
        (m for m in target.memberships.all() if m.pk == membership_pk), None
    )
    if membership is None:
        raise NotInScope("membership", membership_pk)
    return _apply(
        request,
        target,
        lambda: actions.membership_revoke(actor=actor, membership=membership),
        _("The role was removed; the account's open sessions were ended."),
    )
