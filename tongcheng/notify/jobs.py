"""What the task worker repeats for the notifications (org/recurring.py)."""

from datetime import timedelta

from tongcheng.lib.contributions import RecurringJob
from tongcheng.notify.delivery import digest_send, emails_send, texts_send

JOBS = [
    RecurringJob("notify.emails", timedelta(minutes=1), emails_send),
    RecurringJob("notify.texts", timedelta(minutes=1), texts_send),
    RecurringJob("notify.digest", timedelta(minutes=15), digest_send),
]
