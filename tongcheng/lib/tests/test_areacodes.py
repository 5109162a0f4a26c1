"""The one subtree filter: the same rows as "starts with", on every engine and collation."""

from __future__ import annotations

import pytest
from django.db import connection

from tongcheng.lib.areacodes import in_subtree, prefix_of, subtree_bounds, subtree_q
from tongcheng.org.models import Area

CODES = [
    "140400000000", "140403000000", "140403001000", "140403001001", "140403002001",
    "140404000000", "140404100200", "140499999999", "140500000000", "140302001001",
]  # fmt: skip
PREFIXES = ["1404", "140403", "140403001", "140403001001", "14040", "140404"]


def test_it_bounds_a_subtree_by_its_lowest_and_highest_code() -> None:
    assert subtree_bounds("140403") == ("140403000000", "140403999999")
    assert prefix_of("140403000000") == "140403"
    assert prefix_of("140403001001") == "140403001001"


@pytest.mark.django_db
def test_it_matches_exactly_the_codes_that_start_with_a_prefix() -> None:
    for prefix in PREFIXES:
        expected = {c for c in Area.objects.values_list("code", flat=True) if c.startswith(prefix)}
        found = set(Area.objects.filter(subtree_q([prefix], "code")).values_list("code", flat=True))
        assert found == expected, prefix
        assert all(in_subtree(code, [prefix]) for code in found)
    assert not Area.objects.filter(subtree_q([], "code")).exists()


@pytest.mark.django_db
def test_it_holds_under_a_non_c_collation() -> None:
    """PostgreSQL with an ICU or glibc locale sorts punctuation before digits: a bound like
    prefix + ':' then finds nothing. The padded bounds compare digits with digits only."""
    if connection.vendor != "postgresql":
        pytest.skip("collations are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT collname FROM pg_collation WHERE collname = 'und-x-icu'")
        if cursor.fetchone() is None:
            pytest.skip("this PostgreSQL has no ICU collations")
        for prefix in PREFIXES:
            low, high = subtree_bounds(prefix)
            cursor.execute(
                "SELECT code FROM unnest(%s::text[]) AS c(code) "
                'WHERE code COLLATE "und-x-icu" >= %s AND code COLLATE "und-x-icu" <= %s',
                [CODES, low, high],
            )
            found = {row[0] for row in cursor.fetchall()}
            assert found == {c for c in CODES if c.startswith(prefix)}, prefix
