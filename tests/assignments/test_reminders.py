"""Reminders of the annual duty (assignments.services.reminders): from 1 October, once a month, to the
lawyers whose year is still in progress; recorded, audited and emailed; never twice for one period."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from assignments import tasks
from assignments.models import DutyReminder
from assignments.services import reminders
from directory.audit import AuditAction
from directory.models import AuditEvent
from tests.assignments import test_reports
from tests.world import case_assignment, service_log_row

# the reports' world (a fixture, found by its name here)
duty_world = test_reports.duty_world

pytestmark = pytest.mark.django_db

YEAR = 2025  # the world's figures; "today" is placed in 2025 so that the year is still in progress


def day(month: int, dom: int = 1) -> datetime.date:
    return datetime.date(YEAR, month, dom)


@pytest.fixture
def world(duty_world, settings):
    """The duty world with an email address on every lawyer's account; 律师1 and 乐平律师 are in progress,
    律师2 and 律师3 have met the duty, 律师4 is exempt."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w = duty_world
    for user, _provider in [*w.lawyers, (w.leping_lawyer.user, w.leping_lawyer)]:
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    w.one = w.lawyers[0][1]
    return w


def reminded(period: str) -> set[str]:
    return set(DutyReminder.objects.filter(period=period).values_list("provider__name", flat=True))


def mailed() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_nothing_before_october(world):
    for today in (day(1), day(6, 15), day(9, 30)):
        assert reminders.duty_reminders_send(today=today) == 0
    assert not DutyReminder.objects.exists()
    assert mail.outbox == []


def test_from_1_october_the_lawyers_in_progress_are_reminded_once(world):
    assert reminders.duty_reminders_send(today=day(10)) == 2
    assert reminded("2025-10") == {"律师1", "乐平律师"}  # not the met 律师2 and 律师3, nor the exempt 律师4
    assert mailed() == ["lawyer_01@example.cn", "lawyer_leping@example.cn"]
    # the figures of the day are on the record
    row = DutyReminder.objects.get(provider=world.one, period="2025-10")
    assert (row.year, row.cases, row.hours) == (YEAR, 1, Decimal("38.0"))
    # the email says what is missing
    (message,) = [m for m in mail.outbox if m.to == ["lawyer_01@example.cn"]]
    assert "12.0" in message.body and "2025" in message.subject
    # an audit row each
    events = AuditEvent.objects.filter(action=AuditAction.DUTY_REMINDER_SEND)
    assert sorted(e.new["provider"] for e in events) == sorted([world.one.pk, world.leping_lawyer.pk])

    # again the same day, and later the same month: nothing more
    assert reminders.duty_reminders_send(today=day(10)) == 0
    assert reminders.duty_reminders_send(today=day(10, 31)) == 0
    assert len(mail.outbox) == 2
    assert DutyReminder.objects.count() == 2


def test_once_a_month_until_the_year_is_met(world):
    assert reminders.duty_reminders_send(today=day(10, 2)) == 2
    # 律师1 takes a second case in October: met, so no reminder in November
    case_assignment(world, world.one, day(10, 20))
    mail.outbox.clear()
    assert reminders.duty_reminders_send(today=day(11, 1)) == 1
    assert reminded("2025-11") == {"乐平律师"}
    assert mailed() == ["lawyer_leping@example.cn"]
    # and December once more for the one still short
    assert reminders.duty_reminders_send(today=day(12, 1)) == 1
    assert reminded("2025-12") == {"乐平律师"}


def test_hours_verified_in_october_also_end_the_reminders(world):
    reminders.duty_reminders_send(today=day(10))
    service_log_row(world, world.leping_lawyer, day(10, 10), "0.1")  # 49.9 + 0.1 = 50.0
    assert reminders.duty_reminders_send(today=day(11)) == 1
    assert reminded("2025-11") == {"律师1"}


def test_a_lawyer_without_an_address_is_still_recorded(world):
    user = world.lawyers[0][0]
    user.email = ""
    user.save(update_fields=["email"])
    assert reminders.duty_reminders_send(today=day(10)) == 2
    assert reminded("2025-10") == {"律师1", "乐平律师"}
    assert mailed() == ["lawyer_leping@example.cn"]


def test_a_run_that_loses_the_race_sends_nothing(world, monkeypatch):
    """Two runs at once both read "not reminded yet"; the unique row lets only one of them send."""
    real = reminders.DutyReminder.objects.filter

    def stale(*args, **kwargs):
        # this run read the month's reminders before the other run wrote its rows
        if "period" in kwargs and not args:
            return real(pk__in=[])
        return real(*args, **kwargs)

    reminders.duty_reminders_send(today=day(10))  # the other run
    mail.outbox.clear()
    monkeypatch.setattr(reminders.DutyReminder.objects, "filter", stale)
    assert reminders.duty_reminders_send(today=day(10)) == 0
    assert mail.outbox == []
    assert DutyReminder.objects.count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.DUTY_REMINDER_SEND).count() == 2


def test_a_failed_email_does_not_stop_the_others(world, monkeypatch, caplog):
    sent = []

    def flaky(subject, body, sender, to, fail_silently=False):
        if to == ["lawyer_01@example.cn"]:
            raise OSError("SMTP down")
        sent.append(to)
        return 1

    monkeypatch.setattr(reminders, "send_mail", flaky)
    assert reminders.duty_reminders_send(today=day(10)) == 2
    assert sent == [["lawyer_leping@example.cn"]]
    assert "could not be sent" in caplog.text
    # recorded all the same: at most one reminder a period, never two
    assert reminders.duty_reminders_send(today=day(10)) == 0


def test_the_period_is_the_month():
    assert reminders.reminder_period(datetime.date(2026, 10, 1)) == "2026-10"
    assert reminders.reminder_period(datetime.date(2026, 12, 31)) == "2026-12"


def test_the_command_and_the_task(world, monkeypatch):
    out = io.StringIO()
    call_command("duty_reminders", "--date", "2025-09-30", stdout=out)
    assert "1 October" in out.getvalue()
    out = io.StringIO()
    call_command("duty_reminders", "--date", "2025-10-05", stdout=out)
    assert "2025-10: 2 reminder(s) sent." in out.getvalue()
    for bad in ("2025-13-01", "yesterday", "2999-10-01"):
        with pytest.raises(CommandError):
            call_command("duty_reminders", "--date", bad, stdout=io.StringIO())
    # the beat task runs the same service, as of today
    seen = []
    monkeypatch.setattr(tasks, "duty_reminders_send", lambda: seen.append(True) or 7)
    assert tasks.send_duty_reminders.apply().get() == 7
    assert seen == [True]


def test_beat_runs_the_reminders_daily():
    from config.celery import app

    entry = app.conf.beat_schedule["duty-reminders"]
    assert entry["task"] == tasks.send_duty_reminders.name == "assignments.tasks.send_duty_reminders"
    assert entry["schedule"].hour == {9} and entry["schedule"].day_of_month == set(range(1, 32))
