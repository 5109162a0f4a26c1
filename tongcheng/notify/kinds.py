"""The kinds of notification, each app registering its own (from its AppConfig.ready).

A kind has a label (the settings page lists it) and a text with named fields filled from the
notification's `params` when it is shown, so that it is read in the reader's language. Params
hold case numbers, unit and service names: never a resident's personal value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    label: str | Promise
    text: str | Promise
    # By email unless the user turns it off (the others only when the user turns them on).
    email_by_default: bool = False


_kinds: dict[str, Kind] = {}


def register_kinds(kinds: Mapping[str, Kind]) -> None:
    for code, kind in kinds.items():
        if _kinds.get(code, kind) != kind:
            raise ImproperlyConfigured(f"notification kind {code!r} registered twice")
        _kinds[code] = kind


def all_kinds() -> dict[str, Kind]:
    return dict(_kinds)


def render(code: str, params: Mapping[str, object]) -> str:
    """The notification's text; a kind nobody registered shows its code."""
    kind = _kinds.get(code)
    if kind is None:
        return code
    try:
        return str(kind.text) % dict(params)
    except (KeyError, TypeError, ValueError):
        return str(kind.label)
