"""The public progress page's limit and words: look-ups per client address in a sliding window,
and the states as a caller understands them.

Counted from the trail, which holds every look-up with its address (audit.services.client_ip,
under the proxy rule): TRACK_LIMIT look-ups in TRACK_WINDOW_MINUTES, found or not, and the
address waits. Guessing a case number and the last 4 digits of its phone (1 in 10,000 per case)
is then too slow to be worth trying.

Look-ups from one address are taken one at a time (`track_serialise`: on PostgreSQL a
transaction-level advisory lock on the address; SQLite's IMMEDIATE transactions already take
one writer at a time), and each is recorded before it is counted: of look-ups sent at once,
exactly TRACK_LIMIT pass (a check without the lock let them all through). A refused look-up is
recorded too, so an address that keeps trying stays refused while it tries.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import client_ip_var
from tongcheng.cases.models import State

# The advisory lock's first key: the progress page's own class of locks.
LOCK_CLASS = 7_301


def track_serialise() -> None:
    """Wait for the other look-ups of the client's address to finish (inside the request's
    transaction; the lock ends with it)."""
    address = client_ip_var.get()
    if address and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_CLASS, address])


def track_over_limit() -> bool:
    """Whether the client's address has looked up more than TRACK_LIMIT times in the window,
    counting the look-up just recorded (after `track_serialise` and the record)."""
    address = client_ip_var.get()
    if not address:
        return False
    limit = settings.TRACK_LIMIT
    since = timezone.now() - timedelta(minutes=settings.TRACK_WINDOW_MINUTES)
    recent = AuditEvent.objects.filter(action="hotline.track", ip_address=address, at__gte=since)
    # Counting stops past the limit: an address that keeps trying has many more rows.
    return recent.values("pk")[: limit + 1].count() > limit


# What the caller reads: whether the case is being handled, answered or finished — not which
# internal step it is at (a return between units is the offices' business, not the caller's).
PUBLIC_STATES: dict[str, Promise] = {
    State.RECEIVED: _("Received, being assigned"),
    State.DISPATCHED: _("Being handled"),
    State.RETURNED: _("Being handled"),
    State.IN_PROGRESS: _("Being handled"),
    State.REOPENED: _("Being handled again"),
    State.REPLIED: _("Answered; we will call you back"),
    State.CLOSED: _("Finished"),
}


def public_state(state: str) -> Promise:
    return PUBLIC_STATES[state]
