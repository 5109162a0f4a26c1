"""Pages of the org app: home, the area browser, member units, the leading group, accounts.

Every object a URL names is fetched through an access helper of `org.access` (404 out of scope,
403 read-only); the policy middleware has already checked the role before these run.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import audit_record
from tongcheng.lib.areacodes import LEVEL_PREFIX_LENGTH
from tongcheng.org import services
from tongcheng.org.access import (
    NotInScope,
    ReadOnly,
    get_area_for_user,
    get_department_for_user,
    get_user_for_user,
    may_write,
    users_managed_by,
)
from tongcheng.org.contributions import allowed_roles
from tongcheng.org.forms import (
    DepartmentFilterForm,
    MembershipForm,
    RolloutForm,
    SearchForm,
    ServicePointForm,
    UserCreateForm,
    UserEditForm,
)
from tongcheng.org.models import (
    Area,
    Department,
    LeadingGroupPosition,
    Membership,
    RolloutStage,
    ServicePoint,
    User,
)
from tongcheng.org.refdata.rollout import RolloutState, rollout_state

CHILDREN_PER_PAGE = 40
USERS_PER_PAGE = 25


def _user(request: HttpRequest) -> User:
    # The policy middleware lets no anonymous request reach these views.
    return cast(User, request.user)


def _may(user: User, view_name: str, area: Area | None = None) -> bool:
    """Whether to offer a link or form to `view_name` (the view itself checks again)."""
    roles = user.held_roles() & allowed_roles(view_name)
    if not roles:
        return False
    if area is None:
        return True
    return may_write(user, area.code, roles)


def _errors_text(form: forms.Form) -> str:
    """A form's errors as one message line (for POST-only actions that redirect back)."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _page(request: HttpRequest, items: QuerySet, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# --- Home -----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """What exists so far for this account: its roles, areas, service points, unit, actions."""
    user = _user(request)
    memberships = user.all_memberships()
    areas = list({m.area.code: m.area for m in memberships}.values())
    department_ids = {m.department_id for m in memberships if m.department_id}
    context = {
        "memberships": memberships,
        "area_states": [(area, rollout_state(area)) for area in areas],
        "service_points": ServicePoint.objects.visible_to(user).select_related("area")[:10],
        "departments": Department.objects.filter(pk__in=department_ids).prefetch_related(
            "categories"
        ),
        "recent_events": AuditEvent.objects.filter(user_id=user.pk)[:10],
    }
    return render(request, "org/home.html", context)


# --- Areas ----------------------------------------------------------------------------------


def _top_areas(user: User) -> list[Area]:
    """The membership areas not inside another membership area, in code order."""
    areas = sorted(
        {m.area.code: m.area for m in user.all_memberships()}.values(), key=lambda a: a.code
    )
    return [a for a in areas if not any(o is not a and o.contains(a) for o in areas)]


def _with_child_counts(areas: QuerySet[Area]) -> QuerySet[Area]:
    # Sub-area counts in the same query: children, and grandchildren (a district's communities).
    return areas.annotate(
        n_children=Count("children", distinct=True),
        n_grandchildren=Count("children__children", distinct=True),
        has_point=Exists(ServicePoint.objects.filter(area=OuterRef("pk"))),
    )


def area_list(request: HttpRequest) -> HttpResponse:
    """The top of the user's area tree, one level unfolded."""
    user = _user(request)
    tops = _top_areas(user)
    children = _with_child_counts(Area.objects.filter(parent__in=tops)).order_by("code")
    by_parent: dict[int, list[Area]] = {}
    for child in children:
        by_parent.setdefault(cast(int, child.parent_id), []).append(child)
    tree = [(top, by_parent.get(top.pk, [])) for top in tops]
    return render(request, "org/area_list.html", {"tree": tree})


def _effective(parent_state: RolloutState, child: Area) -> RolloutState:
    """A child's rollout state from its parent's and its own entry (rollout_state's rule)."""
    own = getattr(child, "rollout", None)
    if own is None or not own.is_active():
        return parent_state
    candidates = [RolloutState(own.stage, own.since, child)]
    if parent_state.source_area is not None:
        candidates.append(parent_state)
    return max(
        candidates,
        key=lambda s: (s.stage == "pilot", LEVEL_PREFIX_LENGTH[s.source_area.level]),  # type: ignore[union-attr]
    )


