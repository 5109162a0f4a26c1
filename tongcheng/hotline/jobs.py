"""What the task worker repeats for the hotline (org/recurring.py)."""

from datetime import timedelta

from tongcheng.hotline.actions.outbox import outbox_send
from tongcheng.hotline.actions.platform import tickets_open
from tongcheng.lib.contributions import RecurringJob

JOBS = [
    # The platform's tickets wait for this (actions/platform.py): a case within seconds.
    RecurringJob("hotline.tickets", timedelta(seconds=2), tickets_open),
    RecurringJob("hotline.outbox", timedelta(minutes=1), outbox_send),
]
