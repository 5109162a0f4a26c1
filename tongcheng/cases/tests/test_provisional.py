"""The city office's list of provisional deadlines (暂定): the missing years, the link to enter
them, and the list emptied by entering the year on the working calendar's page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.cases.models import Case, Nature, TimeLimit, Urgency
from tongcheng.cases.provisional import missing_years
from tongcheng.cases.tests import deskcases
from tongcheng.cases.tests.factories import service
from tongcheng.org.workcalendar import current_calendar

pytestmark = pytest.mark.django_db
URL = reverse("cases:provisional")
ENTER_2027 = reverse("org:calendar_year_edit", args=[2027])


def _long_case(cast: Any) -> Case:
    """A job-seeking case with 40 working days to handle, dispatched today: into 2027."""
    TimeLimit.objects.create(
        nature=Nature.HELP, urgency=Urgency.NORMAL, service=service(),
        dispatch="1d", sign="1d", handle="40d", follow_up="1d",
    )  # fmt: skip
    case = deskcases.in_progress(cast)
    assert case.due_provisional and case.handle_due is not None
    assert case.handle_due.year == 2027
    return case


def _enter_2027(client: Client) -> Any:
    """Enter 2027 on the calendar's page as the administrator does: preview, then save."""
    data = {"notice": "国办发明电〔2026〕12号", "lines": "2027-01-01 元旦 休"}
    preview = client.post(ENTER_2027, data)
    checked = re.search(r'name="checked" value="([0-9a-f]{64})"', preview.content.decode())
    assert checked is not None
    return client.post(ENTER_2027, {**data, "checked": checked.group(1), "save": ""})


def test_it_climbs_the_ladder_of_the_list(cast: Any) -> None:
    assert Client().get(URL).status_code == 302
    for username in ("district", "hotline", "sys_admin", "liaison", "inspector", "leader"):
        assert cast.client(username).get(URL).status_code == 403, username
    assert cast.client("city_admin").get(URL).status_code == 200


def test_it_lists_the_case_and_empties_when_2027_is_entered(cast: Any) -> None:
    on_time = deskcases.in_progress(cast)  # 3 working days, before the longer limit was set
    case = _long_case(cast)
    client = cast.client("city_admin")
    page = client.get(URL)
    listing = page.context["listing"]
    assert [(row.case, row.missing) for row in listing.rows] == [(case, (2027,))]
    assert listing.years == [2027] and listing.count == 1
    body = page.content.decode()
    assert f'href="{ENTER_2027}"' in body and on_time.number not in body
    assert _enter_2027(client).status_code == 302
    # The save recomputed the deadline in its transaction: exact now, and off the list.
    fresh = Case.objects.get(pk=case.pk)
    assert not fresh.due_provisional and fresh.handle_due != case.handle_due
    after = client.get(URL)
    assert after.context["listing"].rows == [] and ENTER_2027 not in after.content.decode()


def test_it_names_the_years_a_stage_runs_through(cast: Any) -> None:
    on_time = deskcases.in_progress(cast)
    case = _long_case(cast)
    assert missing_years(case, current_calendar()) == (2027,)
    assert missing_years(on_time, current_calendar()) == ()


def test_it_counts_them_on_the_city_offices_home_page(cast: Any) -> None:
    _long_case(cast)
    home = cast.client("city_admin").get(reverse("home")).content.decode()
    assert f'href="{URL}"' in home
    assert f'href="{URL}"' not in cast.client("district").get(reverse("home")).content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_it_shows_the_list_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    _long_case(cast)
    for _ in range(n - 1):
        deskcases.in_progress(cast)  # the service's limit holds: each is provisional
    client = cast.client("city_admin")
    client.get(URL)
    # session, account, memberships (the shell), savepoint, the calendar's version check, the
    # rows with their count, release.
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert response.context["listing"].count == n
