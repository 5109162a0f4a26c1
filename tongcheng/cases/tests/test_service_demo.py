"""The services' demo records: made through the actions once, a second run makes nothing."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tongcheng.cases.actions.servicedemo import services_seed
from tongcheng.cases.models import Case
from tongcheng.cases.servicemodels import (
    Certification,
    EmploymentOutcome,
    FeeWaiver,
    LegalAidAssignment,
    LegalVolunteer,
    ReliefPayment,
)
from tongcheng.org.models import User

pytestmark = pytest.mark.django_db


def test_it_seeds_every_service_once(cast: Any, settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    # Enough files in 和平社区 for every record (15).
    call_command("seed_ledger", "--count", "800", stdout=StringIO())
    assert services_seed() is True
    today = timezone.localdate()
    soon = [c for c in Certification.objects.all() if (c.valid_until - today).days <= 30]
    assert Certification.objects.count() == 5 and len(soon) == 2
    assert FeeWaiver.objects.filter(certification__isnull=False).count() == 2
    assert FeeWaiver.objects.filter(certification__isnull=True).count() == 1
    years = {p.paid_on.year for p in ReliefPayment.objects.all()}
    assert len(years) >= 2
    assert set(LegalVolunteer.objects.values_list("area_code", flat=True)) == {
        "140403000000", "140404000000",
    }  # fmt: skip
    assert LegalAidAssignment.objects.count() == 2
    # One person withdrew the consent: the volunteer sees one of the two cases.
    volunteer = User.objects.get(username="luzhou.volunteer")
    assert Case.objects.visible_to(volunteer).count() == 1
    assert EmploymentOutcome.objects.count() == 3
    assert services_seed() is False
    assert Certification.objects.count() == 5
