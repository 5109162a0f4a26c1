"""The dispatch desk (派单台): who opens it, what each section lists and counts, in a fixed
number of queries, and the home page's panel that counts the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tongcheng.audit.models import AuditEvent
from tongcheng.cases import desk
from tongcheng.cases.panels import case_todos
from tongcheng.cases.tests import deskcases
from tongcheng.cases.tests.factories import liaison

pytestmark = pytest.mark.django_db
URL = reverse("cases:desk")


def _section(response: Any, key: str) -> desk.DeskSection:
    return next(s for s in response.context["sections"] if s.key == key)


def _numbers(response: Any, key: str) -> list[str]:
    return [row.case.number for row in _section(response, key).rows]


def test_it_climbs_the_ladder_of_the_desk(cast: Any) -> None:
    case = deskcases.received(cast)
    assert Client().get(URL).status_code == 302
    for username in ("liaison", "community_a", "street", "leader", "inspector", "volunteer",
                     "representative", "sys_admin"):  # fmt: skip
        assert cast.client(username).get(URL).status_code == 403, username
    unit = Client()
    unit.force_login(liaison("140403-hrss"))
    assert unit.get(URL).status_code == 403  # a unit's liaison has the inbox
    for username in ("district", "city_admin", "hotline"):
        response = cast.client(username).get(URL)
        assert response.status_code == 200, username
        assert _numbers(response, "to_dispatch") == [case.number]
    # Another district's office: its desk, without this district's case.
    other = cast.client("other_district").get(URL)
    assert other.status_code == 200 and _numbers(other, "to_dispatch") == []
    events = AuditEvent.objects.filter(action="case.list", detail__page="desk")
    assert events.count() == 4
    assert events.filter(username="district").get().detail["ids"] == [case.pk]


def test_it_lists_every_section_for_the_deciding_office(cast: Any) -> None:
    listed = deskcases.circulated(cast)
    urged = deskcases.urged(cast)
    received = deskcases.received(cast)
    once = deskcases.returned(cast)
    twice = deskcases.returned(cast, times=2)
    asked = deskcases.asked_for_time(cast)
    watched = deskcases.supervised(cast)
    page = cast.client("district").get(URL)
    body = page.content.decode()
    assert _numbers(page, "to_dispatch") == [received.number]
    assert _numbers(page, "returns") == [once.number, twice.number]
    locked = [row.locked for row in _section(page, "returns").rows]
    assert locked == [False, True] and "首接负责制" in body
    assert _section(page, "returns").rows[1].unit == asked.department.name
    extension = _section(page, "extensions").rows[0]
    assert extension.case == asked.case and extension.note == "需要原籍地协查"
    assert asked.new_due.isoformat() in body
    assert _numbers(page, "supervised") == [watched.number]
    assert _section(page, "supervised").rows[0].note == "请三日内办结并反馈"
    assert _numbers(page, "urged") == [urged.number]
    assert _numbers(page, "circulated") == [listed.number]
    assert [s.count for s in page.context["sections"]] == [1, 2, 1, 1, 1, 1]
    for case in (received, once, twice, asked.case, watched, urged, listed):
        assert reverse("cases:case_detail", args=[case.pk]) in body


def test_it_shows_the_operator_only_what_they_may_dispatch(cast: Any) -> None:
    deskcases.received(cast)
    once = deskcases.returned(cast)
    deskcases.returned(cast, times=2)  # the office names the lead unit now
    deskcases.asked_for_time(cast)
    page = cast.client("hotline").get(URL)
    assert [s.key for s in page.context["sections"]] == ["to_dispatch", "returns"]
    assert _numbers(page, "returns") == [once.number]


def test_it_leaves_a_city_units_decisions_to_the_city_office(cast: Any) -> None:
    city = deskcases.asked_for_time(cast, deskcases.CITY_UNIT)
    district = deskcases.asked_for_time(cast)
    district_desk = cast.client("district").get(URL)
    assert [r.case for r in _section(district_desk, "extensions").rows] == [district.case]
    city_desk = cast.client("city_admin").get(URL)
    shown = {r.case.pk for r in _section(city_desk, "extensions").rows}
    assert shown == {city.case_id, district.case_id}


def test_it_drops_a_row_once_the_move_is_made(cast: Any) -> None:
    asked = deskcases.asked_for_time(cast)
    client = cast.client("district")
    assert _section(client.get(URL), "extensions").count == 1
    deskcases.decide(cast, asked)
    assert _section(client.get(URL), "extensions").count == 0


@pytest.mark.parametrize("n", [1, 4])
def test_it_shows_the_desk_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        deskcases.circulated(cast)
    for _ in range(n):
        deskcases.urged(cast)
        deskcases.received(cast)
        deskcases.returned(cast)
        deskcases.asked_for_time(cast)
        deskcases.supervised(cast)
    client = cast.client("district")
    client.get(URL)
    # session, account, memberships (the shell), savepoint, one query per section (to
    # dispatch, returns, extensions, supervised, 催办, 通报: 6), the audit event, release.
    with django_assert_num_queries(12):
        response = client.get(URL)
    counts = [section.count for section in response.context["sections"]]
    assert counts == [n] * 6


def test_it_counts_past_the_rows_it_shows(cast: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(desk, "DESK_ROWS", 2)
    for _ in range(3):
        deskcases.received(cast)
    section = _section(cast.client("district").get(URL), "to_dispatch")
    assert (len(section.rows), section.count, section.hidden) == (2, 3, 1)


def test_it_counts_the_desk_on_the_home_page(cast: Any) -> None:
    deskcases.received(cast)
    deskcases.asked_for_time(cast)
    with translation.override("en"):
        todos = {str(todo.label): (todo.count, todo.url) for todo in case_todos(cast.district)}
    assert todos["Cases to dispatch"] == (1, f"{URL}#to_dispatch")
    assert todos["Extensions to approve"] == (1, f"{URL}#extensions")
    home = cast.client("district").get(reverse("home")).content.decode()
    assert f'href="{URL}#to_dispatch"' in home and f'href="{URL}#circulated"' in home
    # The operator's panel has the dispatcher's lines only; a liaison's has the inbox's.
    operator = cast.client("hotline").get(reverse("home")).content.decode()
    assert f'href="{URL}#to_dispatch"' in operator and "#extensions" not in operator
    unit = cast.client("liaison").get(reverse("home")).content.decode()
    assert URL not in unit and reverse("cases:inbox") in unit


def test_it_offers_the_desk_in_the_menu_to_dispatchers_only(cast: Any) -> None:
    assert f'href="{URL}"' in cast.client("district").get(reverse("home")).content.decode()
    assert f'href="{URL}"' not in cast.client("liaison").get(reverse("home")).content.decode()
