"""The write of the synthetic demo ledger (tongcheng.registry.demo builds its rows).

Idempotent: when the demo ledger exists (its files carry a "person.seed" history line) it writes
nothing. Fast: the rows are built in memory and written with bulk_create, then the dashboard
summary of the communities they went into is refreshed, in one transaction with one audit event.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongcheng.audit.services import Actor, audit_record
from tongcheng.org.models import Area, Ethnicity, Region
from tongcheng.registry.actions.summary import summary_refresh_communities
from tongcheng.registry.demo import (
    ORIGINS,
    PILOT_DISTRICT,
    SEED_ACTION,
    build_ledger,
    community_officers,
)
from tongcheng.registry.models import (
    DuplicateCandidate,
    HouseholdMember,
    Movement,
    NameKey,
    Person,
    PersonChange,
    Visit,
)


@transaction.atomic
def ledger_seed(*, actor: Actor, count: int) -> int | None:
    """Write a demo ledger of `count` files (and a few duplicates); the number of files written.

    None when the demo ledger is already there (nothing is written). Raises ValidationError
    when the reference data (areas, regions, ethnicities) is not loaded.
    """
    if PersonChange.objects.filter(action=SEED_ACTION).exists():
        return None
    today = timezone.localdate()
    communities = list(Area.objects.communities().in_subtree([PILOT_DISTRICT]))
    counties = {r.code: r for r in Region.objects.filter(code__in=list(ORIGINS))}
    if not communities or not counties or not Ethnicity.objects.exists():
        raise ValidationError("Reference data missing: run `manage.py load_reference` first.")
    ledger = build_ledger(count, communities, counties, community_officers(communities), today)
    Person.objects.bulk_create(ledger.persons, batch_size=500)
    # Dashboard summary (actions.summary) of the communities the files went into.
    summary_refresh_communities({p.area_code for p in ledger.persons})
    Visit.objects.bulk_create(ledger.visits, batch_size=1000)
    Movement.objects.bulk_create(ledger.movements, batch_size=1000)
    HouseholdMember.objects.bulk_create(ledger.household, batch_size=1000)
    NameKey.objects.bulk_create(ledger.name_keys, batch_size=2000)
    PersonChange.objects.bulk_create(ledger.changes, batch_size=1000)
    DuplicateCandidate.objects.bulk_create(ledger.duplicates)
    audit_record(
        actor=actor,
        action="ledger.seed",
        object_type="person",
        detail={
            "files": len(ledger.persons),
            "visits": len(ledger.visits),
            "movements": len(ledger.movements),
        },
    )
    return len(ledger.persons)
