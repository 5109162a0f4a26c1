"""Reads of the dispatch desk (派单台): what waits for a dispatching office, section by section.

Each section is a filter of the cases (or the requests for more time) the user may act on, as
`cases.access` decides a move — `dispatch_q`, `name_lead_q`, `decide_q` — so the desk lists
exactly what the case page then offers:

- to dispatch: received, not yet dispatched (the hotline operators and the offices);
- returns to adjudicate: returned by their unit; after two returns only the office decides,
  naming the lead unit for good (首接负责制);
- extensions to approve, supervised cases, 催办 raised, listed for 通报: the deciding office
  (the district office for a district unit, the city office for a city unit and city-wide).

The home page counts the same querysets (cases/panels.py). A section is one query: its first
DESK_ROWS rows by deadline, each carrying the section's full count (a window count over the
same filter), so the desk's queries do not grow with the rows or the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongcheng.cases import access
from tongcheng.cases.models import (
    HANDLING_STATES,
    OPEN_STATES,
    Case,
    CaseEvent,
    Extension,
    ReturnReason,
    State,
)
from tongcheng.cases.workflow import FROM, RETURNS_BEFORE_LOCK, Move
from tongcheng.lib.roles import Role
from tongcheng.org.models import User

# The rows a section shows (its count says how many there are in all).
DESK_ROWS = 100
# The roles that decide for units (extensions, supervision, 催办, 通报); the operators dispatch.
DECIDERS = frozenset({Role.DISTRICT_OFFICE, Role.CITY_ADMIN})
RELATED = ("service", "community", "lead_department")


# --- what each section counts (the desk and the home page's panel) ----------------------------


def to_dispatch(user: User) -> QuerySet[Case]:
    return Case.objects.visible_to(user).filter(access.dispatch_q(user), state=State.RECEIVED)


def returns_to_adjudicate(user: User) -> QuerySet[Case]:
    """Returned cases: the dispatchers' before the second return, the office's after it."""
    early = access.dispatch_q(user) & Q(returns__lt=RETURNS_BEFORE_LOCK)
    return Case.objects.visible_to(user).filter(
        access.name_lead_q(user) | early, state=State.RETURNED
    )


def _decided(user: User) -> QuerySet[Case]:
    return Case.objects.visible_to(user).filter(access.decide_q(user))


def extensions_to_decide(user: User) -> QuerySet[Extension]:
    decidable = _decided(user).filter(state__in=FROM[Move.DECIDE_EXTENSION])
    return Extension.objects.filter(state=Extension.State.PENDING, case__in=decidable)


def supervised(user: User) -> QuerySet[Case]:
    return _decided(user).filter(supervised=True, state__in=OPEN_STATES)


def urged(user: User) -> QuerySet[Case]:
    """催办 raised by the sweep, not (yet) listed for 通报."""
    return _decided(user).filter(
        state__in=HANDLING_STATES, urged_at__isnull=False, reported_at__isnull=True
    )


def circulated(user: User) -> QuerySet[Case]:
    """Listed for 通报: five working days after the 催办, still not replied."""
    return _decided(user).filter(state__in=HANDLING_STATES, reported_at__isnull=False)


def latest_event(action: Move, column: str) -> Subquery:
    """A column of the case's latest step of `action` (for an annotation of a case list)."""
    steps = CaseEvent.objects.filter(case=OuterRef("pk"), action=action).order_by("-at", "-pk")
    return Subquery(steps.values(column)[:1])


# --- the desk ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskRow:
    case: Case
    due: datetime | None  # the deadline the section is sorted by
    extension: Extension | None = None
    note: str = ""  # the supervising instruction, or the basis of the return
    unit: str = ""  # the unit concerned: the lead unit, the one that returned or asks
    reason: str | Promise = ""
    at: datetime | None = None  # when: returned, asked, supervised, urged, listed
    locked: bool = False  # returned twice: the office names the lead unit (首接负责制)


@dataclass
class DeskSection:
    key: str
    title: str | Promise
    action: str | Promise  # what is done on the case page
    rows: list[DeskRow] = field(default_factory=list)
    count: int = 0

    @property
    def hidden(self) -> int:
        return self.count - len(self.rows)


