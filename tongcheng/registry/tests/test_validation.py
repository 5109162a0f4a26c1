"""validate_person: the one validation of the form, the API and the import."""

from __future__ import annotations

import time
from datetime import date

import pytest

from tongcheng.lib.idnumber import make_id_number
from tongcheng.registry.validation import ReferenceCache, reference_cache, validate_person

TODAY = date(2024, 6, 1)
ID = make_id_number("622924", date(1990, 5, 6), 7, "female")


@pytest.fixture
def refs(db: None) -> ReferenceCache:
    # The process-wide cache: reference data is loaded once per test run (conftest).
    return reference_cache()


def check(refs: ReferenceCache, **raw: object):  # type: ignore[no-untyped-def]
    return validate_person({"name": "马晓梅", "ethnicity": "回族", **raw}, refs=refs, today=TODAY)


def codes(issues: list) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(issue.field, issue.code) for issue in issues}


def test_it_normalises_a_full_row(refs: ReferenceCache) -> None:
    data, errors, warnings = check(
        refs,
        name="马 晓梅",
        id_number=ID.lower()[:-1] + ID[-1].lower(),
        sex="女",
        phone="138 1234 5678",
        origin="甘肃省临夏回族自治州广河县三甲集镇",
        address="东街1号",
        occupation="开拉面馆",
        arrival_date="2014.3.5",
        permit_number="x 123",
        permit_issued="2015年1月1日",
        permit_expires="201801",
        credit_code="",
    )
    assert errors == [] and warnings == []
    assert data is not None
    assert data.name == "马晓梅" and data.ethnicity_code == "03"
    assert data.id_number == ID and data.sex == "female" and data.birth_date == date(1990, 5, 6)
    assert data.phone == "13812345678"
    assert data.origin_region_code == "622924"
    assert data.origin_text.startswith("甘肃省")
    assert data.occupation == "noodle_restaurant" and data.occupation_text == "开拉面馆"
    assert data.arrived_on == date(2014, 3, 5)
    assert data.permit_kind == "residence" and data.permit_number == "X123"
    assert data.permit_expires_on == date(2018, 1, 1)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("甘肃临夏", "622900"),
        ("临夏广河", "622924"),
        ("宁夏同心", "640324"),
        ("青海省西宁市城东区", "630102"),
        ("北京市东城区", "110101"),
        ("河南", "410000"),
        ("内蒙古赤峰", "150400"),
        ("630102", "630102"),
    ],
)
def test_it_matches_origins_to_the_most_specific_region(
    refs: ReferenceCache, text: str, code: str
) -> None:
    data, errors, _ = check(refs, origin=text)
    assert errors == [] and data is not None
    assert data.origin_region_code == code


def test_it_keeps_an_unknown_origin_as_text_with_a_warning(refs: ReferenceCache) -> None:
    data, _errors, warnings = check(refs, origin="火星")
    assert data is not None and data.origin_region_code == "" and data.origin_text == "火星"
    assert codes(warnings) == {("origin", "unknown_place")}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("回", "03"),
        ("维族", "05"),
        ("维吾尔", "05"),
        ("蒙古族", "02"),
        ("05", "05"),
        ("未申报", "00"),
    ],
)
def test_it_accepts_ethnicity_variants(refs: ReferenceCache, value: str, code: str) -> None:
    data, errors, _ = check(refs, ethnicity=value)
    assert errors == [] and data is not None and data.ethnicity_code == code


def test_it_requires_name_and_ethnicity(refs: ReferenceCache) -> None:
    data, errors, _ = validate_person({}, refs=refs, today=TODAY)
    assert data is None
    assert codes(errors) == {("name", "required"), ("ethnicity", "required")}


def test_it_refuses_an_unknown_ethnicity(refs: ReferenceCache) -> None:
    _, errors, _ = check(refs, ethnicity="火星族")
    assert codes(errors) == {("ethnicity", "unknown")}


