"""The harness of the concurrency tests: threads see committed rows, and the cast survives."""

from __future__ import annotations

import pytest

from tongcheng.conftest import CAST, Cast, run_concurrently
from tongcheng.org.models import User


def test_it_lets_threads_see_the_committed_cast(committed_cast: Cast) -> None:
    User.objects.create(username="written_before_the_threads")

    def count(_: int) -> int:
        return User.objects.filter(username__in=[*CAST, "written_before_the_threads"]).count()

    assert run_concurrently(count, 4) == [len(CAST) + 1] * 4


def test_it_writes_the_cast_again_after_the_tables_were_emptied(committed_cast: Cast) -> None:
    assert committed_cast.community_a.memberships.count() == 1
    assert not User.objects.filter(username="written_before_the_threads").exists()


def test_it_hands_back_what_a_thread_raised(committed_cast: Cast) -> None:
    def fail(index: int) -> int:
        if index == 1:
            raise ValueError("second")
        return index

    first, second = run_concurrently(fail, 2)
    assert first == 0
    assert isinstance(second, ValueError)
    with pytest.raises(ValueError):
        raise second
