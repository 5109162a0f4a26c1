"""What the case list and the inbox show: their rows, sections, order and pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from tongcheng.cases import selectors
from tongcheng.cases.models import Case, CaseUnit, State, Urgency
from tongcheng.cases.tests.factories import open_case
from tongcheng.org.models import Department
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db


def _dispatched(cast: Any, n: int, **changes: Any) -> list[Case]:
    lead = Department.objects.get(code="city-hrss")
    cases = []
    for _ in range(n):
        case = open_case(cast.community_a, cast.areas["community_a"], **changes)
        move = reverse("cases:case_move", args=[case.pk, "dispatch"])
        cast.client("district").post(move, {"version": case.version, "lead": lead.pk})
        cases.append(Case.objects.get(pk=case.pk))
    return cases


def _due(case: Case, due: Any, **changes: Any) -> None:
    Case.objects.filter(pk=case.pk).update(due_at=due, **changes)
    CaseUnit.objects.filter(case=case).update(due_at=due)


def test_the_inbox_sorts_a_units_cases_into_its_sections_by_deadline(cast: Any) -> None:
    waiting, late, soon, reopened, later = _dispatched(cast, 5)
    for case in (late, soon, reopened, later):
        move = reverse("cases:case_move", args=[case.pk, "sign"])
        cast.client("liaison").post(move, {"version": Case.objects.get(pk=case.pk).version})
    now = timezone.now()
    _due(late, now - timedelta(hours=3))
    _due(soon, now + timedelta(minutes=5))
    _due(reopened, now + timedelta(days=30), state=State.REOPENED)
    _due(later, now + timedelta(days=20))
    _due(waiting, now + timedelta(days=40))
    user = cast.liaison
    sections = {s.key: [row.pk for row in s.rows] for s in selectors.inbox_sections(user).sections}
    assert sections == {
        "to_sign": [waiting.pk], "overdue": [late.pk], "due_soon": [soon.pk],
        "reopened": [reopened.pk], "in_progress": [later.pk],
    }  # fmt: skip
    (row,) = next(s for s in selectors.inbox_sections(user).sections if s.key == "overdue").rows
    shown = timezone.localtime(now - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    assert (row.name, row.number, row.due, row.service) == (
        "马*梅",
        late.number,
        shown,
        "求职登记与职业介绍",
    )
    assert row.url == reverse("cases:case_detail", args=[late.pk]) and not row.urgent
    page = cast.client("liaison").get(reverse("cases:inbox")).content.decode()
    assert f'value="{waiting.pk}:{Case.objects.get(pk=waiting.pk).version}"' in page
    assert (
        f'href="{row.url}"' in page and f"{late.number} · 和平社区居委会" in page and shown in page
    )


def test_the_inbox_names_a_file_in_full_and_marks_an_urgent_case(cast: Any) -> None:
    person = make_person("140403001001", name="阿依古丽")
    (case,) = _dispatched(cast, 1, person=person, urgency=Urgency.URGENT)
    ((row,), *_rest) = [s.rows for s in selectors.inbox_sections(cast.liaison).sections if s.rows]
    assert (row.pk, row.name, row.urgent) == (case.pk, "阿依古丽", True)
    assert "阿依古丽" in cast.client("liaison").get(reverse("cases:inbox")).content.decode()


def test_the_inbox_shows_a_units_first_cases_by_deadline(cast: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(selectors, "INBOX_SIZE", 3)
    cases = _dispatched(cast, 5)
    now = timezone.now()
    for days, case in zip([5, 1, 4, 2, 3], cases, strict=True):
        _due(case, now + timedelta(days=days))
    inbox = selectors.inbox_sections(cast.liaison)
    (to_sign, *_rest) = inbox.sections
    assert [row.pk for row in to_sign.rows] == [cases[1].pk, cases[3].pk, cases[4].pk]
    assert inbox.more is True
    page = cast.client("liaison").get(reverse("cases:inbox")).content.decode()
    assert "期限最近的 3 件" in page and reverse("cases:case_list") in page
    monkeypatch.setattr(selectors, "INBOX_SIZE", 5)
    assert selectors.inbox_sections(cast.liaison).more is False


def test_the_list_pages_newest_first_with_its_filters(cast: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    cases = _dispatched(cast, 5)
    start = timezone.now() - timedelta(days=10)
    for k, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(received_at=start + timedelta(days=k))
    user = cast.district

    def page(query: str) -> tuple[list[int], bool]:
        found = selectors.case_page(user, selectors.ListFilters.from_query(QueryDict(query)))
        return [case.pk for case in found.items], found.has_next

    newest = [case.pk for case in reversed(cases)]
    assert page("") == (newest[:2], True)
    assert page("page=2") == (newest[2:4], True)
    assert page("page=3") == (newest[4:], False)
    _due(cases[1], timezone.now() - timedelta(hours=1))
    _due(cases[3], timezone.now() - timedelta(hours=2))
    assert page("overdue=1&state=dispatched&service=job-seeking") == (
        [cases[3].pk, cases[1].pk],
        False,
    )
    assert page("overdue=1&page=2") == ([], False)
    assert page("service=legal-aid") == ([], False)
    body = cast.client("district").get(reverse("cases:case_list")).content.decode()
    row = selectors.row_of(Case.objects.get(pk=cases[3].pk))
    assert f'href="{row.url}"' in body and f"{row.number} · 和平社区居委会 · " in body
    assert row.due and row.due in body and row.overdue
