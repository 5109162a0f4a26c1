"""The ledger's home-page panel: each role's to-dos, counted in its scope, bounded, linked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tongcheng.lib.roles import Role
from tongcheng.org import contributions
from tongcheng.org.models import Membership
from tongcheng.registry import panels
from tongcheng.registry.models import DuplicateCandidate, Movement
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

COMMUNITY_A = "140403001001"
COMMUNITY_B = "140403002001"


def _lines(cast, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    user = getattr(cast, username)
    with translation.override("en"):
        return {str(todo.label): todo.shown for todo in panels.ledger_todos(user)}


def _seed(cast) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    # Due for a visit (never verified), one with a permit expiring in 10 days.
    make_person(COMMUNITY_A, name="马一")
    make_person(COMMUNITY_A, name="马二", permit_expires_on=today + timedelta(days=10))
    # A transfer from B waiting for A's decision; a possible duplicate pair inside A.
    other = make_person(COMMUNITY_B, name="马三")
    Movement.objects.create(
        person=other,
        kind=Movement.Kind.TRANSFER,
        state=Movement.State.PENDING,
        from_area=cast.areas["community_b"],
        to_area=cast.areas["community_a"],
        moved_on=today,
        requested_by=cast.community_b,
    )
    one, two = make_person(COMMUNITY_A, name="马四"), make_person(COMMUNITY_A, name="马四")
    DuplicateCandidate.objects.create(
        person=two, other=one, area_code=COMMUNITY_A, reason="same_phone"
    )


def test_it_counts_the_community_officers_to_dos_in_its_scope(cast) -> None:  # type: ignore[no-untyped-def]
    _seed(cast)
    assert _lines(cast, "community_a") == {
        "Files due for a visit": "4",
        "Transfers waiting for your decision": "1",
        "Possible duplicates to review": "1",
        "Residence permits expiring within 30 days": "1",
    }
    # Community B sees its own file only, and no transfer or pair of A's.
    assert _lines(cast, "community_b") == {
        "Files due for a visit": "1",
        "Transfers waiting for your decision": "0",
        "Possible duplicates to review": "0",
        "Residence permits expiring within 30 days": "0",
    }


def test_it_offers_a_read_only_role_only_the_lists_it_may_open(cast) -> None:  # type: ignore[no-untyped-def]
    _seed(cast)
    # The inspector reads the ledger but decides no transfer and merges no file.
    assert set(_lines(cast, "inspector")) == {
        "Files due for a visit",
        "Residence permits expiring within 30 days",
    }
    assert _lines(cast, "leader") == {}
    assert _lines(cast, "liaison") == {}


def test_it_stops_counting_at_the_cap(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _seed(cast)
    monkeypatch.setattr(contributions, "TODO_CAP", 2)
    assert _lines(cast, "community_a")["Files due for a visit"] == "2+"


def test_it_shows_the_panel_on_the_home_page_with_links(cast) -> None:  # type: ignore[no-untyped-def]
    _seed(cast)
    body = cast.client("community_a").get("/").content.decode()
    assert 'id="h-panel-ledger"' in body
    assert f'href="{reverse("registry:visits_due")}"' in body
    permits = f"{reverse('registry:person_list')}?permit_expiring=1&amp;status=active"
    assert f'href="{permits}"' in body
    # A role with nothing to do in the ledger gets no ledger panel.
    assert 'id="h-panel-ledger"' not in cast.client("liaison").get("/").content.decode()


def test_it_counts_what_the_linked_list_shows(cast) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    make_person(COMMUNITY_A, name="马五", permit_expires_on=today + timedelta(days=5))
    make_person(
        COMMUNITY_A, name="马六", permit_expires_on=today + timedelta(days=5), status="moved_away"
    )
    client = cast.client("community_a")
    with translation.override("en"):
        todo = next(t for t in panels.ledger_todos(cast.community_a) if "permit" in str(t.label))
    listed = client.get(todo.url).content.decode()
    assert todo.shown == "1"
    assert "马五" in listed
    assert "马六" not in listed


def test_it_counts_each_line_with_the_roles_its_page_acts_through(cast) -> None:  # type: ignore[no-untyped-def]
    # A community officer of A who is also the district's inspector: the duplicates page acts
    # through the officer role only, so a pair in B is not counted (the inspector may not open
    # that page).
    officer = cast.community_a
    Membership.objects.create(user=officer, role=Role.INSPECTOR, area=cast.areas["district"])
    one, two = make_person(COMMUNITY_B, name="马七"), make_person(COMMUNITY_B, name="马七")
    DuplicateCandidate.objects.create(
        person=two, other=one, area_code=COMMUNITY_B, reason="same_phone"
    )
    assert _lines(cast, "community_a")["Possible duplicates to review"] == "0"
    # The visits due page is open to the inspector role: its line counts the district's files.
    assert _lines(cast, "community_a")["Files due for a visit"] == "2"
