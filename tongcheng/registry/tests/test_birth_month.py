"""A birth date is shown as year and month everywhere but the reveal: with the day, the masked ID
number could be completed (docs/security.md, "Masks"). The edit form of a file with an ID number
takes sex and birth date from the number and never shows the day."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongcheng.conftest import Cast
from tongcheng.lib.idnumber import make_id_number
from tongcheng.registry.actions.duplicates import duplicates_record
from tongcheng.registry.models import Person
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
BORN = date(1987, 9, 23)
NUMBER = make_id_number("622924", BORN, 42, "male")


def test_it_shows_year_and_month_in_the_create_pages_search(cast: Cast) -> None:
    make_person(A, name="马晓梅", id_number=NUMBER)
    content = cast.client("community_a").get(reverse("registry:person_create"), {"q": "马晓梅"})
    text = content.content.decode()
    assert "马晓梅" in text and "1987年9月" in text and "1987-09-23" not in text


def test_it_shows_year_and_month_on_the_duplicate_review(cast: Cast) -> None:
    make_person(A, name="马晓梅", id_number="", birth_date=BORN, sex="male")
    new = make_person(A, name="马晓梅", id_number=NUMBER)
    candidate = duplicates_record(person=new)[0]
    url = reverse("registry:duplicate_resolve", args=[candidate.pk])
    text = cast.client("community_a").get(url).content.decode()
    assert text.count("1987年9月") == 2 and "1987-09-23" not in text


def test_it_never_shows_the_day_on_the_edit_form_of_a_file_with_an_id_number(cast: Cast) -> None:
    person = make_person(A, name="马晓梅", id_number=NUMBER, occupation="vendor")
    url = reverse("registry:person_edit", args=[person.pk])
    client = cast.client("community_a")
    text = client.get(url).content.decode()
    assert "1987-09-23" not in text and "1987年9月" in text
    # Saved without a birth date typed: the number's date stays, a typed one is ignored.
    data = {
        "version": person.version,
        "name": "马小梅",
        "ethnicity": person.ethnicity_id,
        "birth_date": "2001-01-01",
        "sex": "female",
    }
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.name == "马小梅" and person.birth_date == BORN and person.sex == "male"


def test_it_keeps_the_date_editable_for_a_file_without_an_id_number(cast: Cast) -> None:
    person = make_person(A, name="马晓梅", id_number="", birth_date=BORN, sex="male")
    url = reverse("registry:person_edit", args=[person.pk])
    client = cast.client("community_a")
    assert 'value="1987-09-23"' in client.get(url).content.decode()
    data = {
        "version": person.version,
        "name": person.name,
        "ethnicity": person.ethnicity_id,
        "birth_date": "1987-09-24",
        "sex": "male",
    }
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(pk=person.pk).birth_date == date(1987, 9, 24)
