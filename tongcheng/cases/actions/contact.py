"""Showing a case's contact phone in full, to call the person: once per stated reason.

The same rule as the ledger's "show full number" (registry.allowance): a reason of at least 4
characters, a daily allowance per user (REVEAL_LIMIT_PER_DAY, counted apart from the ledger's
reveals, from the trail's `case.reveal` events), counted and written under the lock of the
actor's row so that parallel reveals never pass it, and one audit event with the reason.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.identifiers import contact
from tongcheng.cases.models import Case
from tongcheng.org.models import User
from tongcheng.registry import allowance
from tongcheng.registry.errors import LimitReached

CASE_REVEALS = allowance.Budget("REVEAL_LIMIT_PER_DAY", 50, "case.reveal")
REASON_MIN = 4


@transaction.atomic
def case_reveal(*, actor: User, case: Case, reason: str) -> str:
    """The contact's clear phone ("" when the case has none)."""
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN:
        raise CaseRefused(_("Give the reason for showing the full number (at least 4 characters)."))
    try:
        allowance.spend(actor=actor, budget=CASE_REVEALS)
    except LimitReached as exc:
        raise CaseRefused(
            _("You have reached today's limit of %(limit)d full-number views.")
            % {"limit": exc.limit}
        ) from exc
    audit_record(
        actor=actor, action="case.reveal", object_type="case", object_id=case.pk,
        area_code=case.area_code, reason=reason, detail={"fields": ["phone"]},
    )  # fmt: skip
    return contact(case)[1]
