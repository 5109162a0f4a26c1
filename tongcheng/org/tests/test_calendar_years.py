"""The working calendar's years list: from the package, entered, or missing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongcheng.conftest import CAST
from tongcheng.org.models import CalendarDay
from tongcheng.org.workcalendar import EnteredDay, calendar_year_save

pytestmark = pytest.mark.django_db

URL = reverse("org:calendar_years")
ADMINS = ("city_admin", "sys_admin")


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("username", [u for u in CAST if u not in ADMINS])
def test_it_refuses_every_other_role(cast: Any, username: str) -> None:
    assert cast.client(username).get(URL).status_code == 403


@pytest.mark.parametrize("username", ADMINS)
def test_it_shows_the_years_to_the_administrators(cast: Any, username: str) -> None:
    response = cast.client(username).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "工作日历" in page and "2004–2026" in page
    assert "08:30–12:00, 14:30–17:30" in page
    assert f'href="{URL}"' in page  # the menu entry


def test_it_says_that_next_year_is_missing(cast: Any) -> None:
    today = timezone.localdate()
    if today.year + 1 < 2027:
        pytest.skip("the package covers next year")
    page = cast.client("city_admin").get(URL).content.decode()
    assert f"缺少 {today.year + 1} 年" in page
    assert reverse("org:calendar_year_edit", kwargs={"year": today.year + 1}) in page


def test_it_names_who_entered_a_year_and_the_notice(
    cast: Any, django_assert_num_queries: Any
) -> None:
    days = [EnteredDay(date(2027, 1, 1), CalendarDay.Kind.HOLIDAY, "元旦")]
    calendar_year_save(actor=cast.city_admin, year=2027, notice="国办发明电〔2026〕99号", days=days)
    client = cast.client("sys_admin")
    client.get(URL)  # the session and the account are read once before counting
    # The session, the account, its memberships; the request's savepoint and its release; the
    # entered years with their day counts and who entered them; the calendar's version check
    # (for the working hours shown).
    with django_assert_num_queries(7):
        response = client.get(URL)
    page = response.content.decode()
    assert "国办发明电〔2026〕99号" in page and "city_admin" in page and "已录入" in page


def test_it_shows_the_menu_entry_to_administrators_only(cast: Any) -> None:
    home = cast.client("district").get(reverse("home")).content.decode()
    assert f'href="{URL}"' not in home
