"""The OpenAPI document lists every operation; the docs page is local (CSP: self only)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.org.contributions import policy_table

pytestmark = pytest.mark.django_db


def test_it_publishes_the_document_with_every_operation() -> None:
    response = Client().get(reverse("api:openapi-json"))
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths) >= {
        "/api/v1/me",
        "/api/v1/areas",
        "/api/v1/areas/{code}",
        "/api/v1/departments",
    }
    schemes = response.json()["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} >= {"http", "apiKey"}


def test_it_has_a_policy_entry_for_every_operation() -> None:
    from tongcheng.api import api

    names = {f"api:{p.name}" for p in api.urls[0]}
    assert names - set(policy_table()) == set()


def test_it_sends_anonymous_visitors_of_the_docs_to_login() -> None:
    response = Client().get(reverse("api:openapi-view"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_serves_the_docs_page_from_our_own_origin(cast) -> None:  # type: ignore[no-untyped-def]
    response = cast.client("community_a").get(reverse("api:openapi-view"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()
    assert "<script>" not in body  # no inline script: the settings travel as JSON data
