"""A number typed on the console: a look-up of the ledger and the cases, like the ledger's
exact-number search (registry.allowance): counted in a daily allowance of its own
(LOOKUP_LIMIT_PER_DAY, the trail's `hotline.lookup` events) and audited with the number's keyed
hash, so "who looked up this number" has an answer. A call the platform reports is no guess:
its screen pop is not counted (audited as `hotline.console` with the call)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.cases.errors import CaseRefused
from tongcheng.hotline.selectors import Pop, screen_pop
from tongcheng.org.models import User
from tongcheng.registry import allowance
from tongcheng.registry.errors import LimitReached
from tongcheng.registry.identifiers import phone_hash

CONSOLE_LOOKUPS = allowance.Budget("LOOKUP_LIMIT_PER_DAY", 100, "hotline.lookup")


@transaction.atomic
def console_lookup(*, actor: User, number: str) -> Pop:
    try:
        allowance.spend(actor=actor, budget=CONSOLE_LOOKUPS)
    except LimitReached as exc:
        raise CaseRefused(
            _("You have reached today's limit of %(limit)d number look-ups.") % {"limit": exc.limit}
        ) from exc
    pop = screen_pop(actor, number)
    audit_record(
        actor=actor, action="hotline.lookup", object_type="call",
        detail={"phone_hash": phone_hash(number), "ids": [f.pk for f in pop.files],
                "cases": [c.pk for c in pop.cases]},
    )  # fmt: skip
    return pop
