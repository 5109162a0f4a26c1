"""The case workflow as a table: which move is allowed from which state, and where it leads.

    受理 received ──dispatch──▶ 派单 dispatched ──sign──▶ 办理 in progress ──reply──▶ 答复 replied
        │                        │   ▲                                            │
        └─close_direct (直办)     return ──▶ 退单 returned ──redispatch / uphold ──┘ (to dispatched)
                                                                                   │
    replied ──follow_up: satisfied / basic──▶ 办结 closed
    replied ──follow_up: unsatisfied──▶ 重办 reopened ──reply──▶ replied (once; then closed)
    replied ──follow_up: not reached──▶ replied (the third failed attempt closes: 无法联系)

Moves that do not change the state (they still write a history row): a co-handling unit's
sign and reply, extension requests and decisions, supervision, 催办, 通报.

This module knows no database: `cases.actions.workflow` locks the case, asks `target()` here,
and writes the move. The property tests drive random sequences of moves through both.
"""

from __future__ import annotations

from enum import StrEnum

from tongcheng.cases.models import OPEN_STATES, State


class Move(StrEnum):
    DISPATCH = "dispatch"
    SIGN = "sign"
    RETURN = "return"
    REDISPATCH = "redispatch"
    UPHOLD = "uphold"
    REPLY = "reply"
    FOLLOW_UP = "follow_up"
    CLOSE_DIRECT = "close_direct"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    SUPERVISE = "supervise"
    URGE = "urge"
    REPORT = "report"


# How many times a case is reopened after an unsatisfied follow-up before it is closed as it
# stands (12345 practice: one reopening; the second "unsatisfied" is counted, not looped).
MAX_REOPENINGS = 1
# Failed follow-up attempts that close a case as "caller could not be reached".
MAX_FOLLOW_UP_ATTEMPTS = 3
# Returns after which the office must name a lead unit that may no longer return (首接负责制).
RETURNS_BEFORE_LOCK = 2

_OPEN = frozenset(OPEN_STATES)
# move → the states it may start from.
FROM: dict[Move, frozenset[State]] = {
    Move.DISPATCH: frozenset({State.RECEIVED}),
    Move.SIGN: frozenset({State.DISPATCHED}),
    Move.RETURN: frozenset({State.DISPATCHED}),
    Move.REDISPATCH: frozenset({State.RETURNED}),
    Move.UPHOLD: frozenset({State.RETURNED}),
    Move.REPLY: frozenset({State.IN_PROGRESS, State.REOPENED}),
    Move.FOLLOW_UP: frozenset({State.REPLIED}),
    Move.CLOSE_DIRECT: frozenset({State.RECEIVED}),
    Move.REQUEST_EXTENSION: frozenset({State.DISPATCHED, State.IN_PROGRESS, State.REOPENED}),
    Move.DECIDE_EXTENSION: frozenset({State.DISPATCHED, State.IN_PROGRESS, State.REOPENED}),
    Move.SUPERVISE: _OPEN,
    Move.URGE: _OPEN,
    Move.REPORT: _OPEN,
}


class FollowUp(StrEnum):
    SATISFIED = "satisfied"
    BASIC = "basic"
    UNSATISFIED = "unsatisfied"
    NOT_REACHED = "not_reached"


def allowed(move: Move, state: str) -> bool:
    return state in FROM[move]


def target(
    move: Move,
    state: str,
    *,
    follow_up: FollowUp | None = None,
    reopened: int = 0,
    attempts: int = 0,
) -> State:
    """The state after `move` from `state` (ValueError when the move is not allowed there).

    `follow_up`: the call's result (FOLLOW_UP only); `reopened`: times the case was reopened
    already; `attempts`: failed follow-up attempts before this one.
    """
    if not allowed(move, state):
        raise ValueError(f"{move} is not allowed from {state}")
    if move is Move.FOLLOW_UP:
        return _after_follow_up(follow_up, reopened, attempts)
    return {
        Move.DISPATCH: State.DISPATCHED,
        Move.SIGN: State.IN_PROGRESS,
        Move.RETURN: State.RETURNED,
        Move.REDISPATCH: State.DISPATCHED,
        Move.UPHOLD: State.DISPATCHED,
        Move.REPLY: State.REPLIED,
        Move.CLOSE_DIRECT: State.CLOSED,
    }.get(move, State(state))


def _after_follow_up(result: FollowUp | None, reopened: int, attempts: int) -> State:
    if result is None:
        raise ValueError("a follow-up needs its result")
    if result is FollowUp.NOT_REACHED:
        return State.CLOSED if attempts + 1 >= MAX_FOLLOW_UP_ATTEMPTS else State.REPLIED
    if result is FollowUp.UNSATISFIED and reopened < MAX_REOPENINGS:
        return State.REOPENED
    return State.CLOSED
