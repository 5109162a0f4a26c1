"""Large imports checked and encrypted in helper processes (registry.ledger.helpers): the same
plan and the same stored files as one process, in row order, and nothing written when a
helper fails. Real processes (spawned), small chunks so that rows cross between them."""

from __future__ import annotations

from typing import Any

import pytest

from tongcheng.registry.actions.bulk.commit import commit_import
from tongcheng.registry.columns import name_columns
from tongcheng.registry.identifiers import decrypt, id_number_hash
from tongcheng.registry.ledger import helpers as ledger_helpers
from tongcheng.registry.ledger.helpers import HelperFailed
from tongcheng.registry.ledger.plan import plan_import
from tongcheng.registry.ledger.read import read_ledger
from tongcheng.registry.models import NameKey, Person, PersonChange
from tongcheng.registry.tests.factories import make_person
from tongcheng.registry.tests.test_import import (
    COMMUNITY_A,
    ENDS_IN_X,
    community,
    good_rows,
    ledger_bytes,
    messy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpers(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.IMPORT_HELPERS = 1
    settings.IMPORT_HELPER_ROWS = 0
    monkeypatch.setattr(ledger_helpers, "ROW_CHUNK", 4)


def mixed_rows() -> list[list[Any]]:
    """Good rows with, here and there, an error, a warning and an ID number used twice."""
    rows = good_rows(30)
    rows[0][4] = messy(ENDS_IN_X)
    rows[3][5] = "12345"  # a phone too short: error
    rows[9][6] = "火星基地"  # an origin not in the national list: warning
    rows[14][4] = rows[2][4]  # the same ID number as an earlier row: error
    rows[21][9] = "2099年1月1日"  # arrival in the future: error
    rows[29][2] = "未知族"  # error
    return rows


def plan_of(ledger_data: bytes) -> dict[str, Any]:
    plan = plan_import(read_ledger(ledger_data), community())
    return {
        "summary": plan.summary(),
        "errors": [issue.as_dict() for issue in plan.errors],
        "create": plan.create,
    }


def test_helpers_plan_exactly_as_one_process(cast, settings, helpers) -> None:
    data = ledger_bytes(mixed_rows())
    with_helpers = plan_of(data)
    settings.IMPORT_HELPERS = 0
    alone = plan_of(data)
    assert with_helpers == alone
    assert [e["row"] for e in alone["errors"]] == [8, 19, 26, 34]
    assert alone["summary"]["warnings"] == 1
    assert len(alone["create"]) == 26


def test_helpers_store_what_one_process_stores(cast, helpers) -> None:
    make_person(COMMUNITY_A, name="马晓一", id_number=good_rows(1)[0][4], address="")
    rows = good_rows(30)
    rows[5][4] = messy(ENDS_IN_X)
    data = ledger_bytes(rows)
    expected = plan_of(data)["create"]
    progress: list[tuple[int, int]] = []
    result = commit_import(
        read_ledger(data),
        community(),
        actor=None,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert (result.created, result.updated) == (29, 1)
    # Row order kept: progress only grows, and the files were created in row order.
    assert progress == [(n, 30) for n in (4, 8, 12, 16, 20, 24, 28, 30)]
    created = list(Person.objects.exclude(name="马晓一").order_by("pk"))
    assert [p.name for p in created] == [d.name for _n, d in expected]
    for person, (_number, data_in) in zip(created, expected, strict=True):
        assert decrypt(person, "id_number") == data_in.id_number
        assert person.id_number_hash == id_number_hash(data_in.id_number)
        assert decrypt(person, "phone") == data_in.phone
        assert decrypt(person, "address") == data_in.address
        assert person.name_pinyin == name_columns(data_in.name)["name_pinyin"]
        assert NameKey.objects.filter(person=person, key=data_in.name[:2]).exists()
    assert PersonChange.objects.count() == 30


def test_a_helper_that_dies_fails_the_import_and_writes_nothing(cast, helpers, monkeypatch):
    # The helper cannot load Django with these settings and exits at once.
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tongcheng.no_such_settings")
    with pytest.raises(HelperFailed):
        commit_import(read_ledger(ledger_bytes(good_rows(30))), community(), actor=None)
    assert Person.objects.count() == 0
    assert NameKey.objects.count() == 0
