"""What the task worker repeats for the cases (org/recurring.py)."""

from datetime import timedelta

from tongcheng.cases.actions.sweep import overdue_sweep
from tongcheng.cases.attachments.actions import orphans_sweep
from tongcheng.lib.contributions import RecurringJob

JOBS = [
    RecurringJob("cases.sweep", timedelta(minutes=5), overdue_sweep),
    # Files no attachment holds (a rolled-back upload, a removal's file not yet erased).
    RecurringJob("cases.attachment_files", timedelta(hours=1), orphans_sweep),
]
