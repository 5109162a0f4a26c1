"""The demo meetings: two years of quarters in both districts, items in every state."""

from __future__ import annotations

from typing import Any

import pytest

from tongcheng.audit.services import Actor
from tongcheng.meetings.demo import meetings_seed
from tongcheng.meetings.models import ActionItem, Meeting
from tongcheng.org.actions.demo import demo_seed

pytestmark = pytest.mark.django_db


def test_the_demo_holds_every_state_once_seeded_and_seeds_once(cast: Any) -> None:
    demo_seed(actor=Actor.system("test"))
    seeded = meetings_seed()
    assert seeded is not None and seeded.meetings == 16
    assert Meeting.objects.filter(state=Meeting.State.ISSUED).count() == 14
    items = ActionItem.objects.all()
    assert items.filter(state="done", done_on_time=True).exists()
    assert items.filter(state="done", done_on_time=False).exists()
    assert items.filter(state="in_progress").exists()
    assert items.open().filter(urged_for__isnull=False).exists()  # overdue and chased
    assert items.filter(supervised=True).exists()
    assert items.filter(due_provisional=True, due_on__year=2027).exists()
    assert items.filter(state="open").exists()
    upcoming = Meeting.objects.filter(state=Meeting.State.SCHEDULED).first()
    assert upcoming is not None and upcoming.agenda.filter(carried__isnull=False).exists()
    assert meetings_seed() is None
