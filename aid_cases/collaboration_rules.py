"""A collaboration letter's deadline on the working-day calendar (``aid_cases.periods``): the rule row in
force and two pure functions over plain values.

- **No deadline named**: the receiving center answers within the rule's ``answer_days`` working days,
  counted from the day after the letter is sent (``periods.add_period`` in working days): weekends,
  the PRC public holidays and the admin's local rest days do not count; substituted working days (调休)
  and local working days do.
- **A deadline named**: the day the sender chose, unless it is a rest day, when the deadline is the
  next working day (a letter cannot be due on a day the receiving center is closed). The sender is told.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.db.models import F, Q

from directory.models import Region

from . import periods
from .models import CollaborationRule
from .rules import work_calendar

# Ten working days when no rule row is in force: a fortnight, the usual span of a center's inquiry.
DEFAULT_RULE = CollaborationRule(answer_days=10, valid_from=datetime.date(2021, 1, 1))


def collaboration_rule_in_force(region: Region, day: datetime.date) -> CollaborationRule:
    """The region's own row in force on ``day``, else the row for every region, else the default
    (unsaved). One query; letters are few, so the row is read fresh rather than cached."""
    row = (
        CollaborationRule.objects.filter(Q(region=region) | Q(region__isnull=True), valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by(F("region").asc(nulls_last=True), "-valid_from")
        .first()
    )
    return row or DEFAULT_RULE


# --- pure -----------------------------------------------------------------------------------------


def answer_due(*, sent_on: datetime.date, days: int, calendar: periods.WorkCalendar) -> datetime.date:
    """The ``days``-th working day after ``sent_on`` (the day of sending is not counted)."""
    # without pauses the clock never stops: add_period answers a date
    return cast(
        datetime.date,
        periods.add_period(sent_on, days, mode=periods.CountingMode.WORKING, calendar=calendar),
    )


def on_working_day(day: datetime.date, calendar: periods.WorkCalendar) -> datetime.date:
    """A deadline the sender named: ``day`` itself on a working day, else the next working day."""
    return calendar.next_working_day(day)


__all__ = ["DEFAULT_RULE", "answer_due", "collaboration_rule_in_force", "on_working_day", "work_calendar"]
