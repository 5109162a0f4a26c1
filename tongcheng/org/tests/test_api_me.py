"""GET /api/v1/me: the caller's account and memberships."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_refuses_anonymous_callers() -> None:
    assert Client().get(reverse("api:me")).status_code == 401


def test_it_describes_the_caller(cast) -> None:  # type: ignore[no-untyped-def]
    body = cast.client("liaison").get(reverse("api:me")).json()
    assert body["username"] == "liaison"
    assert body["display_name"] == "liaison"
    [membership] = body["memberships"]
    assert membership["role"] == "dept_liaison"
    assert membership["area_code"] == cast.areas["city"].code
    assert membership["department_code"] == "city-hrss"


def test_it_refuses_unknown_query_keys(cast) -> None:  # type: ignore[no-untyped-def]
    assert cast.client("liaison").get(reverse("api:me"), {"user": "x"}).status_code == 400