def first_rows(
    queryset: QuerySet[Any], *order: Any, limit: int | None = None
) -> tuple[list[Any], int]:
    """The first `limit` rows (DESK_ROWS) in `order` and the count of all, in one query."""
    counted = queryset.annotate(desk_total=Window(Count("pk"))).order_by(*order)
    rows = list(counted[: limit or DESK_ROWS])
    return rows, rows[0].desk_total if rows else 0


def _by_due(name: str = "due_at") -> tuple[Any, ...]:
    return (F(name).asc(nulls_last=True), "pk")


def _dispatch_section(user: User) -> DeskSection:
    cases, count = first_rows(to_dispatch(user).select_related(*RELATED), *_by_due("dispatch_due"))
    rows = [DeskRow(case, case.dispatch_due, at=case.received_at) for case in cases]
    action = _("Dispatch it to its unit, or close it if it was answered during the call.")
    return DeskSection("to_dispatch", _("To dispatch"), action, rows, count)


REASONS = dict(ReturnReason.choices)


def _returned_row(case: Case) -> DeskRow:
    """A returned case, with its latest return (annotated): who, why, when, how often."""
    return DeskRow(
        case,
        None,
        note=case.return_basis or "",  # type: ignore[attr-defined]
        unit=case.returned_by or "",  # type: ignore[attr-defined]
        reason=REASONS.get(case.return_reason, ""),  # type: ignore[attr-defined]
        at=case.returned_at,  # type: ignore[attr-defined]
        locked=case.returns >= RETURNS_BEFORE_LOCK,
    )


def _returns_section(user: User) -> DeskSection:
    cases, count = first_rows(
        returns_to_adjudicate(user)
        .select_related(*RELATED)
        .annotate(
            returned_at=latest_event(Move.RETURN, "at"),
            returned_by=latest_event(Move.RETURN, "department__name"),
            return_reason=latest_event(Move.RETURN, "reason"),
            return_basis=latest_event(Move.RETURN, "text"),
        ),
        F("returned_at").asc(nulls_last=True),
        "pk",
    )
    rows = [_returned_row(case) for case in cases]
    action = _("Dispatch it to another unit, or uphold the dispatch.")
    return DeskSection("returns", _("Returns to adjudicate"), action, rows, count)


def _extensions_section(user: User) -> DeskSection:
    related = ("department", *(f"case__{name}" for name in RELATED))
    extensions, count = first_rows(
        extensions_to_decide(user).select_related(*related), *_by_due("old_due")
    )
    rows = [
        DeskRow(e.case, e.old_due, e, note=e.reason, unit=e.department.name, at=e.requested_at)
        for e in extensions
    ]
    action = _("Approve the new deadline or refuse it.")
    return DeskSection("extensions", _("Extensions to approve"), action, rows, count)


def _decided_section(
    key: str, title: Promise, action: Promise, cases: QuerySet[Case], moment: str
) -> DeskSection:
    """A section of the deciding office's cases, with the supervising instruction if any."""
    found, count = first_rows(
        cases.select_related(*RELATED).annotate(
            instruction=latest_event(Move.SUPERVISE, "text"),
            supervised_at=latest_event(Move.SUPERVISE, "at"),
        ),
        *_by_due(),
    )
    rows = [
        DeskRow(
            case,
            case.due_at,
            note=case.instruction or "",
            at=getattr(case, moment),
            unit=case.lead_department.name if case.lead_department else "",
        )
        for case in found
    ]
    return DeskSection(key, title, action, rows, count)


def desk_sections(user: User) -> list[DeskSection]:
    """The desk of the user's acting roles: the dispatchers' two sections, and the deciding
    office's four more. One query per section."""
    sections = [_dispatch_section(user), _returns_section(user)]
    if not user.roles() & DECIDERS:
        return sections
    supervising = _("Follow it up with the unit; the instruction is on the case page.")
    missed = _("The deadline was missed: urge the unit, or put the case under supervision.")
    listed = _("Five working days after the 催办 and still not replied: on the 通报 list.")
    return [
        *sections,
        _extensions_section(user),
        _decided_section(
            "supervised",
            _("Under supervision (督办)"),
            supervising,
            supervised(user),
            "supervised_at",
        ),
        _decided_section("urged", _("催办 raised"), missed, urged(user), "urged_at"),
        _decided_section(
            "circulated", _("Listed for 通报"), listed, circulated(user), "reported_at"
        ),
    ]


def shown_case_ids(sections: list[DeskSection]) -> list[int]:
    return sorted({row.case.pk for section in sections for row in section.rows})
