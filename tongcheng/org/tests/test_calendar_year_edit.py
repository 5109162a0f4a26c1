"""Entering or editing a year of the working calendar: lines, preview, save, refusals."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import CAST
from tongcheng.org.calendar_forms import days_to_lines, parse_day_lines
from tongcheng.org.models import CalendarDay, CalendarYear
from tongcheng.org.workcalendar import EnteredDay, calendar_changed, current_calendar

pytestmark = pytest.mark.django_db

URL = reverse("org:calendar_year_edit", kwargs={"year": 2027})
ADMINS = ("city_admin", "sys_admin")
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"
LINES = """
# 元旦
2027-01-01 元旦 休
2027-02-11..2027-02-17 春节 休
2027-02-07 春节 班
2027-02-20 春节 班
"""


def preview(client: Client, lines: str = LINES, notice: str = NOTICE) -> Any:
    return client.post(URL, {"notice": notice, "lines": lines, "preview": ""})


def checked_of(response: Any) -> str:
    found = re.search(r'name="checked" value="([0-9a-f]{64})"', response.content.decode())
    assert found, "the preview carries the digest of what it showed"
    return found.group(1)


def save(client: Client, checked: str, lines: str = LINES, notice: str = NOTICE) -> Any:
    return client.post(URL, {"notice": notice, "lines": lines, "checked": checked, "save": ""})


# --- the ladder ----------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("username", [u for u in CAST if u not in ADMINS])
def test_it_refuses_every_other_role(cast: Any, username: str) -> None:
    client = cast.client(username)
    assert client.get(URL).status_code == 403
    assert preview(client).status_code == 403
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize("username", ADMINS)
def test_it_shows_the_empty_form_to_the_administrators(cast: Any, username: str) -> None:
    response = cast.client(username).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "录入 2027 年" in page and 'name="lines"' in page
    assert 'name="save"' not in page  # nothing to save before a preview


# --- preview, then save --------------------------------------------------------------------


def test_it_previews_without_saving(cast: Any) -> None:
    response = preview(cast.client("city_admin"))
    assert response.status_code == 200
    page = response.content.decode()
    # 261 Mondays to Fridays in 2027, 6 of the 8 holidays on weekdays, 2 make-up days.
    assert "放假 8 天，调休上班 2 天：2027 年共有 257 个工作日" in page
    assert "2027-02-20" in page and "星期六" in page and 'name="save"' in page
    assert not CalendarYear.objects.exists() and not AuditEvent.objects.exists()


def test_it_saves_what_was_previewed_and_audits_it(cast: Any) -> None:
    client = cast.client("city_admin")
    years: list[tuple[int, ...]] = []

    def receiver(**kwargs: Any) -> None:
        years.append(kwargs["years"])

    calendar_changed.connect(receiver)
    try:
        response = save(client, checked_of(preview(client)))
    finally:
        calendar_changed.disconnect(receiver)
    assert response.status_code == 302 and response["Location"] == reverse("org:calendar_years")
    entry = CalendarYear.objects.get(year=2027)
    assert (entry.notice, entry.entered_by.username, entry.version) == (NOTICE, "city_admin", 1)
    assert entry.days.filter(kind=CalendarDay.Kind.HOLIDAY).count() == 8
    assert list(entry.days.filter(kind=CalendarDay.Kind.WORKDAY).values_list("day", flat=True)) == [
        date(2027, 2, 7),
        date(2027, 2, 20),
    ]
    event = AuditEvent.objects.get(action="calendar_year.create")
    assert event.object_id == "2027" and event.role == "city_admin"
    assert years == [(2027,)]
    assert not current_calendar().add_working_days(date(2027, 2, 10), 1).provisional


def test_it_saves_nothing_that_was_not_previewed(cast: Any) -> None:
    client = cast.client("city_admin")
    checked = checked_of(preview(client))
    changed = LINES + "2027-04-05 清明节 休\n"
    response = save(client, checked, lines=changed)
    assert response.status_code == 200  # the new preview, with a word that it changed
    assert "预览之后内容又有改动" in response.content.decode()
    assert not CalendarYear.objects.exists()
    assert save(client, "0" * 64).status_code == 200
    assert not CalendarYear.objects.exists()
    assert save(client, checked_of(response), lines=changed).status_code == 302
    assert CalendarYear.objects.get().days.count() == 11


def test_it_edits_an_entered_year_from_its_own_lines(cast: Any) -> None:
    client = cast.client("sys_admin")
    save(client, checked_of(preview(client)))
    form = client.get(URL).content.decode()
    assert "修改 2027 年" in form
    assert "2027-02-11..2027-02-17 春节 休" in form and NOTICE in form
    fewer = LINES.replace("2027-02-20 春节 班\n", "")
    assert save(client, checked_of(preview(client, fewer)), lines=fewer).status_code == 302
    entry = CalendarYear.objects.get(year=2027)
    assert entry.version == 2 and entry.days.count() == 9
    event = AuditEvent.objects.get(action="calendar_year.update")
    assert (event.detail["days_added"], event.detail["days_removed"]) == (0, 1)
    assert current_calendar().is_working_day(date(2027, 2, 20)).value is False


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("2027-01-01 元旦", "第 1 行：“2027-01-01 元旦”不是“日期 名称 休”或“日期 名称 班”。"),
        ("2027-13-01 元旦 休", "第 1 行：“2027-13-01”不是日期，请写成 2027-01-01 的样子。"),
        ("2027-01-01 元旦 假", "第 1 行：行末应为“休”（放假）或“班”（调休上班），而不是“假”。"),
        ("2027-01-01 元旦 休\n2027-02-08 春节 班", "第 2 行：2027-02-08 是工作日（周一至周五）"),
        ("2027-01-01 元旦 休\n\n2027-01-01 元旦 休", "第 3 行：2027-01-01 已在第 1 行给出。"),
        ("2027-02-11..2027-02-17 春节 休\n2027-02-13 春节 班", "第 2 行：2027-02-13 已在第 1 行"),
        ("2027-02-17..2027-02-11 春节 休", "第 1 行：日期范围的结束早于开始。"),
        ("2028-01-01 元旦 休", "第 1 行：2028-01-01 不在 2027 年内。"),
        ("2027-02-07 春节 班", "请填写该年的放假日期"),
    ],
)
def test_it_refuses_bad_lines_naming_the_line_and_writes_nothing(
    cast: Any, lines: str, message: str
) -> None:
    client = cast.client("city_admin")
    response = preview(client, lines)
    assert response.status_code == 400
    assert message in response.content.decode()
    # A save of the same lines (with any digest) is refused the same way; nothing half-written.
    assert save(client, "0" * 64, lines=lines).status_code == 400
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar_year").exists()


def test_it_lists_every_bad_line_at_once(cast: Any) -> None:
    lines = "2027-01-01 元旦 休\n2027-02-08 春节 班\nxx\n2027-01-01 元旦 休"
    page = preview(cast.client("city_admin"), lines).content.decode()
    assert "第 2 行" in page and "第 3 行" in page and "第 4 行" in page


@pytest.mark.parametrize("year", [2026, 2004, 2003])
def test_it_refuses_a_year_the_package_covers_or_no_deadline_needs(cast: Any, year: int) -> None:
    client = cast.client("city_admin")
    url = reverse("org:calendar_year_edit", kwargs={"year": year})
    response = client.get(url)
    assert response.status_code == 400
    assert 'name="lines"' not in response.content.decode()
    if year >= 2004:
        assert "chinese-calendar 软件包已包含 2004–2026 年" in response.content.decode()
    posted = client.post(url, {"notice": NOTICE, "lines": f"{year}-01-01 元旦 休", "preview": ""})
    assert posted.status_code == 400 and not CalendarYear.objects.exists()


def test_it_refuses_a_year_whose_notice_cannot_exist_yet(cast: Any) -> None:
    from django.utils import timezone

    far = timezone.localdate().year + 2
    response = cast.client("city_admin").get(
        reverse("org:calendar_year_edit", kwargs={"year": far})
    )
    assert response.status_code == 400
    assert "还无从得知" in response.content.decode()


# --- the lines, as properties --------------------------------------------------------------

YEAR_DAYS = st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31))
NAMES = st.sampled_from(["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"])


@st.composite
def entered_days(draw: st.DrawFn) -> list[EnteredDay]:
    days = draw(st.lists(YEAR_DAYS, min_size=1, max_size=40, unique=True))
    result = []
    for index, day in enumerate(sorted(days)):
        weekend = day.weekday() >= 5
        workday = index > 0 and weekend and draw(st.booleans())
        kind = CalendarDay.Kind.WORKDAY if workday else CalendarDay.Kind.HOLIDAY
        result.append(EnteredDay(day, kind, draw(NAMES)))
    return result


@given(entered_days())
def test_it_reads_back_the_lines_it_writes(days: list[EnteredDay]) -> None:
    assert parse_day_lines(days_to_lines(days), 2027) == days
