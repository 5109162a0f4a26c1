"""Writes of areas: the rollout stage recorded on an area, and its service point."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.services import audit_record
from tongcheng.org.models import Area, RolloutStage, ServicePoint, User

# The one kind of service point each level of area has (the plan: 民族科 in streets,
# 少数民族便民服务中心 in communities).
SERVICE_POINT_KIND_FOR_LEVEL: dict[str, str] = {
    Area.Level.STREET: ServicePoint.Kind.STREET_SECTION,
    Area.Level.COMMUNITY: ServicePoint.Kind.COMMUNITY_CENTRE,
}


@transaction.atomic
def area_set_rollout(
    *,
    actor: User,
    area: Area,
    stage: str | None,
    since: date | None = None,
    basis: str = "",
) -> RolloutStage | None:
    """Set (or, with stage None, clear) the rollout stage recorded on this area itself."""
    existing = RolloutStage.objects.filter(area=area).first()
    if not stage:
        if existing is not None:
            existing.delete()
        audit_record(
            actor=actor,
            action="area.rollout_clear",
            object_type="area",
            object_id=area.code,
            area_code=area.code,
            detail={"had_stage": existing is not None},
        )
        return None
    if stage not in RolloutStage.Stage.values:
        raise ValidationError({"stage": _("Choose a valid rollout stage.")})
    if since is None:
        raise ValidationError({"since": _("Enter the date the stage began.")})
    rollout, created = RolloutStage.objects.update_or_create(
        area=area, defaults={"stage": stage, "since": since, "basis": basis}
    )
    audit_record(
        actor=actor,
        action="area.rollout_set",
        object_type="area",
        object_id=area.code,
        area_code=area.code,
        detail={"stage": stage, "created": created, "fields": ["stage", "since", "basis"]},
    )
    return rollout


@transaction.atomic
def service_point_save(
    *,
    actor: User,
    area: Area,
    kind: str,
    fields: dict[str, object],
) -> ServicePoint:
    """Create or update the service point of `kind` in `area` (one per area and kind)."""
    expected = SERVICE_POINT_KIND_FOR_LEVEL.get(area.level)
    if expected is None:
        raise ValidationError(
            _("Only streets and communities have a service point; %(area)s is a %(level)s.")
            % {"area": area.name, "level": area.get_level_display()}
        )
    if kind != expected:
        raise ValidationError(
            _("A %(level)s has a “%(expected)s”, not a “%(kind)s”.")
            % {
                "level": area.get_level_display(),
                "expected": ServicePoint.Kind(expected).label,
                "kind": ServicePoint.Kind(kind).label if kind in ServicePoint.Kind.values else kind,
            }
        )
    point, created = ServicePoint.objects.update_or_create(area=area, kind=kind, defaults=fields)
    audit_record(
        actor=actor,
        action="service_point.create" if created else "service_point.update",
        object_type="service_point",
        object_id=point.pk,
        area_code=area.code,
        detail={"kind": kind, "fields": sorted(fields)},
    )
    return point
