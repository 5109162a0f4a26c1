"""Finding the events that looked up a given number, though the trail holds only keyed hashes.

An app whose events record what was looked up (the ledger's searches by number, its new files'
checks, its import dry runs: `detail["hashes"]`) registers, from its AppConfig.ready, the dotted
path of a function that turns what an auditor types into the hashes its events would hold
(`register_lookup_hashes`). A path, not the function: the function's module may import models,
which AppConfig.ready's module cannot do at its top; it is imported on first use. The audit
screen's "number looked up" filter asks every registered function, so the trail knows nothing
of the apps above it and never stores the number.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

_hashers: list[str] = []


def register_lookup_hashes(path: str) -> None:
    """Add an app's function (typed text → keyed hashes) by its dotted path; registering it
    again is harmless."""
    if path not in _hashers:
        _hashers.append(path)


def hashes_of(typed: str) -> list[str]:
    """The keyed hashes the events that looked up `typed` hold (none: not a number looked up)."""
    found: list[str] = []
    for path in _hashers:
        found.extend(h for h in import_string(path)(typed) if h not in found)
    return found
