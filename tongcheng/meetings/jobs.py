"""What the task worker repeats for the meetings (org/recurring.py): the 催办 sweep."""

from datetime import timedelta

from tongcheng.lib.contributions import RecurringJob
from tongcheng.meetings.actions.sweep import chase_sweep

JOBS = [RecurringJob("meetings.chase", timedelta(minutes=15), chase_sweep)]
