"""`manage.py seed_engagement`: about 60 representatives with two years of talks, fast, and
summaries equal to a full recount."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tongcheng.engagement import summaries
from tongcheng.engagement.models import Contact, Representative, Tally
from tongcheng.engagement.selectors import current_period

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_settings(settings: Any) -> None:
    settings.DEBUG = True


def test_it_seeds_representatives_and_talks_once(cast: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_ledger", "--count", "200", stdout=StringIO())
    out = StringIO()
    started = time.monotonic()
    call_command("seed_engagement", stdout=out)
    assert time.monotonic() - started < 30
    assert "Demo representatives: 60" in out.getvalue()
    assert {code[:6] for code in Representative.objects.values_list("area_code", flat=True)} == {
        "140403", "140404"
    }  # fmt: skip
    assert Representative.objects.filter(person__isnull=False).exists()
    assert Contact.objects.filter(kind="forum").values("held_on").distinct().count() == 2
    assert summaries.slot_rows() == summaries.recount_slots()
    assert summaries.tally_rows() == summaries.recount_tallies()
    weeks = Tally.objects.filter(kind="week", period__lt=current_period("week"))
    due = sum(weeks.values_list("due", flat=True))
    done = sum(weeks.values_list("done", flat=True))
    assert 0.8 * due < done < due  # mostly on time, some missed
    call_command("seed_engagement", stdout=out)
    assert "already there" in out.getvalue()


def test_it_refuses_without_debug(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_engagement")
