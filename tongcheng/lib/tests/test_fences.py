"""FencedExists: a per-row EXISTS on PostgreSQL (OFFSET 0 keeps it from becoming a join), the
same answers as Exists on both engines."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef

from tongcheng.lib.fences import FencedExists
from tongcheng.org.models import Area

pytestmark = pytest.mark.django_db


def test_it_fences_the_subquery_on_postgresql_only_with_the_same_answer() -> None:
    def children(kind: type[Exists]) -> object:
        return Area.objects.filter(kind(Area.objects.filter(parent=OuterRef("pk"))))

    fenced, plain = children(FencedExists), children(Exists)
    sql = str(fenced.query)
    assert ("OFFSET 0" in sql) is (connection.vendor == "postgresql")
    assert set(fenced.values_list("pk", flat=True)) == set(plain.values_list("pk", flat=True))
    assert fenced.exists()
