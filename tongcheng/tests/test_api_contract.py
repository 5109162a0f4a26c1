"""The OpenAPI document tells the truth: each operation's real error paths, driven one by one,
answer a status the operation declares, with a body valid against the declared schema.

Also: every operation declares the statuses every call can meet (400, 401, 403, 413, 503), the
auth schemes are published, and the operations that read If-Match show it as a header parameter.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import jsonschema_rs
import pytest
from django.test import Client, override_settings
from django.utils import translation

from tongcheng.api import api
from tongcheng.conftest import Cast
from tongcheng.lib.idnumber import make_id_number
from tongcheng.lib.paging import MAX_PAGE
from tongcheng.org.apierrors import ALWAYS, MEANINGS
from tongcheng.registry.models import Movement
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
B = "140403002001"
OTHER_DISTRICT_COMMUNITY = "140404001001"
# As served: JSON, so the status keys are strings.
DOCUMENT = json.loads(json.dumps(api.get_openapi_schema()))
Call = Callable[[Cast], Any]


def operation(path: str, method: str) -> dict[str, Any]:
    return DOCUMENT["paths"][f"/api/v1{path}"][method]


def assert_declared(path: str, method: str, response: Any) -> None:
    declared = operation(path, method)["responses"]
    status = str(response.status_code)
    assert status in declared, f"{method.upper()} {path} answered {status}, declares {declared}"
    schema = declared[status]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**schema, "components": DOCUMENT["components"]})
    errors = [error.message for error in validator.iter_errors(response.json())]
    assert errors == [], (method, path, status, response.json())


def send(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body or {})
    return getattr(client, method)(url, data, content_type="application/json", headers=headers)


def a_file(cast: Cast) -> int:
    return make_person(A).pk


def id_number() -> str:
    return make_id_number("622924", date(1990, 5, 6), 3, "female")


# (operation path, method, status, the call that meets it)
CASES: list[tuple[str, str, int, Call]] = [
    ("/me", "get", 401, lambda cast: Client().get("/api/v1/me")),
    ("/me", "get", 400, lambda cast: cast.client("district").get("/api/v1/me?x=1")),
    ("/areas", "get", 422, lambda cast: cast.client("district").get("/api/v1/areas?page=0")),
    ("/areas", "get", 400, lambda cast: cast.client("district").get("/api/v1/areas?parnet=1")),
    (
        "/areas/{code}",
        "get",
        404,
        lambda cast: cast.client("community_a").get(f"/api/v1/areas/{B}"),
    ),
    (
        "/departments",
        "get",
        422,
        lambda cast: cast.client("district").get("/api/v1/departments?level=planet"),
    ),
    ("/persons", "get", 403, lambda cast: cast.client("leader").get("/api/v1/persons")),
    ("/persons", "get", 422, lambda cast: cast.client("district").get("/api/v1/persons?page=0")),
    ("/persons", "get", 400, lambda cast: cast.client("district").get("/api/v1/persons?q=%00")),
    (
        "/persons/{pk}",
        "get",
        404,
        lambda cast: cast.client("community_b").get(f"/api/v1/persons/{a_file(cast)}"),
    ),
    ("/persons/{pk}", "get", 422, lambda cast: cast.client("district").get("/api/v1/persons/x")),
    (
        "/persons",
        "post",
        400,
        lambda cast: send(cast.client("community_a"), "post", "/api/v1/persons", {"x": 1}),
    ),
    (
        "/persons",
        "post",
        400,
        lambda cast: send(cast.client("community_a"), "post", "/api/v1/persons", b"{"),
    ),
    (
        "/persons",
        "post",
        403,
        lambda cast: send(cast.client("inspector"), "post", "/api/v1/persons", {}),
    ),
    (
        "/persons",
        "post",
        409,
        lambda cast: (
            send(
                cast.client("community_a"),
                "post",
                "/api/v1/persons",
                {"community": A, "name": "马", "ethnicity": "回族", "id_number": id_number()},
            )
            and send(
                cast.client("community_a"),
                "post",
                "/api/v1/persons",
                {"community": A, "name": "马", "ethnicity": "回族", "id_number": id_number()},
            )
        ),
    ),
    (
        "/persons/{pk}",
        "put",
        428,
        lambda cast: send(cast.client("community_a"), "put", f"/api/v1/persons/{a_file(cast)}"),
    ),
    (
        "/persons/{pk}",
        "put",
        412,
        lambda cast: send(
            cast.client("community_a"),
            "put",
            f"/api/v1/persons/{a_file(cast)}",
            {"name": "乙", "ethnicity": "回族"},
            **{"If-Match": '"7"'},
        ),
    ),
    (
        "/persons/{pk}",
        "patch",
        412,
        lambda cast: send(
            cast.client("community_a"),
            "patch",
            f"/api/v1/persons/{a_file(cast)}",
            {"name": "乙"},
            **{"If-Match": "not-a-version"},
        ),
    ),
    (
        "/persons/{pk}",
        "patch",
        400,
        lambda cast: send(
            cast.client("community_a"),
            "patch",
            f"/api/v1/persons/{a_file(cast)}",
            {"name": "\u202e"},
            **{"If-Match": '"1"'},
        ),
    ),
    (
        "/persons/{pk}",
        "patch",
        404,
        lambda cast: send(
            cast.client("community_b"),
            "patch",
            f"/api/v1/persons/{a_file(cast)}",
            {"name": "乙"},
            **{"If-Match": '"1"'},
        ),
    ),
    (
        "/persons/{pk}/visits",
        "get",
        422,
        lambda cast: cast.client("community_a").get(
            f"/api/v1/persons/{a_file(cast)}/visits?page=99999999999999999999"
        ),
    ),
    (
        "/persons/{pk}/visits",
        "post",
        428,
        lambda cast: send(
            cast.client("community_a"),
            "post",
            f"/api/v1/persons/{a_file(cast)}/visits",
            {"visited_on": "2024-01-02", "outcome": "met", "address": "新地址"},
        ),
    ),
    (
        "/persons/{pk}/visits",
        "post",
        400,
        lambda cast: send(
            cast.client("community_a"),
            "post",
            f"/api/v1/persons/{a_file(cast)}/visits",
            {"visited_on": "tomorrow"},
        ),
    ),
    (
        "/persons/{pk}/movements",
        "get",
        422,
        lambda cast: cast.client("community_a").get(
            f"/api/v1/persons/{a_file(cast)}/movements?page=99999999999999999999"
        ),
    ),
    (
        "/persons/{pk}/movements",
        "post",
        412,
        lambda cast: send(
            cast.client("community_a"),
            "post",
            f"/api/v1/persons/{a_file(cast)}/movements",
            {"kind": "moved_away", "moved_on": "2024-01-02"},
            **{"If-Match": '"9"'},
        ),
    ),
    (
        "/transfers/{pk}/decision",
        "post",
        404,
        lambda cast: send(
            cast.client("community_b"), "post", "/api/v1/transfers/999999/decision", {}
        ),
    ),
]


@pytest.mark.parametrize(
    ("path", "method", "status", "call"),
    CASES,
    ids=[f"{method} {path} {status}" for path, method, status, _call in CASES],
)
def test_it_declares_every_error_it_answers(
    cast: Cast, path: str, method: str, status: int, call: Call
) -> None:
    response = call(cast)
    assert response.status_code == status, response.content
    assert_declared(path, method, response)


def test_it_declares_a_refused_transfer_decision(cast: Cast) -> None:
    person = make_person(A)
    movement = Movement.objects.create(
        person=person,
        kind="transfer",
        state="declined",
        from_area=cast.areas["community_a"],
        to_area=cast.areas["community_b"],
        moved_on=date(2025, 1, 2),
        requested_by=cast.community_a,
    )
    url = f"/api/v1/transfers/{movement.pk}/decision"
    for body in ({"decision": "maybe"}, {"decision": "accept"}):
        response = send(cast.client("community_b"), "post", url, body)
        assert response.status_code in (400, 404, 409)
        assert_declared("/transfers/{pk}/decision", "post", response)


def test_it_declares_the_413_of_an_oversized_body(cast: Cast) -> None:
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = send(
            cast.client("community_a"), "post", "/api/v1/persons", {"notes": "x" * 2000}
        )
    assert response.status_code == 413
    assert_declared("/persons", "post", response)


def test_it_declares_what_every_operation_can_meet() -> None:
    for path, item in DOCUMENT["paths"].items():
        for method, op in item.items():
            declared = {int(status) for status in op["responses"]}
            assert set(ALWAYS) <= declared, (method, path)
            for status in declared - {200, 201, 202, 303}:
                assert op["responses"][str(status)]["description"] == MEANINGS[status]
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} >= {"http", "apiKey"}


@pytest.mark.parametrize(
    ("path", "method", "required"),
    [
        ("/persons/{pk}", "put", True),
        ("/persons/{pk}", "patch", True),
        ("/persons/{pk}/visits", "post", False),
        ("/persons/{pk}/movements", "post", False),
    ],
)
def test_it_shows_the_if_match_header_where_it_is_read(
    path: str, method: str, required: bool
) -> None:
    headers = [p for p in operation(path, method)["parameters"] if p["in"] == "header"]
    assert [(p["name"], p["required"]) for p in headers] == [("If-Match", required)]


def test_it_bounds_the_page_of_every_list() -> None:
    # Every list's page number stops at MAX_PAGE (a page past the 64-bit offsets was a 500).
    lists = {
        path: [p for p in item["get"].get("parameters", []) if p["name"] == "page"]
        for path, item in DOCUMENT["paths"].items()
        if "get" in item and "page" in json.dumps(item["get"].get("parameters", []))
    }
    assert set(lists) == {
        "/api/v1/areas",
        "/api/v1/departments",
        "/api/v1/persons",
        "/api/v1/persons/{pk}/visits",
        "/api/v1/persons/{pk}/movements",
        "/api/v1/cases",
        "/api/v1/meetings",
        "/api/v1/action-items",
        "/api/v1/engagement/representatives",
        "/api/v1/engagement/contacts",
    }
    for path, (page,) in lists.items():
        assert (page["schema"]["minimum"], page["schema"]["maximum"]) == (1, MAX_PAGE), path


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/persons?page=99999999999999999999",
        "/api/v1/persons?q=%E9%A9%AC&page=99999999999999999999",
        "/api/v1/areas?page=99999999999999999999",
        "/api/v1/departments?page=99999999999999999999",
        "/api/v1/persons/{pk}/visits?page=99999999999999999999",
        "/api/v1/persons/{pk}/movements?page=99999999999999999999",
    ],
)
def test_it_answers_a_huge_page_of_every_list_with_422(cast: Cast, url: str) -> None:
    response = cast.client("community_a").get(url.format(pk=a_file(cast)))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"


def test_the_document_is_built_once_per_language_and_handed_out_as_a_copy() -> None:
    first = api.get_openapi_schema()
    first["paths"].clear()  # a caller's copy: the next one is whole
    assert json.loads(json.dumps(api.get_openapi_schema()))["paths"] == DOCUMENT["paths"]
    with translation.override("en"):
        english = api.get_openapi_schema()
    assert english["paths"].keys() == DOCUMENT["paths"].keys()
