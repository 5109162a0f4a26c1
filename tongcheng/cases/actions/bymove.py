"""A move as the case page's form (and the API, through the same form) gives it: the one place
that calls each move's action with the form's values."""

from __future__ import annotations

from typing import Any

from tongcheng.cases.actions import workflow as actions
from tongcheng.cases.models import Case
from tongcheng.cases.workflow import FollowUp, Move
from tongcheng.org.models import User


def case_move_carry(*, actor: User, case: Case, move: Move, data: dict[str, Any]) -> None:
    """Make `move` on `case` with the move form's cleaned data (the actions check and write)."""
    common = {"actor": actor, "case_id": case.pk, "expected_version": data["version"]}
    if move in (Move.DISPATCH, Move.REDISPATCH):
        step = actions.case_dispatch if move is Move.DISPATCH else actions.case_adjudicate
        step(**common, lead=data["lead"], co=list(data["co"]), note=data["note"])
    elif move is Move.SIGN:
        actions.case_sign(**common)
    elif move is Move.RETURN:
        actions.case_return(**common, reason=data["reason"], basis=data["basis"])
    elif move is Move.REPLY:
        reply = actions.ReplyInput(outcome=data["outcome"], reply=data["reply"])
        actions.case_reply(**common, data=reply)
    elif move is Move.FOLLOW_UP:
        actions.case_follow_up(**common, result=FollowUp(data["result"]), comment=data["comment"])
    elif move is Move.REQUEST_EXTENSION:
        actions.case_request_extension(**common, new_due=data["new_due"], reason=data["reason"])
    elif move is Move.DECIDE_EXTENSION:
        actions.case_decide_extension(**common, approve=data["approve"], note=data["note"])
    elif move is Move.SUPERVISE:
        actions.case_supervise(**common, instruction=data["instruction"])
    elif move is Move.CLOSE_DIRECT:
        actions.case_close_direct(**common, answer=data["answer"])
