"""The public progress page's limit: look-ups per client address in a sliding window.

Counted from the trail, which holds every look-up with its address (audit.services.client_ip,
under the proxy rule): TRACK_LIMIT look-ups in TRACK_WINDOW_MINUTES, found or not, and the
address waits. Guessing a case number and the last 4 digits of its phone (1 in 10,000 per case)
is then too slow to be worth trying.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import client_ip_var


def track_is_throttled() -> bool:
    address = client_ip_var.get()
    if not address:
        return False
    limit = settings.TRACK_LIMIT
    since = timezone.now() - timedelta(minutes=settings.TRACK_WINDOW_MINUTES)
    recent = AuditEvent.objects.filter(action="hotline.track", ip_address=address, at__gte=since)
    return recent.values("pk")[:limit].count() >= limit
