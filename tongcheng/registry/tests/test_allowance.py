"""The daily allowances hold under parallel requests (real threads, each with its own
connection, rows committed): counting and writing are one step under the lock of the account's
row (PostgreSQL: SELECT … FOR UPDATE; SQLite: IMMEDIATE transactions)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast, run_concurrently
from tongcheng.registry import allowance
from tongcheng.registry.actions.persons import person_reveal
from tongcheng.registry.actions.searches import person_search
from tongcheng.registry.errors import LimitReached, LookupLimitReached, RevealRefused
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
THREADS = 20


@pytest.fixture
def person(committed_cast: Cast) -> Any:
    return make_person(A, phone="17712348335")


@override_settings(REVEAL_LIMIT_PER_DAY=50)
def test_it_allows_exactly_the_limit_of_parallel_reveals(committed_cast: Cast, person: Any) -> None:
    user = committed_cast.community_a
    for index in range(45):
        person_reveal(actor=user, person=person, reason=f"核实材料 {index}")

    # The action itself on each thread (its transaction is the thread's outermost): through the
    # pages, SQLite would hold its one write lock for each whole request, and 20 of them in a
    # row outlast its busy timeout on a loaded machine (a 503, not a wrong count).
    def reveal(index: int) -> str:
        try:
            person_reveal(actor=user, person=person, reason=f"并发核实 {index}")
        except RevealRefused:
            return "refused"
        return "shown"

    results = run_concurrently(reveal, THREADS)
    assert sorted(map(str, results)) == ["refused"] * 15 + ["shown"] * 5, results
    allowed = AuditEvent.objects.filter(action="person.reveal", user_id=user.pk)
    assert allowed.count() == 50


@override_settings(LOOKUP_LIMIT_PER_DAY=10)
def test_it_allows_exactly_the_limit_of_parallel_exact_searches(
    committed_cast: Cast, person: Any
) -> None:
    user = committed_cast.inspector

    def search(index: int) -> str:
        try:
            person_search(actor=user, q=f"177{index:04d}8335")
        except LookupLimitReached:
            return "refused"
        return "searched"

    results = run_concurrently(search, THREADS)
    assert sorted(map(str, results)) == ["refused"] * 10 + ["searched"] * 10, results
    lookups = AuditEvent.objects.filter(action="person.lookup", user_id=user.pk)
    assert lookups.filter(outcome="allowed").count() == 10
    assert lookups.filter(outcome="denied").count() == 10


def test_it_counts_only_inside_a_transaction(cast: Cast) -> None:
    """Counting outside the transaction that writes the event would let two requests pass."""
    with pytest.raises(RuntimeError):
        transaction.get_connection().in_atomic_block = False
        try:
            allowance.spend(actor=cast.community_a, budget=allowance.REVEALS)
        finally:
            transaction.get_connection().in_atomic_block = True


@override_settings(IMPORT_LOOKUP_LIMIT_PER_DAY=30)
def test_it_counts_an_events_look_ups_and_refuses_what_does_not_fit(cast: Cast) -> None:
    user = cast.community_a
    with transaction.atomic():
        allowance.spend(actor=user, budget=allowance.IMPORT_LOOKUPS, count=20)
        AuditEvent.objects.create(
            user_id=user.pk, action="ledger.lookup", outcome="allowed", detail={"lookups": 20}
        )
    assert allowance.used_today(user, allowance.IMPORT_LOOKUPS) == 20
    with transaction.atomic(), pytest.raises(LimitReached) as refused:
        allowance.spend(actor=user, budget=allowance.IMPORT_LOOKUPS, count=11)
    assert (refused.value.needed, refused.value.left, refused.value.limit) == (11, 10, 30)
    with transaction.atomic(), pytest.raises(LimitReached):
        allowance.spend(actor=user, budget=allowance.IMPORT_LOOKUPS, count=5, promised=6)
    with transaction.atomic():
        assert allowance.spend(actor=user, budget=allowance.IMPORT_LOOKUPS, count=10) == 0
