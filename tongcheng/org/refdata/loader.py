"""Load the shipped reference data into the database, idempotently and in bulk.

Every loader matches rows by their natural key (code, or area + order/kind), creates the missing
ones, updates changed names/texts and never deletes: reference rows may be referenced by records
(memberships, cases …) that PROTECT them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import models, transaction

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

CITY_AREA_CODE = "140400000000"
AREA_LEVEL_ORDER = ["city", "district", "street", "community"]
REGION_LEVEL_ORDER = ["province", "prefecture", "county"]


@dataclass
class LoadResult:
    table: str
    total: int
    created: int = 0
    updated: int = 0
    note: str = ""

    def summary(self) -> str:
        line = f"{self.table}: {self.total} in data, {self.created} created, {self.updated} updated"
        return f"{line}, {self.note}" if self.note else line


def read_csv(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_json(name: str, data_dir: Path = DATA_DIR) -> Any:
    with (data_dir / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _sync[M: models.Model](
    model: type[M],
    wanted: dict[Any, dict[str, Any]],
    existing: dict[Any, M],
    fields: list[str],
    make: Callable[[dict[str, Any]], M],
) -> tuple[int, int]:
    """Create missing rows, update changed ``fields``; return (created, updated)."""
    to_create = [make(values) for key, values in wanted.items() if key not in existing]
    to_update: list[M] = []
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            continue
        changed = False
        for field in fields:
            if getattr(obj, field) != values[field]:
                setattr(obj, field, values[field])
                changed = True
        if changed:
            to_update.append(obj)
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        model._default_manager.bulk_update(to_update, fields, batch_size=500)
    return len(to_create), len(to_update)


def load_areas(rows: Iterable[dict[str, str]]) -> LoadResult:
    rows = list(rows)
    result = LoadResult("areas", len(rows))
    existing = Area.objects.in_bulk(field_name="code")
    # Parents before children: one level at a time, so every parent has its pk when needed.
    for level in AREA_LEVEL_ORDER:
        ids = dict(Area.objects.values_list("code", "pk"))
        wanted = {
            r["code"]: {
                "code": r["code"],
                "name": r["name"],
                "level": r["level"],
                "parent_id": ids[r["parent_code"]] if r["parent_code"] else None,
            }
            for r in rows
            if r["level"] == level
        }
        created, updated = _sync(
            Area, wanted, existing, ["name", "level", "parent_id"], lambda v: Area(**v)
        )
        result.created += created
        result.updated += updated
    return result


def load_regions(rows: Iterable[dict[str, str]]) -> LoadResult:
    rows = sorted(rows, key=lambda r: REGION_LEVEL_ORDER.index(r["level"]))
    wanted = {
        r["code"]: {
            "code": r["code"],
            "name": r["name"],
            "level": r["level"],
            "parent_id": r["parent_code"] or None,
        }
        for r in rows
    }
    existing = Region.objects.in_bulk()
    created, updated = _sync(
        Region, wanted, existing, ["name", "level", "parent_id"], lambda v: Region(**v)
    )
    return LoadResult("regions", len(wanted), created, updated)


def load_ethnicities(rows: Iterable[dict[str, str]]) -> LoadResult:
    wanted = {
        r["code"]: {
            "code": r["code"],
            "name": r["name"],
            "romanized": r["romanized"],
            "order": int(r["order"]),
        }
        for r in rows
    }
    existing = Ethnicity.objects.in_bulk()
    created, updated = _sync(
        Ethnicity, wanted, existing, ["name", "romanized", "order"], lambda v: Ethnicity(**v)
    )
    return LoadResult("ethnicities", len(wanted), created, updated)


def load_categories(rows: Iterable[dict[str, str]]) -> LoadResult:
    wanted = {
        r["code"]: {"code": r["code"], "name": r["name"], "order": int(r["order"])} for r in rows
    }
    existing = ServiceCategory.objects.in_bulk(field_name="code")
    created, updated = _sync(
        ServiceCategory, wanted, existing, ["name", "order"], lambda v: ServiceCategory(**v)
    )
    return LoadResult("service categories", len(wanted), created, updated)


def _district_duties(city_duties: str, district_name: str) -> str:
    """A district/county unit does the city unit's work within its own area (plan, section 二)."""
    scope = "本县" if district_name.endswith("县") else "本区"
    return f"在{scope}范围内,{city_duties}"


def department_rows(spec: dict[str, Any], districts: Iterable[Area]) -> list[dict[str, Any]]:
    """City units from the spec, then the counterpart units of every district/county."""
    rows: list[dict[str, Any]] = []
    for order, unit in enumerate(spec["units"], start=1):
        rows.append(
            {
                "code": f"city-{unit['suffix']}",
                "name": unit["name"],
                "full_name": unit["full_name"],
                "area_code": CITY_AREA_CODE,
                "duties": unit["duties"],
                "is_lead": unit["is_lead"],
                "order": order,
                "categories": unit["categories"],
            }
        )
    for district in districts:
        for order, unit in enumerate(spec["units"], start=1):
            rows.append(
                {
                    "code": f"{district.code[:6]}-{unit['suffix']}",
                    "name": unit["district_name"].format(d=district.name),
                    "full_name": unit["district_full_name"].format(d=district.name),
                    "area_code": district.code,
                    "duties": _district_duties(unit["duties"], district.name),
                    "is_lead": unit["is_lead"],
                    "order": order,
                    "categories": unit["categories"],
                }
            )
    return rows


