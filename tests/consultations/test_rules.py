"""The reply period and the reply rate as pure functions, at their boundaries (consultations.rules)."""

import datetime
from decimal import Decimal

import pytest

from aid_cases.periods import WorkCalendar
from consultations import rules
from consultations.models import ConsultationRule
from tests.factories import region

CALENDAR = WorkCalendar({})


def rule(days=2, counting="working", target="1.0000") -> ConsultationRule:
    return ConsultationRule(
        reply_days=days,
        reply_counting=counting,
        reply_rate_target=Decimal(target),
        valid_from=datetime.date(2022, 1, 1),
    )


@pytest.mark.parametrize(
    ("asked_on", "due"),
    [
        # the day it arrives is not counted: Monday → Wednesday
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 4)),
        # Friday → Tuesday (the weekend does not count)
        (datetime.date(2026, 3, 6), datetime.date(2026, 3, 10)),
        # asked on a Saturday: Monday and Tuesday
        (datetime.date(2026, 3, 7), datetime.date(2026, 3, 10)),
        # the National Day and Mid-Autumn holiday (1-8 October 2025, with working Sunday 28 September
        # and Saturday 11 October): asked on Tuesday 30 September → Thursday 9, Friday 10 October
        (datetime.date(2025, 9, 30), datetime.date(2025, 10, 10)),
    ],
)
def test_answer_due_counts_working_days_after_the_day_asked(asked_on, due):
    assert rules.answer_due(asked_on=asked_on, rule=rule(), calendar=CALENDAR) == due


def test_a_local_override_moves_the_due_date():
    # the admin records Wednesday 4 March 2026 as a rest day: a question of Monday is due on Thursday
    calendar = WorkCalendar({datetime.date(2026, 3, 4): False})
    assert rules.answer_due(asked_on=datetime.date(2026, 3, 2), rule=rule(), calendar=calendar) == (
        datetime.date(2026, 3, 5)
    )


def test_a_period_in_calendar_days_ending_on_a_rest_day_ends_on_the_next_working_day():
    # Thursday + 2 calendar days = Saturday → Monday
    due = rules.answer_due(
        asked_on=datetime.date(2026, 3, 5), rule=rule(counting="calendar"), calendar=CALENDAR
    )
    assert due == datetime.date(2026, 3, 9)


def test_answered_on_the_due_day_is_on_time_and_the_next_day_is_late():
    due = datetime.date(2026, 3, 10)
    assert rules.answered_on_time(datetime.date(2026, 3, 9), due) is True
    assert rules.answered_on_time(due, due) is True
    assert rules.answered_on_time(datetime.date(2026, 3, 11), due) is False
    assert rules.answered_on_time(None, due) is False
    assert rules.answered_on_time(due, None) is False


@pytest.mark.parametrize(
    ("questions", "on_time", "rate"),
    [
        (1, 1, Decimal("1.0000")),
        (1, 0, Decimal("0.0000")),
        (3, 2, Decimal("0.6667")),  # 0.66666… half up
        (8, 1, Decimal("0.1250")),
        (20000, 19999, Decimal("1.0000")),  # 0.99995 rounds half up
        (20001, 20000, Decimal("1.0000")),
        (30000, 29998, Decimal("0.9999")),
    ],
)
def test_reply_rate_has_four_places_half_up(questions, on_time, rate):
    result = rules.reply_rate(questions, on_time)
    assert result == rate and result.as_tuple().exponent == -4


def test_reply_rate_without_questions_is_none():
    assert rules.reply_rate(0, 0) is None


@pytest.mark.parametrize(("questions", "on_time"), [(1, 2), (-1, 0), (1, -1)])
def test_impossible_counts_are_a_bug_not_a_rate(questions, on_time):
    with pytest.raises(ValueError):
        rules.reply_rate(questions, on_time)


def test_the_target_is_met_exactly_not_on_the_rounded_rate():
    target = Decimal("1.0000")
    assert rules.reply_rate(20000, 19999) == target  # rounds to 100%
    assert rules.target_met(20000, 19999, target) is False
    assert rules.target_met(5, 5, target) is True
    assert rules.target_met(0, 0, target) is None
    assert rules.target_met(20, 19, Decimal("0.9500")) is True


@pytest.mark.django_db
def test_the_rule_in_force_the_regions_own_row_first_else_the_common_one_else_the_default():
    zhushan, leping = region("zhushan"), region("leping")
    day = datetime.date(2026, 3, 2)
    assert rules.consultation_rule_in_force(zhushan, day) is rules.DEFAULT_RULE
    assert (rules.DEFAULT_RULE.reply_days, rules.DEFAULT_RULE.reply_counting) == (2, "working")
    ConsultationRule.objects.create(region=None, reply_days=3, valid_from=datetime.date(2026, 1, 1))
    ConsultationRule.objects.create(
        region=zhushan,
        reply_days=1,
        valid_from=datetime.date(2026, 3, 1),
        reply_rate_target=Decimal("0.9500"),
    )
    assert rules.consultation_rule_in_force(zhushan, day).reply_days == 1
    assert rules.consultation_rule_in_force(leping, day).reply_days == 3
    # before the region's row was in force, the common one applied
    assert rules.consultation_rule_in_force(zhushan, datetime.date(2026, 2, 27)).reply_days == 3
