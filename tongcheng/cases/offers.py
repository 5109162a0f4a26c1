"""Which moves a case page offers its user, each with its form (the action decides again).

A move is offered when the state machine allows it now and `cases.access` says the user is
one who makes it; the action checks both again under the row lock, so an offer that went stale
is refused with a message, never carried out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongcheng.cases import access
from tongcheng.cases import forms as case_forms
from tongcheng.cases.models import Case, CaseUnit
from tongcheng.cases.workflow import RETURNS_BEFORE_LOCK, Move, allowed
from tongcheng.org.models import User

# move → (form class, button label)
FORMS: dict[Move, tuple[type[case_forms.MoveForm], str | Promise]] = {
    Move.DISPATCH: (case_forms.DispatchForm, _("Dispatch")),
    Move.CLOSE_DIRECT: (case_forms.DirectForm, _("Close: answered during the call")),
    Move.SIGN: (case_forms.EmptyMoveForm, _("Sign for the case")),
    Move.RETURN: (case_forms.ReturnForm, _("Return the case")),
    Move.REDISPATCH: (case_forms.DispatchForm, _("Decide on the return")),
    Move.REPLY: (case_forms.ReplyForm, _("Reply")),
    Move.FOLLOW_UP: (case_forms.FollowUpForm, _("Record the follow-up call")),
    Move.REQUEST_EXTENSION: (case_forms.ExtensionForm, _("Ask for more time")),
    Move.DECIDE_EXTENSION: (case_forms.DecideExtensionForm, _("Decide on more time")),
    Move.SUPERVISE: (case_forms.SuperviseForm, _("Put under supervision")),
}


@dataclass
class Offer:
    move: Move
    label: str | Promise
    form: forms.Form


def form_for(move: Move, case: Case, data: Any = None) -> case_forms.MoveForm:
    form_class = FORMS[move][0]
    initial = {"version": case.version}
    # One page holds every move's form: ids of their own, the field names unchanged.
    auto_id = f"id_{move}_%s"
    if form_class is case_forms.DispatchForm:
        return case_forms.DispatchForm(data, case=case, initial=initial, auto_id=auto_id)
    return form_class(data, initial=initial, auto_id=auto_id)


def _unit_moves(user: User, case: Case) -> list[Move]:
    units = access.units_of(user, case) if case.is_open else []
    moves: list[Move] = []
    for unit in units:
        waiting = unit.state == CaseUnit.State.WAITING
        if waiting and (not unit.is_lead or allowed(Move.SIGN, case.state)):
            moves.append(Move.SIGN)
        if unit.is_lead and waiting and allowed(Move.RETURN, case.state) and not case.lead_locked:
            moves.append(Move.RETURN)
        if unit.state == CaseUnit.State.SIGNED and (
            not unit.is_lead or allowed(Move.REPLY, case.state)
        ):
            moves.append(Move.REPLY)
        if unit.is_lead and allowed(Move.REQUEST_EXTENSION, case.state):
            moves.append(Move.REQUEST_EXTENSION)
    return moves


def offered_moves(user: User, case: Case, *, extension_pending: bool) -> list[Move]:
    """The moves this user may try on this case now, in the order a page shows them."""
    moves = _unit_moves(user, case)
    if access.may_dispatch(user, case):
        if allowed(Move.DISPATCH, case.state):
            moves += [Move.DISPATCH, Move.CLOSE_DIRECT]
        if allowed(Move.REDISPATCH, case.state) and case.returns < RETURNS_BEFORE_LOCK:
            moves.append(Move.REDISPATCH)
    if (
        access.may_name_lead(user, case)
        and allowed(Move.REDISPATCH, case.state)
        and case.returns >= RETURNS_BEFORE_LOCK
    ):
        moves.append(Move.REDISPATCH)
    if access.may_follow_up(user, case) and allowed(Move.FOLLOW_UP, case.state):
        moves.append(Move.FOLLOW_UP)
    if access.may_decide(user, case):
        if extension_pending and allowed(Move.DECIDE_EXTENSION, case.state):
            moves.append(Move.DECIDE_EXTENSION)
        if allowed(Move.SUPERVISE, case.state) and not case.supervised:
            moves.append(Move.SUPERVISE)
    if extension_pending and Move.REQUEST_EXTENSION in moves:
        moves.remove(Move.REQUEST_EXTENSION)
    return list(dict.fromkeys(moves))


def offers(user: User, case: Case, *, extension_pending: bool) -> list[Offer]:
    return [
        Offer(move, FORMS[move][1], form_for(move, case))
        for move in offered_moves(user, case, extension_pending=extension_pending)
    ]
