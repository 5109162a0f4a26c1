"""Reads of one user's notifications (only ever their own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator

from tongcheng.notify.kinds import render
from tongcheng.notify.models import Notification
from tongcheng.org.models import User

PAGE_SIZE = 30
# The bell counts at most this many (shown "99+").
BELL_CAP = 99


@dataclass(frozen=True)
class Shown:
    pk: int
    text: str
    url: str
    created_at: object
    unread: bool


def unread_count(user: User) -> tuple[int, bool]:
    """How many of the user's notifications are unread (capped), and whether the cap was hit."""
    rows = Notification.objects.filter(user=user).unread().values("pk")[: BELL_CAP + 1].count()
    return min(rows, BELL_CAP), rows > BELL_CAP


def notification_page(user: User, number: int, *, unread_only: bool = False) -> Page[Any]:
    """One page of the user's notifications, newest first, each as it is shown (`Shown`)."""
    mine = Notification.objects.filter(user=user)
    if unread_only:
        mine = mine.unread()
    fields = ("pk", "kind", "params", "url", "created_at", "read_at")
    page: Page[Any] = Paginator(mine.only(*fields), PAGE_SIZE).get_page(number)
    page.object_list = [
        Shown(n.pk, render(n.kind, n.params), n.url, n.created_at, n.read_at is None)
        for n in page.object_list
    ]
    return page
