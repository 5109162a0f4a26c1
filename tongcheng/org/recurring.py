"""Recurring work on the task worker: one self-renewing chain of tasks per job.

Django's task framework and the database backend queue tasks, but repeat nothing by themselves.
Each app declares what the worker repeats (`<app>/jobs.py`, `JOBS`: a RecurringJob with a name,
an interval and a function). `recurring_schedule()` (`manage.py schedule_jobs`, run by
`make run` and at every deploy before the worker starts) makes sure each job has one task
waiting; a run of `recurring_task` first queues its successor `every` later, in the same
transaction that names the successor in the job's `RecurringJobState` row, and then does the
work. So the chain survives a round that fails (the next one is already queued), a stray copy
(a task not named in the row) returns without working, and scheduling twice queues nothing more.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.tasks import TaskContext, TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tongcheng.org.contributions import recurring_jobs
from tongcheng.org.models import RecurringJobState

logger = logging.getLogger(__name__)

# A run still marked running this long after it started is taken for dead (its worker was
# killed): scheduling then queues a fresh one.
STALE_AFTER = timedelta(minutes=30)
WAITING = {TaskResultStatus.READY, TaskResultStatus.RUNNING}


@task(takes_context=True)
def recurring_task(context: TaskContext[[str], str], name: str) -> str:
    """One round of the recurring job `name`, after queueing the next round."""
    job = recurring_jobs().get(name)
    if job is None:
        return "not declared"
    own_id = str(context.task_result.id)
    started = timezone.now()
    with transaction.atomic():
        row = RecurringJobState.objects.select_for_update().filter(name=name).first()
        if row is None or row.queued_id != own_id:
            return "stray copy"
        row.queued_id = _queue(name, started + job.every)
        row.last_started_at = started
        row.save(update_fields=["queued_id", "last_started_at"])
    summary = str(job.run())[:200]
    RecurringJobState.objects.filter(name=name).update(
        last_finished_at=timezone.now(), last_summary=summary
    )
    logger.info("recurring job %s: %s", name, summary)
    return summary


def recurring_schedule(*, now: datetime | None = None) -> list[str]:
    """Queue a run of every declared job that has none waiting; the names queued."""
    moment = now or timezone.now()
    queued = []
    for name in recurring_jobs():
        with transaction.atomic():
            RecurringJobState.objects.get_or_create(name=name)
            row = RecurringJobState.objects.select_for_update().get(name=name)
            if _waiting(row.queued_id, moment):
                continue
            row.queued_id = _queue(name, moment)
            row.save(update_fields=["queued_id"])
            queued.append(name)
    return queued


def _queue(name: str, at: datetime) -> str:
    return str(recurring_task.using(run_after=at).enqueue(name=name).id)


def _waiting(result_id: str, now: datetime) -> bool:
    """Whether the task named is still to run (or running, and not for too long)."""
    if not result_id:
        return False
    try:
        result = recurring_task.get_result(result_id)
    except TaskResultDoesNotExist:
        return False
    if result.status not in WAITING:
        return False
    started = result.started_at
    stale = started is not None and now - started > STALE_AFTER
    return not (result.status == TaskResultStatus.RUNNING and stale)


# Finished tasks are kept this long, failed ones longer (someone may look into them); the job
# `org.tasks_prune` deletes what is older. The recurring jobs alone finish some 45,000 tasks a
# day (the platform's tickets every 2 seconds), so the queue's table must not keep them all.
TASKS_KEPT = timedelta(days=14)
FAILED_TASKS_KEPT = timedelta(days=30)


def tasks_prune(*, now: datetime | None = None) -> str:
    """Delete the finished task results older than TASKS_KEPT (FAILED_TASKS_KEPT if failed)."""
    moment = now or timezone.now()
    old = Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=moment - TASKS_KEPT) | Q(
        status=TaskResultStatus.FAILED, finished_at__lt=moment - FAILED_TASKS_KEPT
    )
    deleted, _ = DBTaskResult.objects.finished().filter(old).delete()
    return f"{deleted} old task results deleted"
