"""Export of the ledger: layout, masking, formula neutralisation, scope, audit, identified."""

from __future__ import annotations

import csv
import io

import pytest
import python_calamine
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.ledger.export import neutralise
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/registry/export/"
ID_A = "622924198001010019"


def _xlsx_rows(response) -> list[list[object]]:
    data = b"".join(response.streaming_content)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return list(book.get_sheet_by_index(0).iter_rows())


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def ledger(cast):
    make_person(
        "140403001001",
        name="马晓梅",
        id_number=ID_A,
        phone="13812345678",
        address="东街12号",
        employer='=HYPERLINK("http://evil","x")',
    )
    make_person("140403001001", name="白玉兰", address="+1 东街", origin_region="622924")
    make_person("140403002001", name="马建国")  # community_b: not community_a's
    make_person("140404001001", name="丁海")  # another district
    return cast


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_refuses_roles_without_the_ledger(cast) -> None:
    for username in ("leader", "hotline", "volunteer"):
        assert cast.client(username).get(URL).status_code == 403


def test_it_shows_the_form_without_the_identified_option_to_a_community(cast) -> None:
    response = cast.client("community_a").get(URL)
    assert response.status_code == 200
    assert "identified" not in response.context["form"].fields
    assert 'name="identified"' not in response.content.decode()


def test_it_offers_the_identified_option_to_the_district(cast) -> None:
    response = cast.client("district").get(URL)
    assert "identified" in response.context["form"].fields


def test_it_lets_the_read_only_inspector_export_masked(ledger) -> None:
    response = ledger.client("inspector").post(URL, {"format": "csv"})
    assert response.status_code == 200


def test_it_exports_the_usual_xlsx_layout_masked_and_audited(ledger) -> None:
    response = ledger.client("community_a").post(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = _xlsx_rows(response)
    assert "少数民族流动人口信息台账" in rows[0][0] or "ledger" in rows[0][0]
    assert "和平社区" in rows[1][0]
    assert rows[2][:3] == ["序号", "姓名", "民族"]
    data = rows[3:]
    assert [row[1] for row in data] == ["白玉兰", "马晓梅"]  # by pinyin, scoped to community_a
    ma = data[1]
    # The region code only, and the birth date as year and month: the day would complete it.
    assert ma[4] == "1980-01"
    assert ma[5] == "622924************"
    assert ma[6] == "138****5678"
    assert ma[9] == "东街12号"
    assert ma[11] == '\'=HYPERLINK("http://evil","x")'
    assert data[0][9] == "'+1 东街"
    assert data[0][7].startswith("甘肃省")
    event = AuditEvent.objects.get(action="person.export")
    assert event.user_id == ledger.community_a.pk
    assert event.detail["rows"] == 2
    assert event.detail["identified"] is False
    assert event.detail["format"] == "xlsx"
    assert "13812345678" not in str(event.detail)


def test_it_streams_csv_masked_with_formulas_neutralised(ledger) -> None:
    response = ledger.client("street").post(URL, {"format": "csv"})
    assert response.streaming
    rows = _csv_rows(response)
    assert rows[0][:2] == ["序号", "姓名"]
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"白玉兰", "马晓梅"}  # the street holds community_a only
    assert by_name["马晓梅"][4] == "1980-01"
    assert by_name["马晓梅"][5] == "622924************"
    assert by_name["马晓梅"][11].startswith("'=")
    assert AuditEvent.objects.get(action="person.export").detail["rows"] == 2


def test_it_filters_by_area(ledger) -> None:
    response = ledger.client("district").post(URL, {"format": "csv", "area": "140403002001"})
    rows = _csv_rows(response)
    assert [row[1] for row in rows[1:]] == ["马建国"]
    event = AuditEvent.objects.get(action="person.export")
    assert event.detail["filters"] == ["area"]
    assert event.area_code == "140403002001"


def test_it_refuses_an_area_outside_the_scope(ledger) -> None:
    response = ledger.client("community_a").post(URL, {"format": "csv", "area": "140404001001"})
    assert response.status_code == 200
    assert response.context["form"].errors["area"]
    assert not AuditEvent.objects.filter(action="person.export").exists()


def test_it_refuses_an_identified_export_without_the_role(ledger) -> None:
    response = ledger.client("community_a").post(
        URL, {"format": "csv", "identified": "on", "reason": "走访"}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="person.export").exists()
    assert AuditEvent.objects.filter(
        user_id=ledger.community_a.pk, outcome="denied", object_type="export"
    ).exists()


def test_it_needs_a_reason_for_an_identified_export(ledger) -> None:
    response = ledger.client("district").post(URL, {"format": "csv", "identified": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not AuditEvent.objects.filter(action="person.export").exists()


def test_it_exports_full_numbers_with_the_role_and_a_reason(ledger) -> None:
    response = ledger.client("district").post(
        URL, {"format": "csv", "identified": "on", "reason": "法律援助核对"}
    )
    rows = _csv_rows(response)
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"白玉兰", "马晓梅", "马建国"}
    assert by_name["马晓梅"][4] == "1980-01-01"
    assert by_name["马晓梅"][5] == ID_A
    assert by_name["马晓梅"][6] == "13812345678"
    event = AuditEvent.objects.get(action="person.export")
    assert event.detail["identified"] is True
    assert event.detail["rows"] == 3
    assert event.reason == "法律援助核对"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("|cmd", "'|cmd"),
        ("%0A", "'%0A"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("马晓梅", "马晓梅"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_it_neutralises_formula_starts(value: str, expected: str) -> None:
    assert neutralise(value) == expected
