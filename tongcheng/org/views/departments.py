"""The directory of member units and the city leading group (read-only pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongcheng.lib.areacodes import CODE_LENGTH, LEVEL_PREFIX_LENGTH
from tongcheng.org.access import (
    get_department_for_user,
)
from tongcheng.org.forms import (
    DepartmentFilterForm,
)
from tongcheng.org.models import (
    Area,
    Department,
    LeadingGroupPosition,
    User,
)
from tongcheng.org.views.common import user_of


def _my_districts(user: User) -> list[Area]:
    """Districts the user works in or under (all of them for a city-wide role)."""
    district = LEVEL_PREFIX_LENGTH["district"]
    return list(
        Area.objects.visible_to(user).filter(level=Area.Level.DISTRICT)
        | Area.objects.filter(
            level=Area.Level.DISTRICT,
            code__in=[
                p[:district].ljust(CODE_LENGTH, "0")
                for p in user.scope_prefixes()
                if len(p) >= district
            ],
        )
    )


def department_list(request: HttpRequest) -> HttpResponse:
    """The directory of member units with duties and the service categories each handles."""
    user = user_of(request)
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
    user = user_of(request)
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
