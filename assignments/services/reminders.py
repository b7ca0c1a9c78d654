"""Reminders of the annual duty (docs/domain.md §6): from 1 October, each lawyer not yet compliant is
reminded once a month until the year ends or the duty is met.

``duty_reminders_send`` runs daily (Celery beat: ``assignments.tasks.send_duty_reminders``; cron:
``manage.py duty_reminders``), so each run sends only what the month has not had yet. The period is the
month ("2026-10"); a ``DutyReminder`` row per lawyer and period, under a unique constraint, is both the
record of the reminder and the claim to send it: two runs at once (a beat tick and a cron run, two
workers) may both find a lawyer unreminded, but only the one whose row is written sends. The row and its
audit row are committed before the email goes out, and a failed email is logged, not retried: a lawyer
is reminded at most once a period (the row still shows on their duty record), never twice.

Who: the lawyers whose year is ``in_progress`` as ``assignments.quota`` computes it (the same figures as
the pages and reports): met and exempt lawyers are not reminded, nor lawyers of inactive firms.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.services import audit_record
from documents.pdf import chinese_date

from ..models import DutyReminder
from ..quota import IN_PROGRESS, LawyerDuty, duty_lawyers, lawyer_duty_rows

logger = logging.getLogger(__name__)

# Reminders start on 1 October: the last quarter leaves time to take a case or log the hours.
FIRST_MONTH = 10


def reminder_period(day: datetime.date) -> str:
    """The period of a reminder sent on ``day``: its month, "2026-10"."""
    return f"{day.year}-{day.month:02d}"


def _message(row: LawyerDuty, *, today: datetime.date) -> tuple[str, str]:
    """The email's subject and body, in the site's language (the lawyers' screens are Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        result = row.result
        subject = _("Reminder: your annual public-interest legal service duty for %(year)s") % {
            "year": row.year
        }
        body = "\n\n".join(
            [
                _("Dear %(lawyer)s,") % {"lawyer": row.name},
                _(
                    "As of %(date)s the legal aid system records %(cases)s legal-aid cases and %(hours)s "
                    "verified hours of public-interest legal service for you in %(year)s. The annual duty is "
                    "%(min_cases)s cases or %(min_hours)s hours: %(missing)s, by 31 December."
                )
                % {
                    "date": chinese_date(today),
                    "cases": result.cases,
                    "hours": f"{result.hours:.1f}",
                    "year": row.year,
                    "min_cases": result.min_cases,
                    "min_hours": f"{result.min_hours:.1f}",
                    "missing": result.missing,
                },
                _(
                    "Log your public-interest service in the legal aid system so that the legal aid center "
                    "can verify it. If you have already done so, no action is needed once it is verified."
                ),
                str(settings.SITE_TITLE),
            ]
        )
    return subject, body


def _record(row: LawyerDuty, *, period: str) -> DutyReminder | None:
    """Claim the lawyer's reminder of ``period``: the new row, or None when another run has it."""
    try:
        with service_transaction():
            # a savepoint of its own: the unique constraint's refusal must not spoil a caller's transaction
            with transaction.atomic():
                reminder = DutyReminder.objects.create(
                    provider_id=row.lawyer_id,
                    year=row.year,
                    period=period,
                    cases=row.result.cases,
                    hours=row.result.hours,
                )
            audit_record(
                actor=None,
                action=AuditAction.DUTY_REMINDER_SEND,
                obj=reminder,
                new={
                    "provider": row.lawyer_id,
                    "period": period,
                    "cases": row.result.cases,
                    "hours": f"{row.result.hours:.1f}",
                    "status": row.status,
                },
            )
    except IntegrityError:
        return None
    return reminder


def duty_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind every lawyer whose duty of this year is still in progress, once this month; from 1 October
    only (before it: nothing). Returns the number of reminders recorded by this run.

    Each reminder is a ``DutyReminder`` row with the figures, an audit row
    (``AuditAction.DUTY_REMINDER_SEND``) and an email to the lawyer's account when it has an address.
    """
    today = today or timezone.localdate()
    if today.month < FIRST_MONTH:
        return 0
    period = reminder_period(today)
    due = [row for row in lawyer_duty_rows(year=today.year, today=today) if row.status == IN_PROGRESS]
    if not due:
        return 0
    already = set(DutyReminder.objects.filter(period=period).values_list("provider_id", flat=True))
    due = [row for row in due if row.lawyer_id not in already]
    # the addresses of the year's lawyers, by the report's own selection: no list of ids in the query
    addresses = dict(
        duty_lawyers(year=today.year)
        .filter(user__isnull=False)
        .exclude(user__email="")
        .order_by()
        .values_list("pk", "user__email")
    )
    sent = 0
    for row in due:
        if _record(row, period=period) is None:
            continue  # another run reminded this lawyer this month, a moment ago
        sent += 1
        address = addresses.get(row.lawyer_id)
        if not address:
            continue
        subject, body = _message(row, today=today)
        try:
            send_mail(subject, body, None, [address], fail_silently=False)
        except Exception:  # SMTP down, a refused address: the next lawyers still get theirs
            logger.exception(
                "duty reminder %s of lawyer %s: the email could not be sent", period, row.lawyer_id
            )
    return sent
