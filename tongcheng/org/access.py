"""Access helpers: the one way a view fetches an object it was asked for by id.

Each helper answers 404 when the object is outside every scope the user holds (the same answer as
"does not exist", so nothing leaks) and 403 when it is in scope only through read-only roles and
a write was asked for. Both write one `denied` audit event (see audit.middleware).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from tongcheng.lib.areacodes import in_subtree, subtree_q
from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, Department, Membership, User
from tongcheng.org.roles import GRANTABLE


class NotInScope(Http404):
    """404 for an object outside the user's scope; carries what the audit event needs."""

    def __init__(self, object_type: str, object_id: object, reason: str = "out of scope") -> None:
        super().__init__(reason)
        self.object_type = object_type
        self.object_id = str(object_id)
        self.reason = reason


class ReadOnly(PermissionDenied):
    """403 for a write by a user whose scope over the object is read-only."""

    def __init__(self, object_type: str, object_id: object, reason: str = "read-only") -> None:
        super().__init__(reason)
        self.object_type = object_type
        self.object_id = str(object_id)
        self.reason = reason


def may_write(user: User, area_code: str, roles: Iterable[Role] | None = None) -> bool:
    """Whether the user may write records of the area `area_code` (through `roles`, or any).

    The one write check of the product: views, API operations, the importer and commands ask
    this (or get_<thing>_for_user(..., write=True), built on it), never the prefixes themselves.
    """
    return in_subtree(area_code, user.scope_prefixes(roles, write=True))


def may_read(user: User, area_code: str, roles: Iterable[Role] | None = None) -> bool:
    """Whether the area `area_code` lies inside the scope of the user's memberships (of `roles`)."""
    return in_subtree(area_code, user.scope_prefixes(roles))


def check_area_access(
    user: User,
    area: Area,
    *,
    object_type: str,
    object_id: object,
    write: bool = False,
    roles: frozenset[Role] | None = None,
) -> None:
    """Raise NotInScope/ReadOnly unless `user` may read (or write) a record of `area`."""
    if not may_read(user, area.code, roles):
        raise NotInScope(object_type, object_id)
    if write and not may_write(user, area.code, roles):
        raise ReadOnly(object_type, object_id)


def get_area_for_user(user: User, code: str, write: bool = False) -> Area:
    """The area with this statistical code, if it lies inside the user's scope."""
    area = Area.objects.visible_to(user).filter(code=code).select_related("parent").first()
    if area is None:
        raise NotInScope("area", code)
    if write and not may_write(user, area.code):
        raise ReadOnly("area", code)
    return area


def managing_memberships(actor: User) -> list[Membership]:
    """The actor's memberships that manage accounts (roles that may grant roles)."""
    return [m for m in actor.active_memberships() if Role(m.role) in GRANTABLE]


def can_grant(actor: User, role: Role, area: Area) -> bool:
    """Whether the actor may grant `role` in `area`: a managing membership covers both."""
    return any(
        role in GRANTABLE[Role(m.role)] and in_subtree(area.code, [m.area.prefix])
        for m in managing_memberships(actor)
    )


def users_managed_by(actor: User) -> QuerySet[User]:
    """The accounts `get_user_for_user` lets the actor read, as one query (for lists).

    An account is listed when one of its memberships lies inside a managing membership's area;
    the security administrator (三员 account management) sees every account.
    """
    if actor.has_role(Role.SECURITY_ADMIN):
        return User.objects.all()
    prefixes = [m.area.prefix for m in managing_memberships(actor)]
    if not prefixes:
        return User.objects.none()
    members = Membership.objects.filter(subtree_q(prefixes, "area__code"))
    return User.objects.filter(pk__in=members.values("user_id"))


def get_department_for_user(user: User, code: str) -> Department:
    """A member unit of the directory the user may open (see DepartmentQuerySet.visible_to)."""
    department = (
        Department.objects.visible_to(user).filter(code=code).select_related("area").first()
    )
    if department is None:
        raise NotInScope("department", code)
    return department


def get_user_for_user(actor: User, pk: int, write: bool = False) -> User:
    """An account the actor manages.

    Read: the account holds at least one membership inside a managing membership's area.
    Write: the actor could have granted every membership the account holds (so a district
    office cannot disable or edit an account that also holds a city-wide role).
    """
    target = (
        User.objects.filter(pk=pk)
        .prefetch_related(
            Prefetch("memberships", Membership.objects.select_related("area", "department"))
        )
        .first()
        if pk is not None
        else None
    )
    if target is None:
        raise NotInScope("user", pk)
    held = list(target.memberships.all())
    managed = [
        m
        for m in held
        if in_subtree(m.area.code, [own.area.prefix for own in managing_memberships(actor)])
    ]
    if not managed and not actor.has_role(Role.SECURITY_ADMIN):
        raise NotInScope("user", pk)
    if write and not all(can_grant(actor, Role(m.role), m.area) for m in held):
        raise ReadOnly("user", pk, reason="holds roles the actor cannot grant")
    return target
