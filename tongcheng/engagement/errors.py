"""What the engagement's actions refuse with; each carries the message the page or API shows."""

from __future__ import annotations


class EngagementRefused(Exception):
    """A write the appointment or the acting user does not allow (message for the user)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
