"""Two liaisons of one unit answering at once, and a progress note racing the completion: the
row locks decide, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.tests.factories import liaison
from tongcheng.conftest import run_concurrently
from tongcheng.meetings.actions.items import item_report
from tongcheng.meetings.actions.meetings import invitation_answer
from tongcheng.meetings.errors import MeetingRefused
from tongcheng.meetings.models import ActionItem, ActionNote, Invitation
from tongcheng.meetings.tests.factories import action_item, meeting


@pytest.mark.django_db(transaction=True)
def test_two_liaisons_of_one_unit_confirming_at_once_give_one_answer(committed_cast: Any) -> None:
    held = meeting(units=["city-hrss"])
    invitation = Invitation.objects.get(meeting=held)
    officers = [liaison("city-hrss", "hrss.a"), liaison("city-hrss", "hrss.b")]

    def answer(n: int) -> Invitation:
        return invitation_answer(
            actor=officers[n],
            invitation_id=invitation.pk,
            attending=True,
            delegate=f"代表{n}",
            reason="",
            expected=Invitation.Answer.PENDING,
        )

    results = run_concurrently(answer, 2)
    done = [r for r in results if isinstance(r, Invitation)]
    refused = [r for r in results if isinstance(r, MeetingRefused)]
    assert len(done) == 1 and len(refused) == 1, results
    invitation.refresh_from_db()
    assert invitation.delegate == done[0].delegate
    assert AuditEvent.objects.filter(action="meeting.answer").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_progress_note_racing_the_completion_never_lands_after_it(committed_cast: Any) -> None:
    item = action_item(meeting(units=["city-hrss"]).pk, "city-hrss")
    officers = [liaison("city-hrss", "hrss.a"), liaison("city-hrss", "hrss.b")]

    def report(n: int) -> ActionItem:
        return item_report(actor=officers[n], item_id=item.pk, text=f"情况{n}", done=n == 0)

    results = run_concurrently(report, 2)
    item.refresh_from_db()
    assert item.state == ActionItem.State.DONE and item.outcome == "情况0"
    kinds = list(
        ActionNote.objects.filter(item=item).order_by("at", "pk").values_list("kind", flat=True)
    )
    # Either the note came first and the completion after it, or the note was refused.
    assert kinds in (["progress", "done"], ["done"]), (kinds, results)
    assert kinds[-1] == "done"
