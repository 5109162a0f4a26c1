"""What the ledger's actions refuse with: each carries what the page or the API tells the user.

Nothing was written when one of these is raised (the action's transaction rolled back), except
where its docstring says which audit event stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tongcheng.registry.models import Person


class StaleVersion(Exception):
    """The file changed since the form was opened: nothing was written."""

    def __init__(self, current: int) -> None:
        super().__init__(f"file is at version {current}")
        self.current = current


class DuplicateIdNumber(Exception):
    """A file with this ID number exists inside the user's scope: go to it."""

    def __init__(self, person: Person) -> None:
        super().__init__("duplicate id number")
        self.person = person


class IdNumberElsewhere(Exception):
    """A file with this ID number exists outside the user's scope (nothing else is said).

    The denied look-up's audit event is written and kept."""


class RevealRefused(Exception):
    """No reason given, or the daily limit of reveals is reached (message for the user)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConsentAlreadyGiven(Exception):
    """A consent of this kind is given and not withdrawn."""


class MovementRefused(Exception):
    """The movement does not fit the file's state: a message for the user, nothing written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImportRefused(Exception):
    """The file cannot be imported at all (unsafe, no header, empty); message for people."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ImportInvalid(Exception):
    """Rows have errors: nothing was written."""