def load_departments(rows: list[dict[str, Any]]) -> LoadResult:
    area_ids = dict(
        Area.objects.filter(code__in={r["area_code"] for r in rows}).values_list("code", "pk")
    )
    fields = ["name", "full_name", "area_id", "duties", "is_lead", "order"]
    wanted = {
        r["code"]: {"code": r["code"], "area_id": area_ids[r["area_code"]]}
        | {f: r[f] for f in fields if f != "area_id"}
        for r in rows
    }
    existing = Department.objects.in_bulk(field_name="code")
    created, updated = _sync(Department, wanted, existing, fields, lambda v: Department(**v))
    # Category links are only added: a link set by hand is not reference data's to remove.
    dept_ids = dict(Department.objects.filter(code__in=wanted).values_list("code", "pk"))
    cat_ids = dict(ServiceCategory.objects.values_list("code", "pk"))
    through = Department.categories.through
    have = set(through.objects.values_list("department_id", "servicecategory_id"))
    missing = [
        (dept_ids[r["code"]], cat_ids[c])
        for r in rows
        for c in r["categories"]
        if (dept_ids[r["code"]], cat_ids[c]) not in have
    ]
    through.objects.bulk_create(
        [through(department_id=d, servicecategory_id=c) for d, c in missing], batch_size=500
    )
    return LoadResult(
        "departments", len(wanted), created, updated, f"{len(missing)} category links added"
    )


def load_leading_group(rows: Iterable[dict[str, str]]) -> LoadResult:
    city = Area.objects.get(code=CITY_AREA_CODE)
    dept_ids = dict(Department.objects.filter(area=city).values_list("code", "pk"))
    # holder_name is never part of reference data: the plan's people are not stored.
    wanted = {
        int(r["order"]): {
            "area_id": city.pk,
            "order": int(r["order"]),
            "position": r["position"],
            "post": r["post"],
            "department_id": dept_ids[r["department_code"]] if r["department_code"] else None,
        }
        for r in rows
    }
    existing = {p.order: p for p in LeadingGroupPosition.objects.filter(area=city)}
    created, updated = _sync(
        LeadingGroupPosition,
        wanted,
        existing,
        ["position", "post", "department_id"],
        lambda v: LeadingGroupPosition(**v),
    )
    return LoadResult("leading group seats", len(wanted), created, updated)


def load_service_points(rows: Iterable[dict[str, str]]) -> LoadResult:
    """The initial service points, once: afterwards administrators own them (edits stay)."""
    rows = list(rows)
    if ServicePoint.objects.exists():
        return LoadResult("service points", len(rows), 0, 0)
    area_ids = dict(
        Area.objects.filter(code__in={r["area_code"] for r in rows}).values_list("code", "pk")
    )
    wanted = {
        (area_ids[r["area_code"]], r["kind"]): {
            "area_id": area_ids[r["area_code"]],
            "kind": r["kind"],
            "name": r["name"],
        }
        for r in rows
    }
    existing = {
        (p.area_id, p.kind): p for p in ServicePoint.objects.filter(area_id__in=area_ids.values())
    }
    created, updated = _sync(ServicePoint, wanted, existing, ["name"], lambda v: ServicePoint(**v))
    return LoadResult("service points", len(wanted), created, updated)


def load_rollout(rows: Iterable[dict[str, str]]) -> LoadResult:
    """The plan's rollout stages, once: afterwards administrators own them (edits stay)."""
    rows = list(rows)
    if RolloutStage.objects.exists():
        return LoadResult("rollout stages", len(rows), 0, 0)
    area_ids = dict(
        Area.objects.filter(code__in={r["area_code"] for r in rows}).values_list("code", "pk")
    )
    wanted = {
        area_ids[r["area_code"]]: {
            "area_id": area_ids[r["area_code"]],
            "stage": r["stage"],
            "since": date.fromisoformat(r["since"]),
            "basis": r["basis"],
        }
        for r in rows
    }
    existing = {s.area_id: s for s in RolloutStage.objects.filter(area_id__in=wanted)}
    created, updated = _sync(
        RolloutStage, wanted, existing, ["stage", "since", "basis"], lambda v: RolloutStage(**v)
    )
    return LoadResult("rollout stages", len(wanted), created, updated)


@transaction.atomic
def load_all(data_dir: Path = DATA_DIR) -> list[LoadResult]:
    """Everything, in foreign-key order, in one transaction."""
    results = [
        load_areas(read_csv("areas.csv", data_dir)),
        load_regions(read_csv("regions.csv", data_dir)),
        load_ethnicities(read_csv("ethnicities.csv", data_dir)),
        load_categories(read_csv("categories.csv", data_dir)),
    ]
    districts = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code")
    results.append(
        load_departments(department_rows(read_json("departments.json", data_dir), districts))
    )
    results.append(load_leading_group(read_csv("leading_group.csv", data_dir)))
    results.append(load_service_points(read_csv("service_points.csv", data_dir)))
    results.append(load_rollout(read_csv("rollout.csv", data_dir)))
    return results
