"""After an approved extension the caller is told the new deadline: the call, recorded.

The approval (`workflow.case_decide_extension`) leaves the extension with `caller_told_at`
empty; the hotline's follow-up queue lists those of cases with a contact phone, and the
operator records the call here — told, or not reached — once per extension. The call is a
step of the case (`record_step`: its history row, version and audit event), taken under the
case's row lock, so two operators marking the same call at once record it once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tongcheng.cases import access
from tongcheng.cases.actions.steps import lock, now, record_step
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import Extension
from tongcheng.org.models import User

# The history's step codes (labels.py): the caller told, or not reached.
TOLD = "caller_told"
NOT_REACHED = "caller_not_reached"


@transaction.atomic
def extension_caller_told(*, actor: User, extension_id: int, reached: bool) -> Extension:
    """Record the call that told (or tried to tell) the caller an approved new deadline."""
    case_id = Extension.objects.filter(pk=extension_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise CaseRefused(_("This request for more time does not exist."))
    case = lock(case_id)
    extension = Extension.objects.select_for_update().get(pk=extension_id)
    if not access.may_follow_up(actor, case):
        raise CaseRefused(_("You may not call this caller."))
    if extension.state != Extension.State.APPROVED:
        raise CaseRefused(_("This request for more time was not approved."))
    if extension.caller_told_at is not None:
        raise CaseRefused(_("This call was recorded already."))
    extension.caller_told_at, extension.caller_told_by = now(), actor
    extension.caller_reached = reached
    extension.save(update_fields=["caller_told_at", "caller_told_by", "caller_reached"])
    record_step(
        case, actor=actor, move=TOLD if reached else NOT_REACHED, from_state=case.state,
        department=extension.department, text=extension.new_due.isoformat(),
        detail={"extension": extension.pk, "reached": reached},
    )  # fmt: skip
    return extension
