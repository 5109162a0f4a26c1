"""Talks recorded at once on one representative, and one talk deleted twice at once: the
summaries still equal the recount (real threads, each with its own connection)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tongcheng.conftest import run_concurrently
from tongcheng.engagement import summaries
from tongcheng.engagement.actions.contacts import contact_delete
from tongcheng.engagement.actions.representatives import (
    RepresentativeInput,
    representative_update,
)
from tongcheng.engagement.errors import EngagementRefused
from tongcheng.engagement.models import Contact, Representative, Slot, Tally
from tongcheng.engagement.tests.factories import appoint, talk
from tongcheng.org.models import User


@pytest.fixture
def rep(committed_cast: Any) -> Any:
    yield appoint(committed_cast.community_a, committed_cast.areas["community_a"],
                  term_from=date(2026, 1, 5))  # fmt: skip
    Contact.objects.all().delete()
    Slot.objects.all().delete()
    Tally.objects.all().delete()
    Representative.objects.all().delete()


def test_it_counts_talks_recorded_at_once(committed_cast: Any, rep: Representative) -> None:
    def work(index: int) -> Any:
        officer = User.objects.get(username="community_a")
        return talk(officer, Representative.objects.get(pk=rep.pk), date(2026, 1, 6 + index))

    results = run_concurrently(work, 3)
    assert all(isinstance(r, Contact) for r in results), results
    week = Tally.objects.get(kind="week", period=date(2026, 1, 5))
    assert (week.due, week.done) == (1, 1)
    assert Slot.objects.get(representative=rep, kind="week", period=date(2026, 1, 5)).done == 3
    assert summaries.tally_rows() == summaries.recount_tallies()


def test_it_deletes_a_talk_once(committed_cast: Any, rep: Representative) -> None:
    contact = talk(committed_cast.community_a, rep, date(2026, 1, 6))

    def work(index: int) -> Any:
        contact_delete(actor=User.objects.get(username="community_a"), contact_id=contact.pk)
        return True

    results = run_concurrently(work, 2)
    assert sorted(type(r).__name__ for r in results) == ["EngagementRefused", "bool"], results
    assert isinstance(next(r for r in results if r is not True), EngagementRefused)
    assert Slot.objects.get(representative=rep, kind="week", period=date(2026, 1, 5)).done == 0
    assert summaries.tally_rows() == summaries.recount_tallies()


def test_two_changes_from_the_same_page_keep_the_first(
    committed_cast: Any, rep: Representative
) -> None:
    # Two officers opened the appointment's page at version 1; each changes another field. The
    # second must not write back the first one's field as it was read.
    def work(index: int) -> Any:
        officer = User.objects.get(username="community_a")
        data = RepresentativeInput(
            area=rep.area, term_from=rep.term_from, office=rep.office, officer=officer,
            term_to=date(2029, 6, 30) if index == 0 else rep.term_to,
            duties=["care"] if index == 1 else rep.duties, name="阿依古丽", ethnicity="05",
        )  # fmt: skip
        return representative_update(actor=officer, rep_id=rep.pk, data=data, expected_version=1)

    results = run_concurrently(work, 2)
    assert sorted(type(r).__name__ for r in results) == ["EngagementRefused", "Representative"]
    saved = Representative.objects.get(pk=rep.pk)
    assert saved.version == 2
    assert (saved.term_to == date(2029, 6, 30)) != (saved.duties == ["care"])
