"""Queue each recurring job that has no run waiting (`manage.py schedule_jobs`).

Run before the task worker starts (`make run` does; docs/deploy.md): safe to run any number of
times, it queues only what is missing (tongcheng/org/recurring.py).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongcheng.org.contributions import recurring_jobs
from tongcheng.org.recurring import recurring_schedule


class Command(BaseCommand):
    help = "Queue a run of every recurring job (sweeps, outboxes, digests) that has none waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = recurring_schedule()
        for name, job in recurring_jobs().items():
            state = "queued now" if name in queued else "already waiting"
            self.stdout.write(f"{name}: every {job.every}, {state}")
