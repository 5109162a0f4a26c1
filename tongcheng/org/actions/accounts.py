"""Writes of accounts and their memberships, and the rules of granting a role.

A change of an account's roles, activity or second factor rotates its security stamp, which ends
its open sessions (the stamp is part of the session hash).
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.services import audit_record
from tongcheng.lib.roles import ADMIN_ROLES, Role
from tongcheng.org.access import can_grant, managing_memberships
from tongcheng.org.actions.tokens import api_tokens_revoke_all
from tongcheng.org.models import Area, Department, Membership, User
from tongcheng.org.roles import DEPARTMENT_ROLES, ROLE_AREA_LEVELS


def _check_grant(
    *, actor: User, account: User | None, role: Role, area: Area, department: Department | None
) -> None:
    """The grant rules; raise ValidationError naming the one that is broken."""
    if account is not None and account.pk == actor.pk:
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
    if account is None:
        return
    held = list(account.memberships.all())
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
    action: str,
    account: User,
    role: Role,
    area: Area,
    department: Department | None,
) -> Membership:
    """Create a checked membership and its audit event (role, area and unit codes only)."""
    membership = Membership.objects.create(
        user=account, role=role, area=area, department=department, granted_by=actor
    )
    audit_record(
        actor=actor,
        action=action,
        object_type="user",
        object_id=account.pk,
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
    username: str,
    display_name: str,
    password: str,
    role: Role,
    area: Area,
    department: Department | None = None,
) -> User:
    """A new account with its first membership (an account without a role could do nothing)."""
    _check_grant(actor=actor, account=None, role=role, area=area, department=department)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    account = User(username=username, display_name=display_name)
    try:
        password_validation.validate_password(password, user=account)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    account.set_password(password)
    account.rotate_security_stamp()
    account.save()
    _add_membership(
        actor=actor,
        action="user.create",
        account=account,
        role=role,
        area=area,
        department=department,
    )
    return account


@transaction.atomic
def user_update(*, actor: User, account: User, display_name: str) -> User:
    """Change what an account is called on screens (the username never changes)."""
    account.display_name = display_name
    account.save(update_fields=["display_name"])
    audit_record(
        actor=actor,
        action="user.update",
        object_type="user",
        object_id=account.pk,
        detail={"fields": ["display_name"]},
    )
    return account


@transaction.atomic
def membership_grant(
    *,
    actor: User,
    account: User,
    role: Role,
    area: Area,
    department: Department | None = None,
) -> Membership:
    """Give `account` a role in an area; its open sessions end (its rights changed)."""
    _check_grant(actor=actor, account=account, role=role, area=area, department=department)
    account.rotate_security_stamp()
    account.save(update_fields=["security_stamp"])
    return _add_membership(
        actor=actor,
        action="membership.grant",
        account=account,
        role=role,
        area=area,
        department=department,
    )


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
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
    account = membership.user
    if account.memberships.count() <= 1:
        raise ValidationError(_("An account keeps at least one role; disable the account instead."))
    membership.delete()
    account.rotate_security_stamp()
    account.save(update_fields=["security_stamp"])
    audit_record(
        actor=actor,
        action="membership.revoke",
        object_type="user",
        object_id=account.pk,
        area_code=area.code,
        detail={
            "role": role.value,
            "area": area.code,
            "department": membership.department.code if membership.department else None,
        },
    )


@transaction.atomic
def user_set_active(*, actor: User, account: User, active: bool) -> User:
    """Enable or disable an account; disabling ends its sessions and revokes its API tokens."""
    if account.pk == actor.pk and not active:
        raise ValidationError(_("You cannot disable your own account."))
    account.is_active = active
    account.rotate_security_stamp()
    account.save(update_fields=["is_active", "security_stamp"])
    if not active:
        api_tokens_revoke_all(actor=actor, account=account, cause="user.disable")
    audit_record(
        actor=actor,
        action="user.enable" if active else "user.disable",
        object_type="user",
        object_id=account.pk,
        detail={"fields": ["is_active"]},
    )
    return account


@transaction.atomic
def user_reset_two_factor(*, actor: User, account: User) -> User:
    """Forget the account's authenticator: it enrols again at its next login."""
    had = account.totp_confirmed_at is not None
    account.totp_secret = ""
    account.totp_confirmed_at = None
    account.totp_last_step = 0
    account.rotate_security_stamp()
    account.save(
        update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step", "security_stamp"]
    )
    audit_record(
        actor=actor,
        action="user.reset_two_factor",
        object_type="user",
        object_id=account.pk,
        detail={"was_enrolled": had},
    )
    return account