def test_it_accepts_names_with_a_middle_dot(refs: ReferenceCache) -> None:
    data, errors, _ = check(refs, name="买买提 ・ 艾力", ethnicity="维吾尔族")
    assert errors == [] and data is not None and data.name == "买买提·艾力"


def test_it_reports_a_wrong_check_digit(refs: ReferenceCache) -> None:
    wrong = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    data, errors, _ = check(refs, id_number=wrong)
    assert data is None and codes(errors) == {("id_number", "check_digit")}
    assert "ID number" in errors[0].message or "身份" in errors[0].message


def test_it_warns_about_an_area_code_newer_than_the_birth_year(refs: ReferenceCache) -> None:
    # 140403 (潞州区) was created in 2018; someone born in 1990 could not get it at birth.
    number = make_id_number("140403", date(1990, 1, 1), 1, "male")
    data, errors, warnings = check(refs, id_number=number)
    assert errors == [] and data is not None
    assert ("id_number", "area_newer_than_birth") in codes(warnings)


def test_it_names_both_fields_when_sex_or_birth_conflicts_with_the_id(
    refs: ReferenceCache,
) -> None:
    _, errors, _ = check(refs, id_number=ID, sex="男", birth_date="1991-01-01")
    assert codes(errors) == {
        ("sex", "conflicts_with_id_number"),
        ("birth_date", "conflicts_with_id_number"),
    }


def test_it_takes_entered_sex_and_birth_without_an_id(refs: ReferenceCache) -> None:
    data, errors, _ = check(refs, sex="男", birth_date="1985年2月3日")
    assert errors == [] and data is not None
    assert (data.sex, data.birth_date) == ("male", date(1985, 2, 3))


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        ({"phone": "12345"}, "phone", "mobile"),
        ({"credit_code": "91140400MA0GRXXX"}, "credit_code", "length"),
        ({"arrival_date": "2099-01-01"}, "arrival_date", "future"),
        ({"arrival_date": "soon"}, "arrival_date", "unrecognized"),
        (
            {"permit_issued": "2020-01-01", "permit_expires": "2019-01-01"},
            "permit_expires",
            "before_issue",
        ),
        ({"sex": "?"}, "sex", "invalid"),
        ({"name": "马1"}, "name", "characters"),
    ],
)
def test_it_reports_bad_fields_by_name(
    refs: ReferenceCache, raw: dict[str, str], field: str, code: str
) -> None:
    data, errors, _ = check(refs, **raw)
    assert data is None
    assert (field, code) in codes(errors)


@pytest.mark.parametrize(
    ("text", "category", "details"),
    [
        ("拉面", "noodle_restaurant", ""),
        ("工地干活", "construction", "工地干活"),
        ("出租车司机", "transport", "出租车司机"),
        ("学生", "student", ""),
        ("卖水果的", "other", "卖水果的"),
        ("vendor", "vendor", ""),
    ],
)
def test_it_maps_occupation_words(
    refs: ReferenceCache, text: str, category: str, details: str
) -> None:
    data, _, _ = check(refs, occupation=text)
    assert data is not None
    assert (data.occupation, data.occupation_text) == (category, details)


def test_it_validates_many_rows_per_second(refs: ReferenceCache) -> None:
    rows = [
        {
            "name": "马晓梅",
            "ethnicity": "回族",
            "id_number": make_id_number("622924", date(1980, 1, 1), i % 500, "female"),
            "phone": f"1381234{i % 10000:04d}",
            "origin": "甘肃临夏",
            "address": f"东街{i}号",
            "occupation": "拉面",
            "arrival_date": "2014.3.5",
        }
        for i in range(5000)
    ]
    start = time.perf_counter()
    for row in rows:
        validate_person(row, refs=refs, today=TODAY)
    rate = len(rows) / (time.perf_counter() - start)
    # The import's budget is > 20k rows/s on this machine; allow for slow CI machines.
    assert rate > 5000
