"""Cases for tests, opened and moved through the real actions (never written around them)."""

from __future__ import annotations

from typing import Any

from tongcheng.cases.actions.intake import CaseInput, case_open
from tongcheng.cases.models import Case, Channel, Nature, Service, Urgency
from tongcheng.cases.refdata import load_services
from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, Department, Membership, User


def service(code: str = "job-seeking") -> Service:
    load_services(Service)  # a transactional test may have emptied the catalogue
    return Service.objects.get(code=code)


def liaison(department_code: str, username: str = "") -> User:
    """A liaison of the given unit (created once)."""
    department = Department.objects.select_related("area").get(code=department_code)
    name = username or f"liaison.{department_code}"
    user, created = User.objects.get_or_create(username=name, defaults={"display_name": name})
    if created:
        Membership.objects.create(
            user=user, role=Role.DEPT_LIAISON, area=department.area, department=department
        )
    return User.objects.get(pk=user.pk)


def open_case(actor: User, community: Area, **changes: Any) -> Case:
    data: dict[str, Any] = {
        "service": service(changes.pop("service_code", "job-seeking")),
        "nature": Nature.HELP,
        "urgency": Urgency.NORMAL,
        "description": "需要帮助找工作",
        "channel": Channel.COMMUNITY,
        "community": community,
        "caller_name": "马晓梅",
        "caller_phone": "13812345678",
    }
    data.update(changes)
    return case_open(actor=actor, data=CaseInput(**data))
