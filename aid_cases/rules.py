"""Glue between rule rows in the database and the pure rule functions (means.py, periods.py).

Reads the rows in force on a day and hands plain values to the pure functions, so the
functions stay testable without a database and a decision can record which rows it used.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from core.refdata import refdata
from directory.models import Region

from . import means, periods
from .choices import CountingMode
from .models import (
    Application,
    CalendarOverride,
    EconomicStandard,
    LocalApplicantCategory,
    LocalCode,
    LocalMatterType,
    PeriodRule,
)

# The statute's periods, in calendar days (日: Arts 36, 43, 49), when no rule row is in force.
DEFAULT_PERIODS = PeriodRule(
    counting_mode=CountingMode.CALENDAR,
    review_days=7,
    assign_days=3,
    notified_assign_days=3,
    objection_days=5,
    supplement_days=15,
    provisional_threshold_days=7,
    confirm_days=7,
    closing_report_days=30,
    closure_review_days=30,
)


def economic_standard_in_force(region: Region, day: datetime.date) -> EconomicStandard | None:
    row = refdata(f"standard:{region.pk}:{day}", lambda: EconomicStandard.in_force(day, region=region))
    if row is not None:
        row.region = region  # the caller's object: reading row.region.code costs no query
    return row


def as_standard(row: EconomicStandard | None) -> means.Standard | None:
    if row is None:
        return None
    return means.Standard(
        id=row.pk,
        region=row.region.code,
        kind=row.kind,
        monthly_amount=row.monthly_amount,
        asset_cap=row.asset_cap,
        valid_from=row.valid_from,
    )


def _local_in_force(model: type[LocalCode], day: datetime.date) -> QuerySet[Any]:
    return (
        model._default_manager.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("code")
    )


def local_groups(day: datetime.date) -> tuple[means.LocalGroup, ...]:
    """The special groups local rules add, in force on ``day`` (Art 42 (4)): what a filing that day
    may carry, with their Chinese labels, as ``means.means_test`` takes them."""
    return refdata(
        f"local-groups:{day}",
        lambda: tuple(
            means.LocalGroup(code, label)
            for code, label in _local_in_force(LocalApplicantCategory, day).values_list("code", "label")
        ),
    )


def local_matters(day: datetime.date) -> tuple[means.LocalMatter, ...]:
    """The matter types local rules add, in force on ``day`` (Art 32 (5)), each with its kind of matter."""
    return refdata(
        f"local-matters:{day}",
        lambda: tuple(
            means.LocalMatter(code, label, category)
            for code, label, category in _local_in_force(LocalMatterType, day).values_list(
                "code", "label", "matter_category"
            )
        ),
    )


def period_rule_in_force(region: Region, day: datetime.date) -> PeriodRule:
    """The region's own row, else the row for every region, else the statutory defaults (unsaved).

    One query: both candidate rows come back, the region's own first.
    """

    def load() -> PeriodRule | None:
        return (
            PeriodRule.objects.filter(Q(region=region) | Q(region__isnull=True), valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by(F("region").asc(nulls_last=True), "-valid_from")
            .first()
        )

    return refdata(f"periods:{region.pk}:{day}", load) or DEFAULT_PERIODS


def work_calendar() -> periods.WorkCalendar:
    overrides = refdata(
        "calendar", lambda: dict(CalendarOverride.objects.values_list("date", "is_working_day"))
    )
    return periods.WorkCalendar(overrides)


def due_date(
    *,
    start: datetime.date,
    days: int,
    rule: PeriodRule,
    pauses: Sequence[periods.Pause] = (),
    calendar: periods.WorkCalendar | None = None,
) -> datetime.date | None:
    return periods.add_period(
        start,
        days,
        mode=periods.CountingMode(rule.counting_mode),
        calendar=calendar or work_calendar(),
        pauses=pauses,
    )


def confirm_due(*, decided_on: datetime.date, region: Region) -> datetime.date | None:
    """When the review after provisional aid (Art 44) is due: ``confirm_days`` of the rule in force on
    the day provisional aid was decided, counted from that day."""
    rule = period_rule_in_force(region, decided_on)
    return due_date(start=decided_on, days=rule.confirm_days, rule=rule)


def confirm_review_due(application: Application) -> datetime.date | None:
    """The due date of the review after the application's provisional aid (set with the provisional
    decision, ``confirm_due``); None without provisional aid."""
    return application.decision_due if application.provisional else None


def period_text(days: int, counting_mode: str) -> str:
    """A period as letters and pages print it, from the rule row: "5个工作日" or "5日"."""
    if counting_mode == CountingMode.WORKING:
        return ngettext("%(days)s working day", "%(days)s working days", days) % {"days": days}
    return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}


def period_text_in_force(region: Region, period: str, day: datetime.date | None = None) -> str:
    """One period of the rule in force on ``day`` (today by default) as letters and pages print it:
    ``period`` names the rule's field (``assign_days``, ``closing_report_days``, ...)."""
    rule = period_rule_in_force(region, day or timezone.localdate())
    return period_text(getattr(rule, period), rule.counting_mode)


def objection_period_text(region: Region, day: datetime.date) -> str:
    """How long the bureau has to decide an objection (Art 49), as the rule in force on ``day`` says."""
    return period_text_in_force(region, "objection_days", day)


__all__ = [
    "DEFAULT_PERIODS",
    "as_standard",
    "confirm_due",
    "confirm_review_due",
    "due_date",
    "economic_standard_in_force",
    "local_groups",
    "local_matters",
    "objection_period_text",
    "period_rule_in_force",
    "period_text",
    "period_text_in_force",
    "work_calendar",
]
