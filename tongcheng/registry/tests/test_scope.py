"""The visible_to rules of scope.py for rows that follow a file: a movement and a visit are
seen with the file they belong to, wherever it has gone since."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tongcheng.registry.actions.duplicates import person_merge
from tongcheng.registry.actions.movements import transfer_accept, transfer_request
from tongcheng.registry.models import Movement, Visit
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

COMMUNITY_A = "140403001001"
COMMUNITY_B = "140403002001"


def test_it_hides_a_transferred_files_movements_from_the_sending_side(cast) -> None:  # type: ignore[no-untyped-def]
    person = make_person(COMMUNITY_A, name="马八")
    transfer_request(
        actor=cast.community_a,
        person=person,
        to_area=cast.areas["community_b"],
        moved_on=timezone.localdate(),
        reason="",
    )
    movement = Movement.objects.get(person=person)
    # Waiting: the receiving side sees the transfer before the file is theirs.
    assert Movement.objects.visible_to(cast.community_b).filter(pk=movement.pk).exists()
    # The district's inspector sees it with the file, which is in its district either way.
    assert Movement.objects.visible_to(cast.inspector).filter(person=person).exists()
    transfer_accept(actor=cast.community_b, movement=movement)
    # Accepted: the file and its movements are B's; A keeps only its outgoing record.
    assert not Movement.objects.visible_to(cast.community_a).filter(person=person).exists()
    assert Movement.objects.outgoing_for(cast.community_a).filter(pk=movement.pk).exists()
    assert Movement.objects.visible_to(cast.community_b).filter(person=person).exists()


def test_it_keeps_a_merged_files_visits_with_the_kept_file(cast) -> None:  # type: ignore[no-untyped-def]
    kept = make_person(COMMUNITY_B, name="马九")
    merged = make_person(COMMUNITY_A, name="马九")
    Visit.objects.create(
        person=merged,
        area_code=merged.area_code,
        visited_on=timezone.localdate(),
        officer=cast.community_a,
        outcome=Visit.Outcome.MET,
    )
    person_merge(actor=cast.district, kept=kept, merged=merged)
    assert Visit.objects.visible_to(cast.community_b).filter(person=kept).count() == 1
    assert not Visit.objects.visible_to(cast.community_a).exists()
