"""Glue between rule rows in the database and the pure rule functions (means.py, periods.py).

Reads the rows in force on a day and hands plain values to the pure functions, so the
functions stay testable without a database and a decision can record which rows it used.
"""

from __future__ import annotations

import datetime

from directory.models import Region

from . import means, periods
from .models import CalendarOverride, EconomicStandard, PeriodRule

DEFAULT_PERIODS = PeriodRule(review_days=7, assign_days=3, notified_assign_days=3, objection_days=5,
                             supplement_days=15, provisional_threshold_days=7)


def economic_standard_in_force(region: Region, day: datetime.date) -> EconomicStandard | None:
    return EconomicStandard.in_force(day, region=region)


def as_standard(row: EconomicStandard | None) -> means.Standard | None:
    if row is None:
        return None
    return means.Standard(
        id=row.pk, region=row.region.code, kind=row.kind, monthly_amount=row.monthly_amount,
        asset_cap=row.asset_cap, valid_from=row.valid_from,
    )


def period_rule_in_force(region: Region, day: datetime.date) -> PeriodRule:
    """The region's own row, else the row for every region, else the statutory defaults (unsaved)."""
    return (
        PeriodRule.in_force(day, region=region)
        or PeriodRule.in_force(day, region__isnull=True)
        or DEFAULT_PERIODS
    )


def work_calendar() -> periods.WorkCalendar:
    overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
    return periods.WorkCalendar(overrides)


def due_date(
    *, start: datetime.date, days: int, rule: PeriodRule, pauses=(), calendar: periods.WorkCalendar | None = None
) -> datetime.date | None:
    return periods.add_period(
        start, days, mode=periods.CountingMode(rule.counting_mode), calendar=calendar or work_calendar(),
        pauses=pauses,
    )
