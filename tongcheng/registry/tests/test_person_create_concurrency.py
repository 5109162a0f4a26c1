"""One file per ID number, even when several requests register the same number at once.

Real threads, each with its own database connection and a logged-in `django.test.Client`,
through the real page and API. On PostgreSQL the requests run at once: each one's look-up
finds no file, and only the database constraint (person_one_file_per_id_number) keeps the
second insert out; the action turns it into the same answer a known number gets today.
"""

from __future__ import annotations

import json
from datetime import date

from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast, run_concurrently
from tongcheng.lib.idnumber import make_id_number
from tongcheng.registry.identifiers import id_number_hash
from tongcheng.registry.models import Person
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
THREADS = 6
CREATE = reverse("registry:person_create")
API = "/api/v1/persons"
NUMBER = make_id_number("622924", date(1990, 5, 6), 3, "female")


def form(community_pk: int) -> dict[str, object]:
    return {
        "name": "马晓梅",
        "ethnicity": "03",
        "id_number": NUMBER,
        "phone": "",
        "origin": "甘肃临夏广河",
        "community": community_pk,
        "address": "东街1号",
        "occupation": "noodle_restaurant",
    }


def files_with_the_number() -> list[Person]:
    return list(Person.objects.filter(id_number_hash=id_number_hash(NUMBER)))


def no_errors(results: list[object]) -> None:
    """No thread raised (the test client raises a view's exception: a 500 would show here)."""
    assert not [r for r in results if isinstance(r, BaseException)], results


def test_it_creates_one_file_from_parallel_page_posts(committed_cast: Cast) -> None:
    clients = [committed_cast.client("community_a") for _ in range(THREADS)]
    data = form(committed_cast.areas["community_a"].pk)

    def post(index: int) -> tuple[int, str]:
        response = clients[index].post(CREATE, data)
        return response.status_code, response.get("Location", "") or response.content.decode()

    results = run_concurrently(post, THREADS)

    no_errors(results)
    [person] = files_with_the_number()
    # The winner is sent to its new file; every other request is shown that file (409), with
    # what it typed kept.
    detail = reverse("registry:person_detail", args=[person.pk])
    winners = [where for status, where in results if status == 302]
    assert winners == [detail]
    shown = [page for status, page in results if status == 409]
    assert len(shown) == THREADS - 1
    assert all(detail in page and "东街1号" in page for page in shown)


def test_it_creates_one_file_from_parallel_api_posts(committed_cast: Cast) -> None:
    clients = [committed_cast.client("community_a") for _ in range(THREADS)]
    body = json.dumps({"community": A, "name": "马晓梅", "ethnicity": "回族", "id_number": NUMBER})

    def post(index: int) -> tuple[int, int | None]:
        response = clients[index].post(API, body, content_type="application/json")
        answer = response.json()
        return response.status_code, answer.get("person_id", answer.get("id"))

    results = run_concurrently(post, THREADS)

    no_errors(results)
    [person] = files_with_the_number()
    assert sorted(results) == [(201, person.pk)] + [(409, person.pk)] * (THREADS - 1)


def test_it_says_elsewhere_to_the_other_community_without_naming_the_file(
    committed_cast: Cast,
) -> None:
    a, b = committed_cast.areas["community_a"], committed_cast.areas["community_b"]
    sides = [("community_a", a.pk) if i % 2 else ("community_b", b.pk) for i in range(THREADS)]
    clients = [committed_cast.client(username) for username, _pk in sides]

    def post(index: int) -> tuple[str, int, str]:
        response = clients[index].post(CREATE, form(sides[index][1]))
        return sides[index][0], response.status_code, response.get("Location", "")

    results = run_concurrently(post, THREADS)

    no_errors(results)
    [person] = files_with_the_number()
    owner = "community_a" if person.area_code == A else "community_b"
    detail = reverse("registry:person_detail", args=[person.pk])
    answers = sorted((side == owner, status, location) for side, status, location in results)
    # The owner's side: one new file, the others shown it (409). The other side: the form's
    # "exists in another community" answer (400), no id, no page of the file.
    others = THREADS // 2
    assert answers == [(False, 400, "")] * others + sorted(
        [(True, 302, detail)] + [(True, 409, "")] * (THREADS - others - 1)
    )
    # Each of those answers kept an event that names no file: the check's look-up (the file
    # was committed before it looked) or the denied look-up of the insert that lost the race.
    elsewhere = AuditEvent.objects.filter(action="person.lookup", detail__elsewhere=True)
    denied = AuditEvent.objects.filter(action="person.lookup_elsewhere")
    assert elsewhere.count() + denied.count() == others
    assert not elsewhere.exclude(object_id="").exists()
    assert not denied.exclude(object_id="").exists()


def test_it_gives_a_number_to_one_of_two_files_edited_at_once(committed_cast: Cast) -> None:
    files = [make_person(A, name=name, id_number="") for name in ("马晓梅", "马秀兰")]
    clients = [committed_cast.client("community_a") for _ in files]

    def put(index: int) -> int:
        person = files[index]
        body = {"name": person.name, "ethnicity": "03", "id_number": NUMBER}
        response = clients[index].put(
            f"{API}/{person.pk}",
            json.dumps(body),
            content_type="application/json",
            headers={"If-Match": '"1"'},
        )
        return response.status_code

    results = run_concurrently(put, len(files))

    no_errors(results)
    assert len(files_with_the_number()) == 1
    assert sorted(results) == [200, 409]


def test_it_shows_the_known_file_to_a_plain_page_post(committed_cast: Cast) -> None:
    known = make_person(A, id_number=NUMBER)
    response = committed_cast.client("community_a").post(
        CREATE, form(committed_cast.areas["community_a"].pk)
    )
    assert response.status_code == 409
    assert reverse("registry:person_detail", args=[known.pk]) in response.content.decode()
    assert files_with_the_number() == [known]


def test_it_documents_the_409_with_the_existing_files_id(client, db: None) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").json()
    create = document["paths"][API]["post"]
    assert create["description"].startswith("One file per ID number")
    schema = create["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    error = document["components"]["schemas"][schema.rsplit("/", 1)[1]]
    assert "person_id" in error["properties"]