def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One area: where it sits, its rollout, its counts, its service points and its children."""
    user = _user(request)
    area = get_area_for_user(user, code)
    search = SearchForm(request.GET)
    children = _with_child_counts(area.children.select_related("rollout")).order_by("code")
    if search.query():
        children = children.filter(name__icontains=search.query())
    page = _page(request, children, CHILDREN_PER_PAGE)
    state = rollout_state(area)
    child_rows = [(child, _effective(state, child)) for child in page]
    query = urlencode({"q": search.query()}) if search.query() else ""
    context = {
        "area": area,
        "search": search,
        "page": page,
        "child_rows": child_rows,
        "query": query,
    }
    if request.headers.get("HX-Request"):
        response = render(request, "org/area_detail.html#children", context)
    else:
        context |= _area_page_context(user, area, state)
        response = render(request, "org/area_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _area_page_context(user: User, area: Area, state: RolloutState) -> dict[str, object]:
    """What the full area page shows around the children list."""
    prefixes = user.scope_prefixes()
    may_edit_rollout = _may(user, "org:area_rollout_edit", area)
    own = RolloutStage.objects.filter(area=area).first() if may_edit_rollout else None
    return {
        "breadcrumb": [a for a in area.ancestors() if any(a.code.startswith(p) for p in prefixes)],
        "rollout": state,
        "counts": _subtree_counts(area),
        "service_points": area.service_points.all(),
        "point_kind": services.SERVICE_POINT_KIND_FOR_LEVEL.get(area.level),
        "may_edit_rollout": may_edit_rollout,
        "may_edit_point": _may(user, "org:service_point_edit", area),
        "rollout_form": RolloutForm(
            initial={"stage": own.stage, "since": own.since, "basis": own.basis} if own else {}
        ),
    }


def _subtree_counts(area: Area) -> dict[str, int]:
    """Districts, streets and communities below `area`, counted in one query."""
    levels = [Area.Level.DISTRICT, Area.Level.STREET, Area.Level.COMMUNITY]
    below = Area.objects.filter(code__startswith=area.prefix).exclude(pk=area.pk)
    return below.aggregate(**{level: Count("pk", filter=Q(level=level)) for level in levels})


@require_POST
def area_rollout_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Set or clear the rollout stage recorded on one area."""
    area = get_area_for_user(_user(request), code, write=True)
    form = RolloutForm(request.POST)
    if form.is_valid():
        try:
            services.area_set_rollout(
                audit_as=request,
                area=area,
                stage=form.cleaned_data["stage"] or None,
                since=form.cleaned_data["since"],
                basis=form.cleaned_data["basis"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The rollout stage was saved."))
    else:
        messages.error(request, _errors_text(form))
    return redirect("org:area_detail", code=area.code)


def service_point_edit(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """Create or update the street section or community centre of an area."""
    area = get_area_for_user(_user(request), code, write=True)
    expected = services.SERVICE_POINT_KIND_FOR_LEVEL.get(area.level)
    point = ServicePoint.objects.filter(area=area, kind=kind).first()
    form = ServicePointForm(request.POST or None, instance=point)
    if expected == kind and request.method == "POST" and form.is_valid():
        try:
            services.service_point_save(
                audit_as=request, area=area, kind=kind, fields=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The service point was saved."))
            return redirect("org:area_detail", code=area.code)
    context = {
        "area": area,
        "form": form,
        "point": point,
        "kind_ok": expected == kind,
        "kind_label": ServicePoint.Kind(expected).label if expected else "",
    }
    # A wrong kind for the level is a bad request; the page says which kind the area has.
    status = 400 if expected != kind or form.errors else 200
    return render(request, "org/service_point_edit.html", context, status=status)


# --- Member units and the leading group -------------------------------------------------------


def _my_districts(user: User) -> list[Area]:
    """Districts the user works in or under (all of them for a city-wide role)."""
    return list(
        Area.objects.visible_to(user).filter(level=Area.Level.DISTRICT)
        | Area.objects.filter(
            level=Area.Level.DISTRICT,
            code__in=[p[:6].ljust(12, "0") for p in user.scope_prefixes() if len(p) >= 6],
        )
    )


def department_list(request: HttpRequest) -> HttpResponse:
    """The directory of member units with duties and the service categories each handles."""
    user = _user(request)
    districts = _my_districts(user)
    form = DepartmentFilterForm(request.GET or None, districts=districts)
    departments = Department.objects.visible_to(user)
    if form.is_valid():
        level, category = form.cleaned_data["level"], form.cleaned_data["category"]
        if level == "city":
            departments = departments.filter(area__level=Area.Level.CITY)
        elif level:
            departments = departments.filter(area__code=level)
        if category is not None:
            departments = departments.filter(categories=category)
    departments = departments.select_related("area").prefetch_related("categories")
    return render(request, "org/department_list.html", {"form": form, "departments": departments})


def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One member unit: duties, categories, its seats in the leading group, its district twins."""
    user = _user(request)
    department = get_department_for_user(user, code)
    context = {
        "department": department,
        "categories": department.categories.all(),
        "seats": department.leading_positions.all(),
        "units_of_area": Department.objects.filter(area=department.area)
        .exclude(pk=department.pk)
        .order_by("order", "code")
        if department.area.level == Area.Level.DISTRICT
        else [],
    }
    return render(request, "org/department_detail.html", context)


def leading_group(request: HttpRequest) -> HttpResponse:
    """The city leading group and its office, by position, linked to member units."""
    seats = LeadingGroupPosition.objects.filter(area__level=Area.Level.CITY).select_related(
        "department"
    )
    groups: dict[str, list[LeadingGroupPosition]] = {
        value: [] for value in LeadingGroupPosition.Position.values
    }
    for seat in seats:
        groups[seat.position].append(seat)
    rows = [
        (LeadingGroupPosition.Position(value).label, groups[value])
        for value in LeadingGroupPosition.Position.values
        if groups[value]
    ]
    return render(request, "org/leading_group.html", {"rows": rows})


# --- Accounts and memberships -----------------------------------------------------------------


def user_list(request: HttpRequest) -> HttpResponse:
    """Accounts with a membership inside the actor's managing scope."""
    user = _user(request)
    search = SearchForm(request.GET)
    accounts = users_managed_by(user).prefetch_related(
        Prefetch("memberships", Membership.objects.select_related("area", "department"))
    )
    if search.query():
        term = search.query()
        accounts = accounts.filter(Q(username__icontains=term) | Q(display_name__icontains=term))
    page = _page(request, accounts.order_by("username"), USERS_PER_PAGE)
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
    actor = _user(request)
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
    actor = _user(request)
    form = UserCreateForm(request.POST or None, actor=actor, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.user_create(
                actor=actor,
                audit_as=request,
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
    target = get_user_for_user(_user(request), pk, write=True)
    form = UserEditForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        services.user_update(
            audit_as=request, user=target, display_name=form.cleaned_data["display_name"]
        )
        messages.success(request, _("The account was saved."))
        return redirect("org:user_detail", pk=target.pk)
    return render(request, "org/user_edit.html", {"form": form, "target": target})


def _apply(request: HttpRequest, target: User, action: object, done: str) -> HttpResponse:
    """Run a service call for a POST-only account action; report its result as a message."""
    try:
        action()  # type: ignore[operator]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("org:user_detail", pk=target.pk)


@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Enable or disable an account (disabling ends its sessions)."""
    actor = _user(request)
    target = get_user_for_user(actor, pk, write=True)
    active = request.POST.get("active") == "1"
    return _apply(
        request,
        target,
        lambda: services.user_set_active(actor=actor, audit_as=request, user=target, active=active),
        _("The account was enabled.") if active else _("The account was disabled."),
    )


@require_POST
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """Forget an account's authenticator so it enrols again."""
    target = get_user_for_user(_user(request), pk, write=True)
    return _apply(
        request,
        target,
        lambda: services.user_reset_two_factor(audit_as=request, user=target),
        _("Two-factor login was reset: the account enrols again at its next login."),
    )


@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant the account one more role."""
    actor = _user(request)
    target = get_user_for_user(actor, pk, write=True)
    form = MembershipForm(request.POST, actor=actor)
    if not form.is_valid():
        messages.error(request, _errors_text(form))
        return redirect("org:user_detail", pk=target.pk)
    data = form.cleaned_data
    return _apply(
        request,
        target,
        lambda: services.membership_grant(
            actor=actor,
            audit_as=request,
            user=target,
            role=data["role"],
            area=data["area"],
            department=data["department"],
        ),
        _("The role was granted; the account's open sessions were ended."),
    )


@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Take one role away from the account."""
    actor = _user(request)
    target = get_user_for_user(actor, pk, write=True)
    membership: Membership | None = next(
        (m for m in target.memberships.all() if m.pk == membership_pk), None
    )
    if membership is None:
        raise NotInScope("membership", membership_pk)
    return _apply(
        request,
        target,
        lambda: services.membership_revoke(actor=actor, audit_as=request, membership=membership),
        _("The role was removed; the account's open sessions were ended."),
    )
