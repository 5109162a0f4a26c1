"""A page number past the database's 64-bit offsets is no server error, on any list."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("username", "url", "status"),
    [
        ("community_a", f"/registry/?page={HUGE}", 200),
        ("community_a", f"/registry/visits/due/?page={HUGE}", 200),
        ("audit_admin", f"/audit/?page={HUGE}", 200),
        ("community_a", f"/api/v1/persons?page={HUGE}", 422),
        ("community_a", f"/api/v1/areas?page={HUGE}", 422),
        ("community_a", f"/api/v1/departments?page={HUGE}", 422),
    ],
)
def test_it_answers_a_huge_page_number_without_a_server_error(  # type: ignore[no-untyped-def]
    cast, username: str, url: str, status: int
) -> None:
    assert cast.client(username).get(url).status_code == status
