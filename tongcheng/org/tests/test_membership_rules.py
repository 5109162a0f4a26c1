"""Grant rules that no form choice can get around: own account, 三员分立, role levels."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tongcheng.lib.roles import Role
from tongcheng.org.actions.accounts import membership_grant
from tongcheng.org.models import Area, User


def grant(actor: User, user: User, role: Role, code: str) -> None:
    membership_grant(
        actor=actor,
        account=user,
        role=role,
        area=Area.objects.get(code=code),
    )


def test_it_refuses_to_change_ones_own_roles(cast: Any) -> None:
    security = cast.security_admin
    with translation.override("en"), pytest.raises(ValidationError, match="own account"):
        grant(security, security, Role.CITY_ADMIN, "140400000000")
    assert security.held_roles() == {Role.SECURITY_ADMIN}


def test_it_keeps_administrator_and_working_roles_apart(cast: Any) -> None:
    with pytest.raises(ValidationError):
        grant(cast.security_admin, cast.street, Role.AUDIT_ADMIN, "140400000000")
    with pytest.raises(ValidationError):
        grant(cast.security_admin, cast.audit_admin, Role.INSPECTOR, "140400000000")


def test_it_refuses_a_role_at_the_wrong_level(cast: Any) -> None:
    # A community role granted on the whole city would give a city-wide scope.
    with pytest.raises(ValidationError):
        grant(cast.city_admin, cast.street, Role.COMMUNITY_OFFICER, "140400000000")
    with pytest.raises(ValidationError):
        grant(cast.city_admin, cast.street, Role.DISTRICT_OFFICE, "140400000000")
    grant(cast.city_admin, cast.street, Role.COMMUNITY_OFFICER, "140403001002")
    assert Role.COMMUNITY_OFFICER in User.objects.get(pk=cast.street.pk).held_roles()
