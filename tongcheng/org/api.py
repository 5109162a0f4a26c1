"""REST operations of the org app: who am I, the area tree, the member units.

Each operation sets `url_name` explicitly: the namespaced name ("api:area_list") is its key in
tongcheng.org.policy.POLICY. Lists are scoped with the same `visible_to` as the pages.
"""

# No `from __future__ import annotations`: ninja reads the parameter annotations at runtime.
from typing import cast

from django.db.models import F, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from tongcheng.lib.paging import MAX_PAGE
from tongcheng.org.access import get_area_for_user
from tongcheng.org.apierrors import declared
from tongcheng.org.models import Area, Department, User

router = Router()


class BoundedPages(PageNumberPagination):
    """Page numbers 1 to MAX_PAGE (422 beyond): a page past the database's 64-bit offsets
    was a 500."""

    class Input(PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=MAX_PAGE)


class MembershipOut(Schema):
    role: str
    role_label: str
    area_code: str
    area_name: str
    department_code: str | None = None


class MeOut(Schema):
    username: str
    display_name: str
    memberships: list[MembershipOut]


class AreaOut(Schema):
    code: str
    name: str
    level: Area.Level
    parent_code: str | None = None


class AreaDetailOut(AreaOut):
    children_count: int


class DepartmentOut(Schema):
    code: str
    name: str
    full_name: str
    area_code: str = Field(..., alias="area.code")
    is_lead: bool
    categories: list[str]

    @staticmethod
    def resolve_categories(obj: Department) -> list[str]:
        return [category.code for category in obj.categories.all()]


def _user(request: HttpRequest) -> User:
    # The API's auth classes (org.apiauth) set `request.auth` to the calling account.
    return cast(User, request.auth)  # type: ignore[attr-defined]


@router.get(
    "/me",
    response=declared({200: MeOut}),
    url_name="me",
    summary="The calling account and its roles",
)
def me(request: HttpRequest) -> MeOut:
    user = _user(request)
    memberships = [
        MembershipOut(
            role=m.role,
            role_label=str(m.get_role_display()),
            area_code=m.area.code,
            area_name=m.area.name,
            department_code=m.department.code if m.department else None,
        )
        for m in user.all_memberships()
    ]
    return MeOut(username=user.username, display_name=user.display_name, memberships=memberships)


@router.get(
    "/areas",
    response=declared({200: list[AreaOut]}, 422),
    url_name="area_list",
    summary="Areas in the caller's scope",
)
@paginate(BoundedPages)
def area_list(
    request: HttpRequest, parent: str | None = None, level: Area.Level | None = None
) -> QuerySet[Area]:
    areas = Area.objects.visible_to(_user(request)).annotate(parent_code=F("parent__code"))
    if parent:
        areas = areas.filter(parent__code=parent)
    if level:
        areas = areas.filter(level=level)
    return areas.order_by("code")


@router.get(
    "/areas/{code}",
    response=declared({200: AreaDetailOut}, 404),
    url_name="area_detail",
    summary="One area (404 outside the caller's scope)",
)
def area_detail(request: HttpRequest, code: str) -> AreaDetailOut:
    area = get_area_for_user(_user(request), code)
    return AreaDetailOut(
        code=area.code,
        name=area.name,
        level=Area.Level(area.level),
        parent_code=area.parent.code if area.parent else None,
        children_count=area.children.count(),
    )


@router.get(
    "/departments",
    response=declared({200: list[DepartmentOut]}, 422),
    url_name="department_list",
    summary="Member units the caller can see",
)
@paginate(BoundedPages)
def department_list(
    request: HttpRequest, level: Area.Level | None = None, category: str | None = None
) -> QuerySet[Department]:
    departments = (
        Department.objects.visible_to(_user(request))
        .select_related("area")
        .prefetch_related("categories")
    )
    if level:
        departments = departments.filter(area__level=level)
    if category:
        departments = departments.filter(categories__code=category)
    return departments
