"""An account with several roles acts, on each page, only through the roles its policy allows."""

from __future__ import annotations

from typing import Any

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.roles import Role
from tongcheng.org.models import Membership, ServicePoint

OTHER_DISTRICT_COMMUNITY = "140404001001"
OWN_STREET_COMMUNITY = "140403001001"


def test_it_scopes_a_write_to_the_roles_the_policy_allows(cast: Any) -> None:
    # The street officer also answers the city-wide hotline. Hotline operators may not edit
    # service points, so the city-wide scope must not lend itself to that page.
    Membership.objects.create(user=cast.street, role=Role.HOTLINE_OPERATOR, area=cast.areas["city"])
    client = cast.client("street")
    url = f"/org/areas/{OTHER_DISTRICT_COMMUNITY}/service-point/community_centre/"
    response = client.post(url, {"name": "越权的服务中心"})
    assert response.status_code == 404
    assert not ServicePoint.objects.filter(area__code=OTHER_DISTRICT_COMMUNITY).exists()
    assert AuditEvent.objects.filter(
        action="deny:org:service_point_edit", object_id=OTHER_DISTRICT_COMMUNITY
    ).exists()


def test_it_still_lets_the_allowed_role_write_in_its_own_scope(cast: Any) -> None:
    Membership.objects.create(user=cast.street, role=Role.HOTLINE_OPERATOR, area=cast.areas["city"])
    client = cast.client("street")
    url = f"/org/areas/{OWN_STREET_COMMUNITY}/service-point/community_centre/"
    response = client.post(url, {"name": "和平社区少数民族便民服务中心"})
    assert response.status_code == 302


def test_it_keeps_every_held_role_in_the_menu(cast: Any) -> None:
    Membership.objects.create(user=cast.street, role=Role.HOTLINE_OPERATOR, area=cast.areas["city"])
    body = cast.client("street").get("/").content.decode()
    assert "市" in body  # the page renders with both memberships listed
    user = cast.street
    assert user.held_roles() == {Role.STREET_OFFICER, Role.HOTLINE_OPERATOR}
