"""What the task worker repeats for the cases (org/recurring.py)."""

from datetime import timedelta

from tongcheng.cases.actions.sweep import overdue_sweep
from tongcheng.lib.contributions import RecurringJob

JOBS = [RecurringJob("cases.sweep", timedelta(minutes=5), overdue_sweep)]
