"""The dashboard summary stays equal to the live GROUP BY over the files through every write path:
create, edit, visit, movements, transfer, merge, Excel import, seed — and the rebuild command."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tongcheng.org.models import Area, User
from tongcheng.registry.actions.duplicates import person_merge
from tongcheng.registry.actions.movements import (
    MoveInput,
    movement_record,
    transfer_accept,
    transfer_request,
)
from tongcheng.registry.actions.persons import person_create, person_save_changes
from tongcheng.registry.actions.summary import summary_rebuild, summary_refresh_communities
from tongcheng.registry.actions.visits import VisitInput, visit_record
from tongcheng.registry.models import AreaSummary, Movement, Person, Visit
from tongcheng.registry.stats import Dashboard, registry_dashboard
from tongcheng.registry.tests.test_import import COMMUNITY_A, good_rows, ledger_bytes
from tongcheng.registry.validation import PersonInput

pytestmark = pytest.mark.django_db

COMMUNITY_B = "140403002001"
OTHER_DISTRICT_COMMUNITY = "140404001001"
VIEWERS = ("leader", "city_admin", "district", "street", "community_a", "other_district")


def flat(dashboard: Dashboard) -> dict[str, object]:
    return {
        "total": dashboard.total.count,
        "completeness": [c.count for c in dashboard.completeness.cells],
        **{b.key: [(str(c.label), c.count) for c in b.cells] for b in dashboard.breakdowns},
    }


def summary_rows() -> list[tuple[str, str, str, int]]:
    return sorted(AreaSummary.objects.values_list("area_code", "dimension", "key", "count"))


def assert_summary_matches_live(today: date | None = None) -> None:
    for username in VIEWERS:
        user = User.objects.get(username=username)
        assert flat(registry_dashboard(user, today)) == flat(
            registry_dashboard(user, today, live=True)
        ), username
    # And the incrementally kept rows are exactly what a full rebuild writes (no stale zeros).
    kept = summary_rows()
    summary_rebuild()
    assert summary_rows() == kept


def create(user: User, code: str, name: str, **fields: object) -> Person:
    values: dict[str, object] = {"name": name, "ethnicity_code": "03", "sex": "male"}
    values |= fields
    return person_create(
        actor=user,
        community=Area.objects.get(code=code),
        data=PersonInput(**values),  # type: ignore[arg-type]
    )


def test_it_keeps_the_summary_equal_to_the_live_counts_through_every_write(cast) -> None:
    today = timezone.localdate()
    officer = cast.community_a
    a = create(
        officer,
        COMMUNITY_A,
        "马建国",
        origin_region_code="622924",
        address="东街1号",
        occupation="noodle_restaurant",
        arrived_on=today - timedelta(days=70),
    )
    b = create(officer, COMMUNITY_A, "白玉兰", ethnicity_code="05", arrived_on=today)
    c = create(cast.district, COMMUNITY_B, "丁海", occupation="vendor")
    create(cast.other_district, OTHER_DISTRICT_COMMUNITY, "巴特尔", ethnicity_code="02")
    assert_summary_matches_live()

    # An edit of counted fields; an edit of a field the summary does not count.
    b = person_save_changes(
        actor=officer,
        person=b,
        expected_version=b.version,
        changes={"occupation": "factory", "origin_province": "64"},
    )
    b = person_save_changes(
        actor=officer, person=b, expected_version=b.version, changes={"notes": "x"}
    )
    # A visit that verifies all three facts of a file whose facts are all known.
    visit_record(
        actor=officer,
        person=a,
        expected_version=a.version,
        data=VisitInput(
            visited_on=today,
            outcome=Visit.Outcome.MET,
            verified=frozenset({"origin", "address", "occupation"}),
        ),
    )
    assert_summary_matches_live()
    assert flat(registry_dashboard(cast.community_a))["completeness"] == [2, 1, 1]

    # Movements: moved away, an address change into another community, a transfer.
    a.refresh_from_db()
    movement_record(
        actor=officer,
        person=a,
        expected_version=a.version,
        data=MoveInput(kind=Movement.Kind.MOVED_AWAY, moved_on=today),
    )
    b.refresh_from_db()
    movement_record(
        actor=cast.district,
        person=b,
        expected_version=b.version,
        data=MoveInput(
            kind=Movement.Kind.ADDRESS_CHANGE,
            moved_on=today,
            community=Area.objects.get(code=COMMUNITY_B),
        ),
    )
    c.refresh_from_db()
    movement = transfer_request(
        actor=cast.district,
        person=c,
        to_area=Area.objects.get(code=COMMUNITY_A),
        moved_on=today,
        reason="",
    )
    transfer_accept(actor=officer, movement=movement)
    assert_summary_matches_live()

    # A merge: one file fewer.
    twin = create(cast.district, COMMUNITY_B, "丁海", occupation="vendor")
    c.refresh_from_db()
    person_merge(actor=officer, kept=c, merged=twin)
    assert_summary_matches_live()
    # Half a year later, the same summary: the verification has expired in both counts.
    assert_summary_matches_live(today + timedelta(days=200))


def test_it_counts_an_excel_import_and_the_seed(cast, settings, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_bytes(good_rows(6)))
    call_command("import_ledger", str(path), "--community", COMMUNITY_A, stdout=io.StringIO())
    assert AreaSummary.objects.get(area_code=COMMUNITY_A, dimension="total").count == 6
    assert_summary_matches_live()
    settings.DEBUG = True  # the demo ledger refuses to run otherwise
    call_command("seed_ledger", "--count", "60", stdout=io.StringIO())
    assert_summary_matches_live()


def test_an_import_of_new_files_adds_to_the_summary_it_had(cast, tmp_path: Path) -> None:
    """New files only: counted from the rows written (summary_add_counts), added to the
    community's rows; with a changed file in the ledger: the community is counted again."""
    create(cast.community_a, COMMUNITY_A, "马建国", occupation="vendor", address="东街1号")
    rows = good_rows(8)
    rows[1][6] = ""  # no origin
    rows[2][7] = ""  # no address
    rows[3][8] = ""  # no occupation
    rows[4][6] = "火星基地"  # an origin not in the national list: kept as text, still known
    rows[5][9] = "2019年11月2日"
    rows[6][2] = "维吾尔族"
    rows[7][4] = ""  # no ID number
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger_bytes(rows))
    call_command("import_ledger", str(path), "--community", COMMUNITY_A, stdout=io.StringIO())
    assert AreaSummary.objects.get(area_code=COMMUNITY_A, dimension="total").count == 9
    assert AreaSummary.objects.get(area_code=COMMUNITY_A, dimension="known").count == 5
    assert_summary_matches_live()
    # The same ledger with one changed occupation and two more rows: an update and creations.
    rows[0][8] = "建筑工地"
    rows += good_rows(2, start=100)
    path.write_bytes(ledger_bytes(rows))
    call_command("import_ledger", str(path), "--community", COMMUNITY_A, stdout=io.StringIO())
    # 9 + 2 new + the row without an ID number, which nothing can match: created again.
    assert AreaSummary.objects.get(area_code=COMMUNITY_A, dimension="total").count == 12
    assert_summary_matches_live()


def test_it_rebuilds_the_summary_from_the_command(cast) -> None:
    create(cast.community_a, COMMUNITY_A, "马建国")
    AreaSummary.objects.all().delete()
    Person.objects.filter(area_code=COMMUNITY_A).update(occupation="transport")  # raw write
    out = io.StringIO()
    call_command("rebuild_ledger_summary", stdout=out)
    assert "rebuilt" in out.getvalue()
    assert AreaSummary.objects.get(area_code=COMMUNITY_A, dimension="occupation").key == "transport"
    assert_summary_matches_live()


def test_it_drops_a_community_left_empty(cast) -> None:
    person = create(cast.community_a, COMMUNITY_A, "马建国")
    Person.objects.filter(pk=person.pk).delete()  # raw delete, then the refresh an action does
    summary_refresh_communities([COMMUNITY_A])
    assert not AreaSummary.objects.filter(area_code=COMMUNITY_A).exists()
