"""What the ledger's actions refuse with: each carries what the page or the API tells the user.

Nothing was written when one of these is raised (the action's transaction rolled back), except
where its docstring says which audit event stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

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


class LimitReached(Exception):
    """A daily allowance (registry.allowance) has no room left: nothing was looked up or shown.

    `needed` look-ups were asked for and `left` remain of today's `limit`."""

    def __init__(self, *, needed: int, left: int, limit: int) -> None:
        super().__init__(f"daily limit: {needed} asked, {left} of {limit} left")
        self.needed = needed
        self.left = left
        self.limit = limit


class LookupLimitReached(LimitReached):
    """Today's exact-number searches (full ID, full phone, last 4) are used up.

    The denied `person.lookup` event (with the keyed hashes of what was asked) is kept."""

    @property
    def message(self) -> str:
        return _(
            "You have reached today's limit of %(limit)d searches by ID number, phone number or "
            "last 4 digits; this search was not run. Search by name, or try again tomorrow."
        ) % {"limit": self.limit}


class RegistrationLookupLimitReached(LookupLimitReached):
    """Today's exact-number look-ups are used up, and a registration's check would need more:
    the file was not saved (nothing was looked up)."""

    @property
    def message(self) -> str:
        return _(
            "You have reached today's limit of %(limit)d look-ups by ID number or phone number: "
            "the file was not saved, and what you typed is kept. Checking a new file for an "
            "existing one is such a look-up. Try again tomorrow, or ask your supervisor to "
            "register the person."
        ) % {"limit": self.limit}


class ChangeLookupLimitReached(LookupLimitReached):
    """Today's exact-number look-ups are used up, and changing a file's ID number would need
    one: the change was not saved."""

    @property
    def message(self) -> str:
        return _(
            "You have reached today's limit of %(limit)d look-ups by ID number or phone number: "
            "the change was not saved, and what you typed is kept. A new ID number is checked "
            "against every file, which is such a look-up. Try again tomorrow."
        ) % {"limit": self.limit}


class ImportLookupLimitReached(LimitReached):
    """The dry run of this file would look up more ID numbers than are left today: not run."""

    @property
    def message(self) -> str:
        return _(
            "Checking this ledger needs %(needed)d ID-number look-ups, but only %(left)d of "
            "today's %(limit)d are left; it was not checked. Split the file, or upload it "
            "again tomorrow."
        ) % {"needed": self.needed, "left": self.left, "limit": self.limit}


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


class ImportPending(ImportRefused):
    """The same file is already uploaded into the community and its import is not over: the
    uploader is sent to that job (`job_id`) instead of starting a second one."""

    def __init__(self, message: str, job_id: int) -> None:
        super().__init__(message, "pending")
        self.job_id = job_id


class ImportInvalid(Exception):
    """Rows have errors: nothing was written."""
