"""What the task worker repeats for the platform itself (org/recurring.py)."""

from datetime import timedelta

from tongcheng.lib.contributions import RecurringJob
from tongcheng.org.recurring import tasks_prune

JOBS = [RecurringJob("org.tasks_prune", timedelta(hours=1), tasks_prune)]
