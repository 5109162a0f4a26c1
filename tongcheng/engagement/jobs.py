"""What the task worker repeats for the engagement (org/recurring.py): the "due this week"
notices, each representative's due week announced once to its officer."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from tongcheng.engagement.cadence import WEEK, week_of
from tongcheng.engagement.models import Slot
from tongcheng.engagement.notices import announce_due
from tongcheng.lib.contributions import RecurringJob

BATCH = 500


def announce_due_week(*, today: date | None = None) -> int:
    """Announce this week's open due slots not announced yet; how many were announced.

    Each batch is one transaction: the notices and the slots' marks are written together, and
    notify's unique key holds if two rounds overlap.
    """
    week = week_of(today or timezone.localdate())
    announced = 0
    while True:
        with transaction.atomic():
            batch = list(
                Slot.objects.due_open()
                .filter(kind=WEEK, period=week, announced=False)
                .select_related("representative")
                .order_by("pk")[:BATCH]
            )
            for slot in batch:
                announce_due(officer_id=slot.officer_id, rep_id=slot.representative_id,
                             serial=slot.representative.serial, week=week.isoformat())  # fmt: skip
            Slot.objects.filter(pk__in=[slot.pk for slot in batch]).update(announced=True)
        announced += len(batch)
        if len(batch) < BATCH:
            return announced


JOBS = [RecurringJob("engagement.due", timedelta(hours=1), announce_due_week)]
