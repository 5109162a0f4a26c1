"""Writes of the demo data: the accounts of tongcheng.org.demo, and the seats' made-up holders.

Idempotent: a second run creates nothing and changes nothing (and writes no event).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from tongcheng.audit.services import Actor, audit_record
from tongcheng.org import twofactor
from tongcheng.org.actions.two_factor import two_factor_store_secret
from tongcheng.org.demo import (
    ACCOUNTS,
    DEMO_PASSWORD,
    DemoAccount,
    demo_totp_secret,
    synthetic_holder_names,
)
from tongcheng.org.models import Area, Department, LeadingGroupPosition, Membership, User


@transaction.atomic
def demo_seed(*, actor: User | Actor) -> int:
    """Create or repair every demo account and seat holder; the number of changes made.

    Raises ValidationError when the reference data the accounts sit in is not loaded.
    """
    areas = {a.code: a for a in Area.objects.filter(code__in={d.area_code for d in ACCOUNTS})}
    missing = {d.area_code for d in ACCOUNTS} - set(areas)
    if missing:
        raise ValidationError(f"Areas missing (run load_reference first): {sorted(missing)}")
    wanted_departments = {d.department_code for d in ACCOUNTS if d.department_code}
    departments = {d.code: d for d in Department.objects.filter(code__in=wanted_departments)}
    if wanted_departments - set(departments):
        raise ValidationError(
            f"Departments missing: {sorted(wanted_departments - set(departments))}"
        )
    changes = 0
    for demo in ACCOUNTS:
        changes += _seed_account(actor, demo, areas, departments)
    changes += _seed_holder_names()
    if changes:
        audit_record(
            actor=actor,
            action="demo.seed",
            object_type="user",
            detail={"accounts": len(ACCOUNTS), "changes": changes},
        )
    return changes


def _seed_account(
    actor: User | Actor,
    demo: DemoAccount,
    areas: dict[str, Area],
    departments: dict[str, Department],
) -> int:
    changes = 0
    user, created = User.objects.get_or_create(
        username=demo.username,
        defaults={"display_name": demo.display_name, "is_demo": True},
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        changes += 1
    if user.display_name != demo.display_name or not user.is_demo or not user.is_active:
        user.display_name, user.is_demo, user.is_active = demo.display_name, True, True
        user.save(update_fields=["display_name", "is_demo", "is_active"])
        changes += 1
    _, created = Membership.objects.get_or_create(
        user=user,
        role=demo.role,
        area=areas[demo.area_code],
        department=departments[demo.department_code] if demo.department_code else None,
    )
    changes += created
    user = User.objects.get(pk=user.pk)  # fresh membership cache
    if twofactor.two_factor_required(user):
        secret = demo_totp_secret(user.username)
        if not twofactor.has_two_factor(user) or twofactor.secret_of(user) != secret:
            two_factor_store_secret(actor=actor, account=user, secret=secret, confirmed=True)
            changes += 1
    return changes


def _seed_holder_names() -> int:
    seats = list(LeadingGroupPosition.objects.select_related("area", "department"))
    names = synthetic_holder_names(seats)
    changed = [s for s in seats if s.holder_name != names[s.pk]]
    for seat in changed:
        seat.holder_name = names[seat.pk]
    LeadingGroupPosition.objects.bulk_update(changed, ["holder_name"])
    return len(changed)
