"""The compliance figures (done / due / missed) per area below the one chosen, per officer and
per period, read from the tallies only: three grouped queries whatever the number of
representatives or contacts (docs/engagement.md, "The summaries").

`missed` counts the due periods that are over without a talk; the current period's due ones
without a talk yet are `open` (they may still be done).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce, Substr

from tongcheng.engagement import cadence
from tongcheng.engagement.models import Tally
from tongcheng.engagement.selectors import current_period
from tongcheng.lib.areacodes import subtree_q
from tongcheng.org.models import Area, User

# How many periods the page shows: twelve weeks, twelve months, five festival years.
SHOWN = {cadence.WEEK: 12, cadence.MONTH: 12, cadence.FORUM: 5}
# The level below each level (a community has none: its own rows).
CHILD_DIGITS = {"city": 6, "district": 9, "street": 12, "community": 12}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    due: int
    done: int
    missed: int
    open: int

    @property
    def rate(self) -> str:
        """Done of the due periods that are over or done, as a percentage ("—" when none)."""
        counted = self.due - self.open
        return f"{100 * self.done / counted:.1f}%" if counted > 0 else "—"


@dataclass(frozen=True)
class Figures:
    area: Area
    kind: str
    since: date
    current: date
    areas: list[Row]
    officers: list[Row]
    periods: list[Row]


def _sums(current: date) -> dict[str, Coalesce]:
    past = Q(period__lt=current)
    return {
        "n_due": Coalesce(Sum("due"), 0),
        "n_done": Coalesce(Sum("done"), 0),
        "n_missed": Coalesce(Sum(F("due") - F("done"), filter=past), 0),
        "n_open": Coalesce(Sum(F("due") - F("done"), filter=~past), 0),
    }


def _row(key: str, label: str, values: dict[str, Any]) -> Row:
    return Row(key, label, values["n_due"], values["n_done"], values["n_missed"],
               values["n_open"])  # fmt: skip


OFFICER_ROWS = 50


def figures(area: Area, kind: str) -> Figures:
    """The figures of `area`'s subtree (the caller checked the user may read it)."""
    current = current_period(kind)
    since = cadence.periods_back(kind, current, SHOWN[kind] - 1)
    tallies = Tally.objects.filter(subtree_q([area.prefix]), kind=kind,
                                   period__range=(since, current))  # fmt: skip
    digits = CHILD_DIGITS[area.level]
    by_child: list[Any] = list(
        tallies.annotate(child=Substr("area_code", 1, digits)).values("child")
        .annotate(**_sums(current)).order_by("child")
    )  # fmt: skip
    codes = [row["child"].ljust(12, "0") for row in by_child]
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    areas = [_row(code, names.get(code, code), r) for code, r in zip(codes, by_child, strict=True)]
    by_officer: list[Any] = list(
        tallies.values("officer").annotate(**_sums(current))
        .order_by(F("n_missed").desc(), "officer")[:OFFICER_ROWS]
    )  # fmt: skip
    people = {
        pk: display or username
        for pk, display, username in User.objects.filter(
            pk__in=[r["officer"] for r in by_officer]
        ).values_list("pk", "display_name", "username")
    }
    officers = [_row(str(r["officer"]), people.get(r["officer"], "?"), r) for r in by_officer]
    by_period: list[Any] = list(
        tallies.values("period").annotate(**_sums(current)).order_by("period")
    )
    periods = [_row(r["period"].isoformat(), _label(kind, r["period"]), r) for r in by_period]
    return Figures(area, kind, since, current, areas, officers, periods)


def _label(kind: str, start: date) -> str:
    if kind == cadence.WEEK:
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == cadence.MONTH:
        return f"{start:%Y-%m}"
    return str(start.year)


def top_area(prefixes: list[str]) -> Area | None:
    """The widest area of the user's figure memberships (the page's default)."""
    if not prefixes:
        return None
    return Area.objects.filter(code=min(prefixes, key=len).ljust(12, "0")).first()
