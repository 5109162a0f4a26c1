"""The area browser: the user's area tree, one area's page, its rollout stage and service point.

Every area a URL names is fetched through `org.access.get_area_for_user` (404 out of scope, 403
read-only); the policy middleware has already checked the role before these run.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongcheng.lib.areacodes import LEVEL_PREFIX_LENGTH
from tongcheng.org.access import get_area_for_user, may_read
from tongcheng.org.actions.areas import (
    SERVICE_POINT_KIND_FOR_LEVEL,
    area_set_rollout,
    service_point_save,
)
from tongcheng.org.forms import (
    RolloutForm,
    SearchForm,
    ServicePointForm,
)
from tongcheng.org.models import (
    Area,
    RolloutStage,
    ServicePoint,
    User,
)
from tongcheng.org.refdata.rollout import RolloutState, rollout_state
from tongcheng.org.views.common import errors_text, may_offer, page_of, user_of

CHILDREN_PER_PAGE = 40


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
    user = user_of(request)
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
    user = user_of(request)
    area = get_area_for_user(user, code)
    search = SearchForm(request.GET)
    children = _with_child_counts(area.children.select_related("rollout")).order_by("code")
    if search.query():
        children = children.filter(name__icontains=search.query())
    page = page_of(request, children, CHILDREN_PER_PAGE)
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
    may_edit_rollout = may_offer(user, "org:area_rollout_edit", area)
    own = RolloutStage.objects.filter(area=area).first() if may_edit_rollout else None
    return {
        "breadcrumb": [a for a in area.ancestors() if may_read(user, a.code)],
        "rollout": state,
        "counts": _subtree_counts(area),
        "service_points": area.service_points.all(),
        "point_kind": SERVICE_POINT_KIND_FOR_LEVEL.get(area.level),
        "may_edit_rollout": may_edit_rollout,
        "may_edit_point": may_offer(user, "org:service_point_edit", area),
        "rollout_form": RolloutForm(
            initial={"stage": own.stage, "since": own.since, "basis": own.basis} if own else {}
        ),
    }


def _subtree_counts(area: Area) -> dict[str, int]:
    """Districts, streets and communities below `area`, counted in one query."""
    levels = [Area.Level.DISTRICT, Area.Level.STREET, Area.Level.COMMUNITY]
    below = Area.objects.in_subtree([area.prefix]).exclude(pk=area.pk)
    return below.aggregate(**{level: Count("pk", filter=Q(level=level)) for level in levels})


@require_POST
def area_rollout_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Set or clear the rollout stage recorded on one area."""
    user = user_of(request)
    area = get_area_for_user(user, code, write=True)
    form = RolloutForm(request.POST)
    if form.is_valid():
        try:
            area_set_rollout(
                actor=user,
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
        messages.error(request, errors_text(form))
    return redirect("org:area_detail", code=area.code)


def service_point_edit(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """Create or update the street section or community centre of an area."""
    user = user_of(request)
    area = get_area_for_user(user, code, write=True)
    expected = SERVICE_POINT_KIND_FOR_LEVEL.get(area.level)
    point = ServicePoint.objects.filter(area=area, kind=kind).first()
    form = ServicePointForm(request.POST or None, instance=point)
    if expected == kind and request.method == "POST" and form.is_valid():
        try:
            service_point_save(actor=user, area=area, kind=kind, fields=form.cleaned_data)
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
