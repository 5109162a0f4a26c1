"""批量签收: a liaison signs several cases of the inbox at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tongcheng.cases.actions.workflow import case_sign
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import Case
from tongcheng.org.models import User


@dataclass(frozen=True)
class SignOutcome:
    signed: list[Case]
    refused: list[tuple[str, str]]  # (case number, why not)


def cases_sign_many(*, actor: User, seen: Sequence[tuple[int, int]]) -> SignOutcome:
    """Sign each (case id, version seen) in its own transaction, as one sign each (its history
    row, audit event, notices): a case that changed meanwhile, or that is not the actor's
    unit's, is left with the reason, and the others are signed."""
    signed: list[Case] = []
    refused: list[tuple[str, str]] = []
    for case_id, version in seen:
        try:
            signed.append(case_sign(actor=actor, case_id=case_id, expected_version=version))
        except CaseRefused as problem:
            case = Case.objects.filter(pk=case_id).only("pk", "received_at").first()
            refused.append((case.number if case else str(case_id), problem.message))
    return SignOutcome(signed, refused)
