"""What the case actions refuse with; each carries the message the page or the API shows.

Nothing was written when one of these is raised (the action's transaction rolled back).
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class CaseRefused(Exception):
    """A move the case or the acting user does not allow now (message for the user)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CaseChanged(CaseRefused):
    """Someone acted on the case since the page was opened: the other move won."""

    def __init__(self, state_label: str) -> None:
        super().__init__(
            _("Someone else acted on this case just now; it is now “%(state)s”. Nothing was saved.")
            % {"state": state_label}
        )


class AttachmentUnavailable(CaseRefused):
    """An attachment's file could not be written or read (the disk, a lost or damaged file):
    the page and the API answer 503; nothing was saved."""
