"""The request guard: a body over the limit is a 413, a NUL in a path, query or form field a 400
naming the field — on pages (a Chinese page) and on the API (JSON) — never a 400 from Django's
RequestDataTooBig (with DEBUG its technical page) or PostgreSQL's DataError (a 500)."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from tongcheng.conftest import Cast
from tongcheng.registry.models import Person
from tongcheng.registry.tests.factories import make_person

A = "140403001001"


@pytest.mark.parametrize("debug", [False, True])
def test_it_answers_a_too_large_page_form_with_413_in_chinese(cast: Cast, debug: bool) -> None:
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000, DEBUG=debug):
        response = cast.client("community_a").post(
            "/registry/new/", {"name": "马", "notes": "x" * 20_000}
        )
    assert response.status_code == 413
    page = response.content.decode()
    assert "请求过大" in page and "Traceback" not in page
    assert not Person.objects.exists()


def test_it_answers_a_multipart_form_with_too_much_text_with_413(cast: Cast) -> None:
    # Under the upload's byte limit, over the limit of what is not a file: Django raises
    # RequestDataTooBig while parsing, caught here too.
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000):
        response = cast.client("community_a").post(
            "/registry/import/", {"community": A, "note": "x" * 20_000}
        )
    assert response.status_code == 413


@pytest.mark.parametrize("debug", [False, True])
def test_it_answers_a_too_large_api_body_with_413_json(cast: Cast, debug: bool) -> None:
    body = json.dumps({"community": A, "name": "马", "notes": "x" * 20_000})
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000, DEBUG=debug):
        response = cast.client("community_a").post(
            "/api/v1/persons", body, content_type="application/json"
        )
    assert response.status_code == 413
    assert response.json()["detail"] and response.json()["errors"] == []
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/registry/?q=%00", "q"),
        ("/registry/?q=%E9%A9%AC%00", "q"),
        ("/registry/?area=%00", "area"),
        ("/registry/?ethnicity=%00", "ethnicity"),
        ("/registry/?province=%00", "province"),
        ("/registry/?status=active&occupation=%00", "occupation"),
        ("/registry/visits/due/?community=%00", "community"),
        ("/registry/completeness/?area=%00", "area"),
        ("/registry/export/?area=%00", "area"),
        ("/registry/duplicates/?x%00=1", "x"),
        ("/audit/?q=%00", "q"),
    ],
)
def test_it_refuses_a_nul_in_a_page_filter_naming_it(cast: Cast, url: str, field: str) -> None:
    username = "audit_admin" if url.startswith("/audit/") else "district"
    response = cast.client(username).get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert field in page and "NUL" in page


def test_it_refuses_a_nul_in_a_page_form_field(cast: Cast) -> None:
    person = make_person(A)
    response = cast.client("community_a").post(
        f"/registry/{person.pk}/move/", {"kind": "moved_away", "reason": "a\x00b"}
    )
    assert response.status_code == 400
    assert "reason" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/areas?parent=%00", "parent"),
        ("/api/v1/departments?category=%00", "category"),
        ("/api/v1/persons?q=%00", "q"),
        ("/api/v1/areas/1404%00", "path"),
    ],
)
def test_it_refuses_a_nul_in_an_api_parameter_with_json(cast: Cast, url: str, field: str) -> None:
    response = cast.client("district").get(url)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_it_gives_django_answers_under_the_api_its_json_shape(cast: Cast) -> None:
    client = cast.client("district")
    for response in (client.get("/api/v1/nothing-here"), client.delete("/api/v1/me")):
        assert response.status_code in (404, 405)
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]


def test_it_lets_ordinary_requests_through(client: Client, cast: Cast) -> None:
    assert cast.client("district").get("/registry/?q=%E9%A9%AC").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/registry/import/", "multipart/form-data; boundary=xyz"),
        ("/api/v1/persons", "application/json"),
    ],
)
def test_it_refuses_a_declared_length_over_the_limit_before_reading(
    cast: Cast, url: str, content_type: str
) -> None:
    # 60 MB announced, nothing sent: refused on the header alone (the upload limit is 50 MB
    # of ledger beside the form's other fields).
    response = cast.client("community_a").generic(
        "POST", url, b"", content_type=content_type, CONTENT_LENGTH=str(60 * 1024 * 1024)
    )
    assert response.status_code == 413


def test_it_leaves_an_api_body_of_any_type_to_the_api(cast: Cast) -> None:
    # A form-encoded or multipart body to the API is the API's to refuse (400: not JSON); read
    # here, it could not be read again there (RawPostDataException, a 500).
    client = cast.client("community_a")
    assert client.post("/api/v1/persons").status_code == 400
    assert client.post("/api/v1/persons", {"name": "马"}).status_code == 400
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        assert client.post("/api/v1/persons", {"notes": "x" * 5000}).status_code == 413
