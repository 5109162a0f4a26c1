"""The recurring jobs on the task worker: scheduled once, each run queueing the next, a stray
copy doing nothing (the real worker, `manage.py db_worker --batch`)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tongcheng.org.contributions import recurring_jobs
from tongcheng.org.models import RecurringJobState
from tongcheng.org.recurring import recurring_schedule, recurring_task, tasks_prune
from tongcheng.registry.tests.test_import_views import run_worker

pytestmark = pytest.mark.django_db
TASK = {"task_path": "tongcheng.org.recurring.recurring_task"}


def test_every_app_declares_its_jobs_once() -> None:
    assert {"cases.sweep", "notify.emails", "notify.texts", "notify.digest"} <= set(
        recurring_jobs()
    )


def test_it_schedules_each_job_once_however_often_it_is_asked() -> None:
    assert sorted(recurring_schedule()) == sorted(recurring_jobs())
    assert recurring_schedule() == []
    out = io.StringIO()
    call_command("schedule_jobs", stdout=out)
    assert "already waiting" in out.getvalue()
    assert DBTaskResult.objects.filter(**TASK).count() == len(recurring_jobs())


def test_a_run_queues_the_next_one_then_works() -> None:
    recurring_schedule()
    started = timezone.now()
    run_worker()
    sweep = RecurringJobState.objects.get(name="cases.sweep")
    assert sweep.last_finished_at is not None and "SweepResult" in sweep.last_summary
    waiting = DBTaskResult.objects.filter(**TASK, status="READY")
    assert waiting.count() == len(recurring_jobs())  # one successor each, none run yet
    successor = waiting.get(pk=sweep.queued_id)
    assert successor.run_after is not None
    assert successor.run_after >= started + timedelta(minutes=5) - timedelta(seconds=1)
    # The successors are not due: a second batch runs nothing.
    run_worker()
    assert DBTaskResult.objects.filter(**TASK, status="SUCCESSFUL").count() == len(recurring_jobs())


def test_a_stray_copy_does_nothing() -> None:
    recurring_schedule()
    recurring_task.enqueue(name="cases.sweep")  # not the run the job's row names
    run_worker()
    summaries = set(
        DBTaskResult.objects.filter(**TASK, status="SUCCESSFUL").values_list(
            "return_value", flat=True
        )
    )
    assert "stray copy" in summaries
    assert DBTaskResult.objects.filter(**TASK, status="READY").count() == len(recurring_jobs())


def test_it_queues_again_when_the_waiting_run_is_gone() -> None:
    recurring_schedule()
    DBTaskResult.objects.filter(**TASK).delete()  # e.g. pruned by an operator
    assert sorted(recurring_schedule()) == sorted(recurring_jobs())


def test_it_prunes_old_finished_tasks_and_keeps_the_rest() -> None:
    now = timezone.now()

    def task(status: str, finished_days_ago: int | None) -> str:
        queued = recurring_task.enqueue(name="org.tasks_prune")
        finished = None if finished_days_ago is None else now - timedelta(days=finished_days_ago)
        DBTaskResult.objects.filter(id=queued.id).update(status=status, finished_at=finished)
        return str(queued.id)

    old_done = task("SUCCESSFUL", 15)
    recent_done = task("SUCCESSFUL", 13)
    old_failed = task("FAILED", 31)
    failed = task("FAILED", 15)  # failed ones are kept longer
    waiting = task("READY", None)
    assert tasks_prune(now=now) == "2 old task results deleted"
    left = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert {recent_done, failed, waiting} <= left
    assert not {old_done, old_failed} & left
    assert "org.tasks_prune" in recurring_jobs()
