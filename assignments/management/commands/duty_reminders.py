"""``manage.py duty_reminders [--date YYYY-MM-DD]``: remind the lawyers not yet compliant with the year's
annual duty (from 1 October, once a month each), for cron on a site without Celery beat. The same
service as beat's ``assignments.tasks.send_duty_reminders``: running both, or twice, reminds nobody
twice."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assignments.services.reminders import FIRST_MONTH, duty_reminders_send, reminder_period


class Command(BaseCommand):
    help = "Remind the lawyers whose annual duty is still in progress (from 1 October, once a month each)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run as of this day (YYYY-MM-DD), e.g. to catch up a missed month; default: today.",
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"--date {options['date']!r} is not a date of the form YYYY-MM-DD."
                ) from exc
            if day > today:
                raise CommandError(
                    f"--date {day.isoformat()} is in the future: reminders say what is on record."
                )
            today = day
        sent = duty_reminders_send(today=today)
        if today.month < FIRST_MONTH:
            self.stdout.write(f"{today.isoformat()}: reminders start on 1 October; none sent.")
        else:
            self.stdout.write(f"{reminder_period(today)}: {sent} reminder(s) sent.")
