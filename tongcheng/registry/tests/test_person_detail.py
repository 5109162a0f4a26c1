"""The person page: masked identifiers, sections, ladder, audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.models import HouseholdMember
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
B = "140403002001"


@pytest.fixture
def person(cast: Cast):  # type: ignore[no-untyped-def]
    return make_person(
        A,
        name="马晓梅",
        phone="13812345678",
        address="东街1号",
    )


def test_it_redirects_anonymous_users_to_login(client, person) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_answers_404_outside_the_jurisdiction(cast: Cast, person) -> None:  # type: ignore[no-untyped-def]
    response = cast.client("community_b").get(reverse("registry:person_detail", args=[person.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(outcome="denied", object_id=str(person.pk)).exists()


def test_it_refuses_roles_without_record_access(cast: Cast, person) -> None:  # type: ignore[no-untyped-def]
    assert (
        cast.client("leader").get(reverse("registry:person_detail", args=[person.pk])).status_code
        == 403
    )


def test_it_shows_the_file_masked_and_audits_the_view(cast: Cast, person) -> None:  # type: ignore[no-untyped-def]
    from tongcheng.registry.identifiers import decrypt

    HouseholdMember.objects.create(
        person=person,
        name="马小明",
        relation="child",
        birth_date=person.birth_date.replace(year=2017),
    )
    for username in ("community_a", "street", "district", "inspector"):
        response = cast.client(username).get(reverse("registry:person_detail", args=[person.pk]))
        assert response.status_code == 200
        content = response.content.decode()
        assert "马晓梅" in content and "138****5678" in content and "东街1号" in content
        assert decrypt(person, "id_number") not in content
        assert "13812345678" not in content
        # The region code of the ID number, and its birth date as year and month only.
        number, born = decrypt(person, "id_number"), person.birth_date
        assert number[:6] + "*" * 12 in content and number[6:14] not in content
        assert f"{born.year}年{born.month}月" in content and born.isoformat() not in content
        # A household member has no identifier: their full birth date completes nothing.
        assert "马小明" in content and born.replace(year=2017).isoformat() in content
    events = AuditEvent.objects.filter(action="person.view", object_id=str(person.pk))
    assert events.count() == 4
    # Read-only: no edit link for the inspector.
    inspector = cast.client("inspector").get(reverse("registry:person_detail", args=[person.pk]))
    assert reverse("registry:person_edit", args=[person.pk]) not in inspector.content.decode()
