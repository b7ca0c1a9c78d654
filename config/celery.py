"""The Celery app: ``celery -A config worker`` (add ``-B``, or run ``celery -A config beat``, for timers).

Broker: ``CELERY_BROKER_URL`` (e.g. ``redis://127.0.0.1:6379/1``). With it empty, the default, the site
needs no worker: letters are rendered in the web process after the response (documents.rendering)
and workflow timers fire only from cron (``manage.py workflow_timers``). Settings are the
``CELERY_*`` names of config/settings.py.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks modules of the installed apps (documents.tasks), and workflows.jobs: workflows/tasks.py
# is the flows' human task list, not Celery's.
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="jobs")

app.conf.beat_schedule = {
    # Supplement periods that pass withdraw their applications; a minute late at most. viewflow
    # re-checks each timer under its flow lock, so a slow run overlapping the next is harmless, and a
    # tick not started within the minute is dropped rather than piling up behind a stopped worker.
    "workflow-timers": {
        "task": "workflows.jobs.fire_due_timers",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The annual duty's reminders (assignments.services.reminders): daily at 09:00 in the site's time
    # zone. Each lawyer's is sent once a month from October, so a month's later runs remind only those
    # not reminded yet (a lawyer who joined, hours rejected). A run not started within the hour is
    # dropped: the next day's catches up.
    "duty-reminders": {
        "task": "assignments.tasks.send_duty_reminders",
        "schedule": crontab(hour=9, minute=0),
        "options": {"expires": 3600},
    },
}
