"""Bad input to the API is a 4xx naming the field, never a 500 (on SQLite and PostgreSQL).

Each case used to crash: a JSON lone surrogate reached the encryption or the database encoder
(UnicodeEncodeError), a NUL reached PostgreSQL (DataError), a 350,000-character address was
stored, a name could carry a U+202E or a tower of combining marks.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.models import Movement, Person, Visit
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
LIST = "/api/v1/persons"


def raw(client: Client, method: str, url: str, body: bytes, **headers: str):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


def fields_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [error["field"] for error in response.json()["errors"]]


def assert_error_shape(response, status: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert all(set(error) == {"field", "code", "message"} for error in body["errors"])
    assert "Traceback" not in response.content.decode()


# The JSON text of each body, with the lone surrogate written as the JSON escape it arrives as.
SURROGATE = '"\\ud800"'


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "", f'{{"community": "{A}", "name": {SURROGATE}, "ethnicity": "回族"}}', "name"),
        ("post", "", f'{{"community": "{A}", "name": "马", "notes": {SURROGATE}}}', "notes"),
        ("put", "/{pk}", f'{{"name": {SURROGATE}, "ethnicity": "回族"}}', "name"),
        ("patch", "/{pk}", f'{{"address": {SURROGATE}}}', "address"),
        ("post", "/{pk}/visits", f'{{"visited_on": "2024-01-02", "notes": {SURROGATE}}}', "notes"),
        ("post", "/{pk}/movements", f'{{"kind": "moved_away", "reason": {SURROGATE}}}', "reason"),
    ],
)
def test_it_refuses_a_lone_surrogate_naming_the_field(
    cast: Cast, method: str, path: str, body: str, field: str
) -> None:
    person = make_person(A)
    url = LIST + path.format(pk=person.pk)
    response = raw(cast.client("community_a"), method, url, body.encode(), **{"If-Match": '"1"'})
    assert_error_shape(response, 400)
    assert fields_of(response) == [field]
    assert response.json()["errors"][0]["code"] == "surrogate"
    person.refresh_from_db()
    assert person.version == 1
    assert Person.objects.count() == 1 and not Visit.objects.exists()
    assert not Movement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("notes", "a\x00b", "control_character"),
        ("name", "马\x00", "control_character"),
        ("address", "x" * 350_000, "too_long"),
        ("notes", "x" * 2001, "too_long"),
        ("employer", "x" * 129, "too_long"),
        ("name", "\u202emaerts", "bidi_control"),
        ("name", "A\u2066B", "bidi_control"),
        ("name", "Z" + "\u0301" * 12, "stacked_marks"),
    ],
)
def test_it_refuses_what_the_form_refuses(cast: Cast, field: str, value: str, code: str) -> None:
    body = {"community": A, "name": "马晓梅", "ethnicity": "回族", field: value}
    response = raw(cast.client("community_a"), "post", LIST, json.dumps(body).encode())
    assert_error_shape(response, 400)
    assert fields_of(response) == [field]
    assert response.json()["errors"][0]["code"] == code
    assert not Person.objects.exists()


def test_it_refuses_the_same_in_a_visit_and_a_movement(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("community_a")
    visit = {"visited_on": "2024-01-02", "outcome": "met", "notes": "a\x00b"}
    response = raw(client, "post", f"{LIST}/{person.pk}/visits", json.dumps(visit).encode())
    assert_error_shape(response, 400)
    assert fields_of(response) == ["notes"]
    move = {"kind": "moved_away", "moved_on": "2024-01-02", "reason": "\u202e" + "x"}
    response = raw(client, "post", f"{LIST}/{person.pk}/movements", json.dumps(move).encode())
    assert_error_shape(response, 400)
    assert fields_of(response) == ["reason"]
    assert not Visit.objects.exists() and not Movement.objects.exists()


def test_it_still_takes_tibetan_stacks_and_uyghur_names(cast: Cast) -> None:
    # བསྒྲུབས: a letter with two subjoined consonants and a vowel sign, well under the limit.
    body = {"community": A, "name": "བསྒྲུབས", "ethnicity": "藏族", "notes": "ئەخمەت · 买买提"}
    response = raw(cast.client("community_a"), "post", LIST, json.dumps(body).encode())
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b"[]", b'"name"', b"[" * 100_000])
def test_it_answers_an_unparsable_or_foreign_body_with_400(cast: Cast, body: bytes) -> None:
    response = raw(cast.client("community_a"), "post", LIST, body)
    assert_error_shape(response, 400)


def test_it_refuses_an_unknown_key_in_the_shape(cast: Cast) -> None:
    body = {"community": A, "name": "马", "salary": 1}
    response = raw(cast.client("community_a"), "post", LIST, json.dumps(body).encode())
    assert_error_shape(response, 400)
    assert response.json()["errors"][0] == {
        "field": "salary",
        "code": "extra_forbidden",
        "message": response.json()["errors"][0]["message"],
    }
    assert "salary" in response.json()["errors"][0]["message"]


def test_it_bounds_the_search_text_as_the_ledger_box_does(cast: Cast) -> None:
    response = cast.client("community_a").get(LIST, {"q": "马" * 65})
    assert_error_shape(response, 422)
    assert fields_of(response) == ["q"]


def test_it_audits_the_denial_of_a_70_character_area_code(cast: Cast) -> None:
    # The code is taken from the URL: its denial is written even when it is longer than the
    # trail's column (PostgreSQL refused the event, and the request failed).
    response = cast.client("community_a").get("/api/v1/areas/" + "9" * 70)
    assert_error_shape(response, 404)
    event = AuditEvent.objects.get(action="deny:api:area_detail")
    assert len(event.object_id) <= 64


def test_it_stores_a_name_of_the_longest_length_allowed(cast: Cast) -> None:
    # 64 characters are allowed; their pinyin (爨 is "cuan") and initials are longer than their
    # search columns, which PostgreSQL refused (a 500): the keys are cut to the columns.
    body = {"community": A, "name": "爨" * 64, "ethnicity": "回族"}
    response = raw(cast.client("community_a"), "post", LIST, json.dumps(body).encode())
    assert response.status_code == 201, response.content
    person = Person.objects.get()
    assert person.name_pinyin.startswith("cuancuan") and len(person.name_initials) == 32
