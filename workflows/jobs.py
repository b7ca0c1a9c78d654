"""Celery jobs of the workflows, run by beat (config/celery.py); cron's ``manage.py workflow_timers`` still works."""

from __future__ import annotations

from celery import shared_task
from viewflow.workflow import timers


@shared_task(name="workflows.jobs.fire_due_timers", ignore_result=True)
def fire_due_timers() -> int:
    """Fire every due flow timer (a supplement period that passed withdraws its application)."""
    return timers.fire_due_timers()
