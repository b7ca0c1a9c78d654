"""Celery tasks of assignments, run by beat (config/celery.py); cron's ``manage.py duty_reminders`` does
the same."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from .services.reminders import duty_reminders_send


# Safe to run again or twice at once: each lawyer's reminder of a month is written once (a unique row),
# so a retry after a database hiccup, or a redelivered message, reminds only those not reminded yet.
@shared_task(
    name="assignments.tasks.send_duty_reminders",
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def send_duty_reminders() -> int:
    """Remind the lawyers not yet compliant with this year's duty (from 1 October, once a month)."""
    return duty_reminders_send()
