"""The "due this week" notices: each due representative announced once per week to its officer,
however often the job runs; the home page's panel counts the officer's due ones."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tongcheng.engagement.jobs import announce_due_week
from tongcheng.engagement.panels import engagement_todos
from tongcheng.engagement.tests.factories import appoint, talk
from tongcheng.notify.models import Notification

pytestmark = pytest.mark.django_db


def test_it_announces_each_due_week_once(cast: Any) -> None:
    rep = appoint(cast.district, cast.areas["community_a"], officer=cast.community_a,
                  term_from=date(2026, 1, 1))  # fmt: skip
    done = appoint(cast.district, cast.areas["community_a"], officer=cast.community_a,
                   term_from=date(2026, 1, 1))  # fmt: skip
    talk(cast.district, done, timezone.localdate())
    assert announce_due_week() == 1
    assert announce_due_week() == 0
    notice = Notification.objects.get(user=cast.community_a)
    assert notice.kind == "engagement.due" and notice.params["serial"] == rep.serial
    assert "阿" not in str(notice.params)


def test_it_shows_the_due_on_the_home_page(cast: Any) -> None:
    appoint(cast.district, cast.areas["community_a"], officer=cast.community_a,
            term_from=date(2026, 1, 1))  # fmt: skip
    page = cast.client("community_a").get(reverse("home")).content.decode()
    assert "本周应电话谈话的代表人士" in page
    assert f"{reverse('engagement:due_list')}?kind=week" in page
    assert [todo.count for todo in engagement_todos(cast.community_a)] == [1, 1]
    assert [todo.count for todo in engagement_todos(cast.community_b)] == [0, 0]
    assert engagement_todos(cast.inspector) == []
