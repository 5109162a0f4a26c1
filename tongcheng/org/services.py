"""Writes of the org app: accounts, memberships, rollout stages and service points.

Each function is one transaction that also writes its audit event (codes and field names only,
never a personal value). Business rules are checked here, not in views or forms: a rule broken
raises ValidationError with a message the page shows as it is.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.services import Actor, audit_record
from tongcheng.lib.roles import ADMIN_ROLES, Role
from tongcheng.org.access import can_grant, managing_memberships
from tongcheng.org.models import Area, Department, Membership, RolloutStage, ServicePoint, User
from tongcheng.org.roles import DEPARTMENT_ROLES, ROLE_AREA_LEVELS

if TYPE_CHECKING:
    from django.http import HttpRequest

    AuditActor = Actor | HttpRequest


# The one kind of service point each level of area has (the plan: 民族科 in streets,
# 少数民族便民服务中心 in communities).
SERVICE_POINT_KIND_FOR_LEVEL: dict[str, str] = {
    Area.Level.STREET: ServicePoint.Kind.STREET_SECTION,
    Area.Level.COMMUNITY: ServicePoint.Kind.COMMUNITY_CENTRE,
}


# --- Rollout and service points ---------------------------------------------------------------


@transaction.atomic
def area_set_rollout(
    *,
    audit_as: AuditActor,
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
            actor=audit_as,
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
        actor=audit_as,
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
    audit_as: AuditActor,
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
        actor=audit_as,
        action="service_point.create" if created else "service_point.update",
        object_type="service_point",
        object_id=point.pk,
        area_code=area.code,
        detail={"kind": kind, "fields": sorted(fields)},
    )
    return point


# --- Accounts and memberships -------------------------------------------------------------------


def _check_grant(
    *, actor: User, user: User | None, role: Role, area: Area, department: Department | None
) -> None:
    """The grant rules; raise ValidationError naming the one that is broken."""
    if user is not None and user.pk == actor.pk:
        # Nobody raises their own rights: another manager changes one's roles.
        raise ValidationError(_("You cannot change the roles of your own account."))
    if area.level not in ROLE_AREA_LEVELS[role]:
        # A community role at city level would hand out a city-wide scope.
        raise ValidationError(
            {
                "area": _("The role “%(role)s” is held at the level of: %(levels)s.")
                % {
                    "role": role.label,
                    "levels": "、".join(
                        str(Area.Level(level).label) for level in ROLE_AREA_LEVELS[role]
                    ),
                }
            }
        )
    if not can_grant(actor, role, area):
        raise ValidationError(
            _("You cannot grant the role “%(role)s” in %(area)s.")
            % {"role": role.label, "area": area.name}
        )
    if role in DEPARTMENT_ROLES:
        if department is None:
            raise ValidationError({"department": _("A department liaison needs a member unit.")})
        if department.area_id != area.pk:
            raise ValidationError(
                {"department": _("The member unit must belong to the membership's area.")}
            )
    elif department is not None:
        raise ValidationError({"department": _("Only a department liaison names a member unit.")})
    if user is None:
        return
    held = list(user.memberships.all())
    held_roles = {Role(m.role) for m in held}
    if held_roles and (role in ADMIN_ROLES) != bool(held_roles & ADMIN_ROLES):
        # 三员分立: an administrator account does administration only, never casework.
        raise ValidationError(
            _("Administrator roles and working roles cannot be held by the same account.")
        )
    if role in ADMIN_ROLES:
        other_admin = {Role(m.role) for m in held} & (ADMIN_ROLES - {role})
        if other_admin:
            raise ValidationError(
                _(
                    "The system, security and audit administrator roles are kept apart: this "
                    "account already holds “%(role)s”."
                )
                % {"role": sorted(other_admin)[0].label}
            )
    if any(
        m.role == role
        and m.area_id == area.pk
        and m.department_id == (department and department.pk)
        for m in held
    ):
        raise ValidationError(_("The account already holds this role in this area."))


def _add_membership(
    *,
    actor: User,
    audit_as: AuditActor,
    action: str,
    user: User,
    role: Role,
    area: Area,
    department: Department | None,
) -> Membership:
    """Create a checked membership and its audit event (role, area and unit codes only)."""
    membership = Membership.objects.create(
        user=user, role=role, area=area, department=department, granted_by=actor
    )
    audit_record(
        actor=audit_as,
        action=action,
        object_type="user",
        object_id=user.pk,
        area_code=area.code,
        detail={
            "role": role.value,
            "area": area.code,
            "department": department.code if department else None,
        },
    )
    return membership


@transaction.atomic
def user_create(
    *,
    actor: User,
    audit_as: AuditActor,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    area: Area,
    department: Department | None = None,
) -> User:
    """A new account with its first membership (an account without a role could do nothing)."""
    _check_grant(actor=actor, user=None, role=role, area=area, department=department)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(username=username, display_name=display_name)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.rotate_security_stamp()
    user.save()
    _add_membership(
        actor=actor,
        audit_as=audit_as,
        action="user.create",
        user=user,
        role=role,
        area=area,
        department=department,
    )
    return user


@transaction.atomic
def user_update(*, audit_as: AuditActor, user: User, display_name: str) -> User:
    """Change what an account is called on screens (the username never changes)."""
    user.display_name = display_name
    user.save(update_fields=["display_name"])
    audit_record(
        actor=audit_as,
        action="user.update",
        object_type="user",
        object_id=user.pk,
        detail={"fields": ["display_name"]},
    )
    return user


@transaction.atomic
def membership_grant(
    *,
    actor: User,
    audit_as: AuditActor,
    user: User,
    role: Role,
    area: Area,
    department: Department | None = None,
) -> Membership:
    """Give `user` a role in an area; its open sessions end (its rights changed)."""
    _check_grant(actor=actor, user=user, role=role, area=area, department=department)
    user.rotate_security_stamp()
    user.save(update_fields=["security_stamp"])
    return _add_membership(
        actor=actor,
        audit_as=audit_as,
        action="membership.grant",
        user=user,
        role=role,
        area=area,
        department=department,
    )


@transaction.atomic
def membership_revoke(*, actor: User, audit_as: AuditActor, membership: Membership) -> None:
    """Take a role away; the account's open sessions end."""
    role = Role(membership.role)
    area = membership.area
    if not can_grant(actor, role, area):
        raise ValidationError(
            _("You cannot remove the role “%(role)s” in %(area)s.")
            % {"role": role.label, "area": area.name}
        )
    if membership.user_id == actor.pk and any(
        m.pk == membership.pk for m in managing_memberships(actor)
    ):
        raise ValidationError(
            _("You cannot remove your own account-managing role; ask another administrator.")
        )
    user = membership.user
    if user.memberships.count() <= 1:
        raise ValidationError(_("An account keeps at least one role; disable the account instead."))
    membership.delete()
    user.rotate_security_stamp()
    user.save(update_fields=["security_stamp"])
    audit_record(
        actor=audit_as,
        action="membership.revoke",
        object_type="user",
        object_id=user.pk,
        area_code=area.code,
        detail={
            "role": role.value,
            "area": area.code,
            "department": membership.department.code if membership.department else None,
        },
    )


@transaction.atomic
def user_set_active(*, actor: User, audit_as: AuditActor, user: User, active: bool) -> User:
    """Enable or disable an account; disabling ends its sessions at once."""
    if user.pk == actor.pk and not active:
        raise ValidationError(_("You cannot disable your own account."))
    user.is_active = active
    user.rotate_security_stamp()
    user.save(update_fields=["is_active", "security_stamp"])
    audit_record(
        actor=audit_as,
        action="user.enable" if active else "user.disable",
        object_type="user",
        object_id=user.pk,
        detail={"fields": ["is_active"]},
    )
    return user


@transaction.atomic
def user_reset_two_factor(*, audit_as: AuditActor, user: User) -> User:
    """Forget the account's authenticator: it enrols again at its next login."""
    had = user.totp_confirmed_at is not None
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.totp_last_step = 0
    user.rotate_security_stamp()
    user.save(
        update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step", "security_stamp"]
    )
    audit_record(
        actor=audit_as,
        action="user.reset_two_factor",
        object_type="user",
        object_id=user.pk,
        detail={"was_enrolled": had},
    )
    return user
