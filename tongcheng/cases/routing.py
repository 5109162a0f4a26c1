"""Which member unit a case goes to: the service's unit of the case's district, else the city's.

The reference data names each unit `<district code, 6 digits>-<key>` or `city-<key>` (the key of
the plan's unit: `edu`, `hrss`, `civil` …); a service names its key (`Service.unit`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tongcheng.cases.models import Service
from tongcheng.lib.areacodes import LEVEL_PREFIX_LENGTH
from tongcheng.org.models import Area, Department


def unit_codes(service: Service, area_code: str) -> list[str]:
    """The codes of the service's unit for the area, the district's first."""
    district = area_code[: LEVEL_PREFIX_LENGTH["district"]]
    return [f"{district}-{service.unit}", f"city-{service.unit}"]


def default_department(service: Service, area_code: str) -> Department | None:
    """The unit a case of this service in this community is dispatched to by default."""
    codes = unit_codes(service, area_code)
    found = {d.code: d for d in Department.objects.filter(code__in=codes).select_related("area")}
    return next((found[code] for code in codes if code in found), None)


def departments_for(area_code: str) -> QuerySet[Department]:
    """The units a case of this community may be sent to: its district's and the city's."""
    district = area_code[: LEVEL_PREFIX_LENGTH["district"]].ljust(12, "0")
    return Department.objects.filter(
        Q(area__code=district) | Q(area__level=Area.Level.CITY)
    ).select_related("area")
