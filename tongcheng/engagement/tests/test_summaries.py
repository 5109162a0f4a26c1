"""The slots and tallies kept by every write equal a full recount, whatever the writes.

Random series of writes (talks recorded and deleted, officers changed, terms changed,
appointments ended, festival dates entered) on a few appointments; after each series the slots
must equal `recount_slots` and the tallies `recount_tallies`.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongcheng.engagement import summaries
from tongcheng.engagement.actions.contacts import contact_delete
from tongcheng.engagement.actions.festivals import festival_save
from tongcheng.engagement.actions.representatives import (
    RepresentativeInput,
    representative_end,
    representative_update,
)
from tongcheng.engagement.errors import EngagementRefused
from tongcheng.engagement.models import Contact, Representative, Slot, Tally
from tongcheng.engagement.tests.factories import appoint, talk

pytestmark = pytest.mark.django_db
START = date(2025, 12, 29)


def _same_as_recount() -> None:
    assert summaries.slot_rows() == summaries.recount_slots()
    assert summaries.tally_rows() == summaries.recount_tallies()


def _input(rep: Representative, **change: Any) -> RepresentativeInput:
    values: dict[str, Any] = {
        "area": rep.area, "term_from": rep.term_from, "term_to": rep.term_to,
        "office": rep.office, "officer": rep.officer, "name": "阿依古丽", "ethnicity": "05",
        "duties": rep.duties,
    }  # fmt: skip
    values.update(change)
    return RepresentativeInput(**values)


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("talk"), st.integers(0, 2), st.integers(0, 400),
                  st.sampled_from(["phone", "visit", "forum"])),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(st.just("officer"), st.integers(0, 2), st.integers(0, 2)),
        st.tuples(st.just("term"), st.integers(0, 2), st.integers(-60, 60)),
        st.tuples(st.just("end"), st.integers(0, 2), st.integers(0, 400)),
        st.tuples(st.just("festival"), st.sampled_from([2026, 2027]), st.integers(-3, 3)),
    ),
    max_size=25,
)  # fmt: skip


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
def test_it_keeps_the_summaries_equal_to_a_recount(cast: Any, ops: list[tuple[Any, ...]]) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        officers = [cast.community_a, cast.street, cast.district]
        area = cast.areas["community_a"]
        reps = [
            appoint(cast.district, area, officer=officers[i],
                    term_from=START + timedelta(days=i * 3), term_to=date(2027, 6, 30))
            for i in range(3)
        ]  # fmt: skip
        for op in ops:
            with contextlib.suppress(ValidationError, EngagementRefused), transaction.atomic():
                rep = Representative.objects.get(pk=reps[op[1] % 3].pk) if op[0] != "festival" \
                    and op[0] != "delete" else None  # fmt: skip
                if op[0] == "talk" and rep is not None:
                    talk(cast.district, rep, START + timedelta(days=op[2]), op[3])
                elif op[0] == "delete":
                    contacts = list(Contact.objects.order_by("pk"))
                    if contacts:
                        contact_delete(
                            actor=cast.district, contact_id=contacts[op[1] % len(contacts)].pk
                        )
                elif op[0] == "officer" and rep is not None:
                    data = _input(rep, officer=officers[op[2]])
                    representative_update(actor=cast.district, rep_id=rep.pk, data=data)
                elif op[0] == "term" and rep is not None:
                    data = _input(rep, term_to=rep.term_to + timedelta(days=op[2]))
                    representative_update(actor=cast.district, rep_id=rep.pk, data=data)
                elif op[0] == "end" and rep is not None:
                    day = min(START + timedelta(days=op[2]), today)
                    representative_end(
                        actor=cast.district, rep_id=rep.pk, ended_on=day, reason="迁出"
                    )
                elif op[0] == "festival":
                    adha = date(op[1], 5, 27 if op[1] == 2026 else 16) + timedelta(days=op[2])
                    festival_save(actor=cast.city_admin, year=op[1], eid_al_adha=adha,
                                  eid_al_fitr=None, source="国家民委公告")  # fmt: skip
        _same_as_recount()
        transaction.set_rollback(True)


def test_it_counts_due_and_done_per_week_and_month(cast: Any) -> None:
    rep = appoint(cast.community_a, cast.areas["community_a"], term_from=date(2026, 1, 5))
    talk(cast.community_a, rep, date(2026, 1, 6))
    talk(cast.community_a, rep, date(2026, 1, 7))  # a second talk in the same week
    talk(cast.community_a, rep, date(2026, 1, 14), "visit")
    week = Tally.objects.get(kind="week", period=date(2026, 1, 5))
    assert (week.due, week.done) == (1, 1)
    assert Slot.objects.get(representative=rep, kind="week", period=date(2026, 1, 5)).done == 2
    assert Tally.objects.get(kind="week", period=date(2026, 1, 12)).done == 1  # the visit
    assert not Tally.objects.filter(kind="month", period=date(2026, 1, 1)).exists()  # partial
    talk(cast.community_a, rep, date(2026, 2, 4), "visit")
    month = Tally.objects.get(kind="month", period=date(2026, 2, 1))
    assert (month.due, month.done) == (1, 1)
    assert Tally.objects.get(kind="week", period=date(2026, 1, 19)).done == 0
    _same_as_recount()


def test_it_moves_the_periods_not_over_to_a_new_officer(cast: Any) -> None:
    rep = appoint(cast.community_a, cast.areas["community_a"], officer=cast.community_a)
    representative_update(actor=cast.street, rep_id=rep.pk, data=_input(rep, officer=cast.street))
    today = timezone.localdate()
    past = Slot.objects.filter(
        representative=rep, kind="week", period__lt=today - timedelta(days=6)
    )
    assert set(past.values_list("officer", flat=True)) == {cast.community_a.pk}
    future = Slot.objects.filter(representative=rep, period__gt=today)
    assert set(future.values_list("officer", flat=True)) == {cast.street.pk}
    _same_as_recount()


def test_it_recounts_a_forum_when_the_festival_date_is_edited(cast: Any) -> None:
    rep = appoint(cast.district, cast.areas["community_a"], term_from=date(2026, 1, 1))
    talk(cast.district, rep, date(2026, 6, 3), "forum")  # 7 days after 2026-05-27
    forum = Tally.objects.get(kind="forum", period=date(2026, 1, 1))
    assert (forum.due, forum.done) == (1, 1)
    # Announced a day earlier in China: the forum is now 8 days after the festival.
    festival_save(actor=cast.city_admin, year=2026, eid_al_adha=date(2026, 5, 26),
                  eid_al_fitr=None, source="国家民委公告")  # fmt: skip
    forum.refresh_from_db()
    assert (forum.due, forum.done) == (1, 0)
    _same_as_recount()
    festival_save(actor=cast.city_admin, year=2026, eid_al_adha=date(2026, 5, 28),
                  eid_al_fitr=None, source="国家民委公告")  # fmt: skip
    forum.refresh_from_db()
    assert (forum.due, forum.done) == (1, 1)
    _same_as_recount()


def test_it_stops_the_due_periods_when_an_appointment_ends(cast: Any) -> None:
    rep = appoint(cast.district, cast.areas["community_a"], term_from=date(2026, 1, 1))
    representative_end(actor=cast.district, rep_id=rep.pk, ended_on=date(2026, 3, 18),
                       reason="迁出")  # fmt: skip
    assert not Slot.objects.filter(representative=rep, period__gt=date(2026, 3, 18)).exists()
    assert Slot.objects.get(representative=rep, kind="month", period=date(2026, 3, 1)).due is False
    assert Slot.objects.get(representative=rep, kind="forum").due is False
    _same_as_recount()
