"""One set of field rules: for every text field, the page's form and the API accept and refuse
the same values (property tests), and the import refuses them too.

The values mix ordinary text with what the rule is about: NUL and other control characters,
reversing characters, stacks of combining marks, lengths around each field's limit, whitespace
at the ends (which a form strips before its checks).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongcheng.conftest import Cast
from tongcheng.lib.textnorm import MAX_COMBINING_RUN, text_problem
from tongcheng.org.models import Area
from tongcheng.registry.forms.movements import MovementForm
from tongcheng.registry.forms.persons import PersonForm
from tongcheng.registry.forms.visits import VisitForm
from tongcheng.registry.models import Person
from tongcheng.registry.tests.factories import make_person
from tongcheng.registry.validation import TEXT_LIMITS, ReferenceCache, validate_person

A = "140403001001"
SPECIAL = st.sampled_from(
    [
        "\x00",
        "\x07",
        "\x1c",
        "\x7f",
        "\x85",
        "\t",
        "\n",
        " ",
        "\u3000",
        "\u200b",
        "\u202e",
        "\u2066",
        "\u0301" * MAX_COMBINING_RUN,
        "\u0301" * (MAX_COMBINING_RUN + 1),
        "\u0f92\u0fb2\u0f74",
        "马",
        "·",
    ]
)


def values(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=12),
        st.lists(st.one_of(st.text(max_size=3), SPECIAL), max_size=8).map("".join),
        st.integers(limit - 1, limit + 1).map(lambda n: "马" * n),
        st.tuples(st.integers(limit - 1, limit + 1), SPECIAL).map(lambda t: "a" * t[0] + t[1]),
    )


EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PERSON_FIELDS = [
    "name",
    "id_number",
    "phone",
    "origin",
    "address",
    "occupation_text",
    "employer",
    "credit_code",
    "permit_number",
    "notes",
]


def api_fields(response: Any) -> set[str]:
    if response.status_code in (200, 201):
        return set()
    assert response.status_code == 400, response.content
    return {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize("field", PERSON_FIELDS)
def test_it_refuses_the_same_person_values_in_the_form_and_the_api(cast: Cast, field: str) -> None:
    client = cast.client("community_a")

    @EXAMPLES
    @given(value=values(TEXT_LIMITS[field]))
    def check(value: str) -> None:
        data = {"name": "马晓梅", "ethnicity": "03", field: value}
        community = cast.areas["community_a"]
        form = PersonForm({**data, "community": community.pk}, communities=Area.objects.all())
        form_refuses = not form.is_valid() and field in form.errors
        assert set(form.errors) <= {field}
        body = {**data, "ethnicity": "回族", "community": A}
        response = client.post("/api/v1/persons", json.dumps(body), content_type="application/json")
        assert form_refuses == (field in api_fields(response)), (value, form.errors)

    check()


@pytest.mark.parametrize("field", ["address", "phone", "occupation_text", "notes"])
def test_it_refuses_the_same_visit_values_in_the_form_and_the_api(cast: Cast, field: str) -> None:
    client = cast.client("community_a")
    person = make_person(A)

    @EXAMPLES
    @given(value=values(TEXT_LIMITS[field]))
    def check(value: str) -> None:
        version = Person.objects.get(pk=person.pk).version
        data = {"visited_on": "2024-01-02", "outcome": "met", field: value}
        form = VisitForm({**data, "version": version})
        form_refuses = not form.is_valid() and field in form.errors
        response = client.post(
            f"/api/v1/persons/{person.pk}/visits",
            json.dumps(data),
            content_type="application/json",
            headers={"If-Match": f'"{version}"'},
        )
        assert form_refuses == (field in api_fields(response)), (value, form.errors)

    check()


@pytest.mark.parametrize("field", ["address", "reason"])
def test_it_refuses_the_same_movement_values_in_the_form_and_the_api(
    cast: Cast, field: str
) -> None:
    client = cast.client("community_a")
    person = make_person(A)

    @EXAMPLES
    @given(value=values(TEXT_LIMITS[field]))
    def check(value: str) -> None:
        fresh = Person.objects.get(pk=person.pk)
        # An address change keeps the file active, so every example can record one.
        data = {"kind": "address_change", "moved_on": "2024-01-02", field: value}
        form = MovementForm({**data, "version": fresh.version}, person=fresh, user=cast.community_a)
        form_refuses = not form.is_valid() and field in form.errors
        response = client.post(
            f"/api/v1/persons/{person.pk}/movements",
            json.dumps(data),
            content_type="application/json",
        )
        refused = field in api_fields(response) if response.status_code != 409 else form_refuses
        assert form_refuses == refused, (value, form.errors, response.content)

    check()


@given(value=values(TEXT_LIMITS["notes"]))
@settings(max_examples=200, derandomize=True, database=None)
def test_it_refuses_in_the_import_what_the_rule_refuses(value: str) -> None:
    # The rule needs no reference data: an empty cache will do (no database).
    _data, errors, _warnings = validate_person(
        {"name": "马", "ethnicity": "x", "notes": value}, refs=ReferenceCache()
    )
    refused = any(error.field == "notes" for error in errors)
    assert refused == (text_problem(value, max_length=TEXT_LIMITS["notes"]) is not None)


def test_it_names_the_field_in_the_forms_message(client: Client) -> None:
    form = VisitForm(
        {"visited_on": "2024-01-02", "outcome": "met", "notes": "a\x00b", "version": 1}
    )
    assert not form.is_valid()
    assert form.errors["notes"] == [form.errors["notes"][0]]
    assert str(form.fields["notes"].label) in form.errors["notes"][0]
