"""The meetings' exceptions: a refused step, with a message for the user."""

from __future__ import annotations


class MeetingRefused(Exception):
    """A step the meeting or item does not allow now (minutes issued, item done …): 409."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
