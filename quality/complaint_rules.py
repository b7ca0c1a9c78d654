"""The periods of a complaint (Order No. 149; Legal Aid Law Arts 55, 56): the rule row in force and
the due dates, as pure functions over plain values (``aid_cases.periods``).

- **Accept or reject** within ``accept_days`` (5 working days by default) of receipt. The day of
  receipt is not counted (``aid_cases.periods``); working days follow the PRC holiday calendar with
  its substituted working days and the admin's local overrides.
- **Missing information** (the one-time notice, 一次性告知): the accept clock stops on the day of the
  notice and, once the complainant supplies what was missing, **starts again in full** from the day
  it was supplied. Whether to accept can only be judged on a complete complaint, so the days spent
  before the notice are not carried over (as for a 补正 elsewhere in Chinese administrative rules);
  an ``accept_due`` that had almost run out when the notice went would otherwise fall before the
  handler could read the answer. While the notice is outstanding there is no accept due date. The
  complainant supplies within ``supplement_days`` calendar days of the notice; after that the handler
  accepts or rejects the complaint as it stands.
- **Decide** within ``decide_days`` (45 days by default, calendar days) of the day it was accepted; a
  period that ends on a rest day ends on the next working day.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q

from aid_cases import periods
from aid_cases.choices import CountingMode
from aid_cases.rules import work_calendar
from core.refdata import refdata
from directory.models import Region

from .models import ComplaintRule

# Order No. 149's periods when no rule row is in force: accept within 5 working days, decide within 45
# days; the identity of the complainant stays hidden from the person complained about.
DEFAULT_RULE = ComplaintRule(
    accept_days=5,
    accept_counting=CountingMode.WORKING,
    decide_days=45,
    decide_counting=CountingMode.CALENDAR,
    supplement_days=10,
    reveal_complainant=False,
    valid_from=datetime.date(2025, 6, 15),  # Order No. 149 in force
)


def complaint_rule_in_force(region: Region | None, day: datetime.date) -> ComplaintRule:
    """The region's own row in force on ``day``, else the row for every region, else the defaults
    (unsaved). One query (cached with the other reference data, ``core.refdata``)."""

    def load() -> ComplaintRule | None:
        own = Q(region=region) if region is not None else Q(pk__in=[])
        return (
            ComplaintRule.objects.filter(own | Q(region__isnull=True), valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by(F("region").asc(nulls_last=True), "-valid_from")
            .first()
        )

    key = f"complaint-rule:{region.pk if region is not None else '-'}:{day}"
    return refdata(key, load) or DEFAULT_RULE


# --- due dates, pure ------------------------------------------------------------------------------


def accept_due(
    *,
    received_on: datetime.date,
    rule: ComplaintRule,
    calendar: periods.WorkCalendar,
    supplement_asked_on: datetime.date | None = None,
    supplemented_on: datetime.date | None = None,
) -> datetime.date | None:
    """When the complaint must be accepted or rejected by.

    From the day it was received; after a notice of missing information, ``None`` until the
    information is supplied, then the full period again from the day it was supplied.
    """
    if supplement_asked_on is not None:
        if supplemented_on is None:
            return None  # the clock stands still while the complainant supplies what is missing
        start = supplemented_on
    else:
        start = received_on
    return periods.add_period(
        start, rule.accept_days, mode=periods.CountingMode(rule.accept_counting), calendar=calendar
    )


def decide_due(
    *, accepted_on: datetime.date, rule: ComplaintRule, calendar: periods.WorkCalendar
) -> datetime.date | None:
    """When an accepted complaint must be decided by: ``decide_days`` from the day of acceptance."""
    return periods.add_period(
        accepted_on, rule.decide_days, mode=periods.CountingMode(rule.decide_counting), calendar=calendar
    )


def supplement_due(
    *, asked_on: datetime.date, rule: ComplaintRule, calendar: periods.WorkCalendar
) -> datetime.date | None:
    """The last day to supply the missing information: ``supplement_days`` calendar days after the
    notice (a period ending on a rest day ends on the next working day)."""
    return periods.add_period(
        asked_on, rule.supplement_days, mode=periods.CountingMode.CALENDAR, calendar=calendar
    )


__all__ = [
    "DEFAULT_RULE",
    "accept_due",
    "complaint_rule_in_force",
    "decide_due",
    "supplement_due",
    "work_calendar",
]
