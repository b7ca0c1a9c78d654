"""The reply period of online questions and the reply rate (Legal Aid Law Art 23; the seed's target
"对留言咨询问题的回复率达100%"): the rule row in force and pure functions over plain values.

- **Answer due**: ``reply_days`` of the rule in force on the day the question was asked, counted as the
  rule says (working days by default) with the one calendar of the project (``aid_cases.periods``: the
  day the question arrives is not counted; PRC holidays, substituted working days and the admin's
  local overrides). A question sent on Friday with a period of 2 working days is due on Tuesday.
- **On time**: answered on the due day or before it (the local date of the answer); the next day is late.
- **Reply rate**: answered on time ÷ questions, 4 places, half up. With no question there is nothing to
  rate: ``None`` (the API's ``null``), as the follow-up rates do — "1.0000" would claim a target met
  that nobody was measured against, "0.0000" a failure that did not happen.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q

from aid_cases import periods
from aid_cases.choices import CountingMode
from aid_cases.rules import work_calendar
from core.refdata import refdata
from directory.models import Region

from .models import ConsultationRule

RATE_PLACES = Decimal("0.0001")

# When no rule row is in force: 2 working days, the common practice of the 12348 platforms, and the
# seed's 100% target. An unsaved row: the admin's rows override it.
DEFAULT_RULE = ConsultationRule(
    reply_days=2,
    reply_counting=CountingMode.WORKING,
    reply_rate_target=Decimal("1.0000"),
    valid_from=datetime.date(2022, 1, 1),  # the Legal Aid Law in force
)


def consultation_rule_in_force(region: Region | None, day: datetime.date) -> ConsultationRule:
    """The region's own row in force on ``day``, else the row for every region, else the defaults
    (unsaved). One query, cached with the other reference data (``core.refdata``)."""

    def load() -> ConsultationRule | None:
        own = Q(region=region) if region is not None else Q(pk__in=[])
        return (
            ConsultationRule.objects.filter(own | Q(region__isnull=True), valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by(F("region").asc(nulls_last=True), "-valid_from")
            .first()
        )

    key = f"consultation-rule:{region.pk if region is not None else '-'}:{day}"
    return refdata(key, load) or DEFAULT_RULE


# --- pure ----------------------------------------------------------------------------------------


def answer_due(
    *, asked_on: datetime.date, rule: ConsultationRule, calendar: periods.WorkCalendar
) -> datetime.date:
    """The last day to answer an online question asked on ``asked_on``."""
    due = periods.add_period(
        asked_on, rule.reply_days, mode=periods.CountingMode(rule.reply_counting), calendar=calendar
    )
    if due is None:  # only a pause still outstanding stops a clock, and a question has none
        raise ValueError("a reply period without pauses always ends")
    return due


def answered_on_time(answered_on: datetime.date | None, due: datetime.date | None) -> bool:
    """Answered on the due day or before it; an unanswered question, or one without a period, is not."""
    return answered_on is not None and due is not None and answered_on <= due


def reply_rate(questions: int, answered_on_time: int) -> Decimal | None:
    """``answered_on_time ÷ questions`` to 4 places (half up); ``None`` when there is no question.

    A part is never more than its whole and neither is negative: anything else is a bug upstream
    (``ValueError``), not a reply rate of 120%.
    """
    if questions < 0 or answered_on_time < 0:
        raise ValueError("a count cannot be negative")
    if answered_on_time > questions:
        raise ValueError("the part cannot exceed the whole")
    if questions == 0:
        return None
    return (Decimal(answered_on_time) / Decimal(questions)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def target_met(questions: int, answered_on_time: int, target: Decimal) -> bool | None:
    """Whether the reply rate reaches the rule's target, compared exactly (not on the rounded rate:
    9,999 of 10,000 questions answered on time round to "1.0000" but miss a 100% target); ``None``
    when there is no question to judge."""
    if questions == 0:
        return None
    return Decimal(answered_on_time) >= target * questions


__all__ = [
    "DEFAULT_RULE",
    "answer_due",
    "answered_on_time",
    "consultation_rule_in_force",
    "reply_rate",
    "target_met",
    "work_calendar",
]
