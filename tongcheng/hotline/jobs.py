"""What the task worker repeats for the hotline (org/recurring.py)."""

from datetime import timedelta

from tongcheng.hotline.actions.outbox import outbox_send
from tongcheng.lib.contributions import RecurringJob

JOBS = [RecurringJob("hotline.outbox", timedelta(minutes=1), outbox_send)]
