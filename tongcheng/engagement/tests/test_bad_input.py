"""Bad input to an appointment, through the page and the API: refused with the field named,
never an error page, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tongcheng.engagement.models import Representative
from tongcheng.lib.roles import Role
from tongcheng.org.models import Membership, User

pytestmark = pytest.mark.django_db

BASE = "/api/v1/engagement"


def _form(cast: Any, **changes: str) -> dict[str, Any]:
    form = {
        "name": "买买提·艾力", "ethnicity": "05", "phone": "13900001111",
        "area": cast.areas["community_a"].pk, "term_from": "2026-01-01",
        "term_to": "2028-12-31", "office": "潞州区民族宗教事务局",
        "officer": cast.community_a.pk, "duties": ["opinion", "mediation", "care"],
    }  # fmt: skip
    form.update(changes)
    return form


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"name": "买买提\x07艾力"}, "含有无法保存的控制字符"),
        ({"name": "\u202e力艾·提买买"}, "含有会颠倒文字方向的字符"),
        ({"office": "潞州区\x1f民宗局"}, "含有无法保存的控制字符"),
        # A term the cadence's periods cannot be counted for (the week after 9999-12-31).
        ({"term_from": "9999-12-01", "term_to": "9999-12-31"}, "2000"),
        ({"term_from": "0001-01-01", "term_to": "0001-12-31"}, "2000"),
    ],
)
def test_the_page_refuses_what_an_appointment_cannot_hold(
    cast: Any, changes: dict[str, str], says: str
) -> None:
    response = cast.client("community_a").post(
        reverse("engagement:representative_create"), _form(cast, **changes)
    )
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Representative.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"term_from": "9999-12-01", "term_to": "9999-12-31"}, "term_from"),
        ({"term_from": "2026-01-01", "term_to": "2100-01-01"}, "term_to"),
        ({"term_from": "0001-01-01", "term_to": "0001-12-31"}, "term_from"),
    ],
)
def test_the_api_refuses_a_term_outside_the_counted_years(
    cast: Any, changes: dict[str, str], field: str
) -> None:
    body = {"name": "古丽", "ethnicity": "05", "area": "140403001001", "term_from": "2026-01-01",
            "term_to": "2027-12-31", "office": "局", "officer": cast.community_a.pk}  # fmt: skip
    body.update(changes)
    response = cast.client("community_a").post(
        f"{BASE}/representatives", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Representative.objects.exists()


def test_the_api_refuses_a_representatives_account_of_another_area(cast: Any) -> None:
    # The page offers the representative accounts of the officer's area only; the API may not
    # give another district's account sight of this appointment either.
    elsewhere = User.objects.create(username="rep.elsewhere", display_name="rep.elsewhere")
    Membership.objects.create(
        user=elsewhere, role=Role.REPRESENTATIVE, area=cast.areas["other_district"]
    )
    body = {"name": "古丽", "ethnicity": "05", "area": "140403001001", "term_from": "2026-01-01",
            "term_to": "2027-12-31", "office": "局", "officer": cast.community_a.pk}  # fmt: skip
    client = cast.client("community_a")
    refused = client.post(
        f"{BASE}/representatives", {**body, "account": elsewhere.pk},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400, refused.content
    assert [error["field"] for error in refused.json()["errors"]] == ["account"]
    assert not Representative.objects.exists()
    mine = client.post(
        f"{BASE}/representatives", {**body, "account": cast.representative.pk},
        content_type="application/json",
    )  # fmt: skip
    assert mine.status_code == 201, mine.content
