"""The effective rollout stage of any area: its own entry or the nearest ancestor's."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from django.utils import timezone

from tongcheng.lib.areacodes import LEVEL_PREFIX_LENGTH
from tongcheng.org.models import Area, RolloutStage


class RolloutState(NamedTuple):
    """``stage`` is None when no entry covering the area is active yet on the asked date."""

    stage: str | None
    since: date | None
    source_area: Area | None


NOT_STARTED = RolloutState(None, None, None)


def rollout_state(area: Area, on: date | None = None) -> RolloutState:
    """Stage, start date and the area whose entry applies, on ``on`` (today by default).

    The pilot beats the city-wide phase: an area inside the pilot stays a pilot area after 2015.
    Among entries of the same stage the nearest one (the area itself, then its parent …) wins.
    One query.
    """
    day = on or timezone.localdate()
    own_length = LEVEL_PREFIX_LENGTH[area.level]
    codes = [
        area.code[:length].ljust(12, "0")
        for length in LEVEL_PREFIX_LENGTH.values()
        if length <= own_length
    ]
    entries = [
        entry
        for entry in RolloutStage.objects.filter(area__code__in=codes).select_related("area")
        if entry.is_active(day)
    ]
    if not entries:
        return NOT_STARTED
    best = max(
        entries,
        key=lambda e: (e.stage == RolloutStage.Stage.PILOT, LEVEL_PREFIX_LENGTH[e.area.level]),
    )
    return RolloutState(best.stage, best.since, best.area)
