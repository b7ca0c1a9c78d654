"""The forwarding period (Art 39) as a pure function: 24 clock hours, at its boundaries, and the rule row
in force (a region's own, else every region's, else the statute's)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aid_cases.forwarding_rules import (
    DEFAULT_RULE,
    forward_due,
    forward_is_late,
    forwarding_rule_in_force,
)
from aid_cases.models import ForwardingRule
from tests.factories import region

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_23 = datetime.datetime(2026, 12, 4, 23, 0, tzinfo=SHANGHAI)
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)


def test_the_done_when_friday_evening_case():
    assert forward_is_late(FRIDAY_23, datetime.datetime(2026, 12, 5, 23, 30, tzinfo=SHANGHAI), 24)
    assert not forward_is_late(FRIDAY_23, datetime.datetime(2026, 12, 5, 22, 30, tzinfo=SHANGHAI), 24)


def test_exactly_24_hours_is_in_time_and_one_second_more_is_late():
    assert not forward_is_late(FRIDAY_23, FRIDAY_23 + 24 * HOUR, 24)
    assert forward_is_late(FRIDAY_23, FRIDAY_23 + 24 * HOUR + SECOND, 24)
    assert forward_due(FRIDAY_23, 24) == datetime.datetime(2026, 12, 5, 23, 0, tzinfo=SHANGHAI)


def test_the_hours_run_through_holidays_as_clock_hours():
    # received on the eve of the National Day holiday: still due 24 hours later, on a rest day
    eve = datetime.datetime(2026, 9, 30, 18, 0, tzinfo=SHANGHAI)
    assert forward_due(eve, 24) == datetime.datetime(2026, 10, 1, 18, 0, tzinfo=SHANGHAI)


def test_moments_in_other_zones_compare_as_elapsed_time():
    utc = datetime.UTC
    received = datetime.datetime(2026, 12, 4, 15, 0, tzinfo=utc)  # 23:00 in Beijing
    assert not forward_is_late(received, datetime.datetime(2026, 12, 5, 23, 0, tzinfo=SHANGHAI), 24)
    assert forward_is_late(received, datetime.datetime(2026, 12, 5, 15, 0, 1, tzinfo=utc), 24)


@pytest.mark.parametrize("hours", [0, -1, 1.5, True, "24", None])
def test_hours_must_be_a_positive_whole_number(hours):
    with pytest.raises(ValueError):
        forward_due(FRIDAY_23, hours)


def test_naive_times_are_refused():
    naive = datetime.datetime(2026, 12, 4, 23, 0)  # noqa: DTZ001  (the point of the test)
    with pytest.raises(ValueError):
        forward_is_late(naive, FRIDAY_23, 24)
    with pytest.raises(ValueError):
        forward_is_late(FRIDAY_23, naive, 24)
    with pytest.raises(TypeError):
        forward_is_late(datetime.date(2026, 12, 4), FRIDAY_23, 24)


# hypothesis takes naive bounds and attaches the zone itself
moments = st.datetimes(
    min_value=datetime.datetime(2022, 1, 1),  # noqa: DTZ001
    max_value=datetime.datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.just(SHANGHAI),
)


@given(received=moments, hours=st.integers(min_value=1, max_value=168), delay=st.integers(0, 10 * 24 * 3600))
def test_late_exactly_when_more_than_the_hours_have_passed(received, hours, delay):
    forwarded = received + datetime.timedelta(seconds=delay)
    assert forward_is_late(received, forwarded, hours) == (delay > hours * 3600)


@given(received=moments, hours=st.integers(min_value=1, max_value=168))
def test_the_boundary_for_any_receipt_and_any_period(received, hours):
    due = forward_due(received, hours)
    assert not forward_is_late(received, due, hours)
    assert forward_is_late(received, due + datetime.timedelta(microseconds=1), hours)
    assert not forward_is_late(received, received, hours)


# --- the rule row in force -------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_row_the_statutes_24_hours_apply():
    rule = forwarding_rule_in_force(region("zhushan"), datetime.date(2026, 12, 4))
    assert rule is DEFAULT_RULE and rule.hours == 24 and rule.pk is None


@pytest.mark.django_db
def test_a_regions_own_row_wins_over_the_row_for_every_region_on_its_dates(django_assert_num_queries):
    every = ForwardingRule.objects.create(hours=24, valid_from=datetime.date(2022, 1, 1))
    own = ForwardingRule.objects.create(
        region=region("zhushan"),
        hours=12,
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2026, 12, 31),
    )
    zhushan = region("zhushan")
    with django_assert_num_queries(1):
        assert forwarding_rule_in_force(zhushan, datetime.date(2026, 12, 31)) == own
    assert forwarding_rule_in_force(region("zhushan"), datetime.date(2027, 1, 1)) == every
    assert forwarding_rule_in_force(region("zhushan"), datetime.date(2025, 12, 31)) == every
    assert forwarding_rule_in_force(region("leping"), datetime.date(2026, 6, 1)) == every
    assert forwarding_rule_in_force(None, datetime.date(2026, 6, 1)) == every


@pytest.mark.django_db
def test_two_rows_of_one_region_may_not_overlap_and_hours_stay_in_range():
    from django.core.exceptions import ValidationError

    ForwardingRule.objects.create(region=region("zhushan"), hours=24, valid_from=datetime.date(2026, 1, 1))
    overlapping = ForwardingRule(region=region("zhushan"), hours=12, valid_from=datetime.date(2026, 6, 1))
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    for hours in (0, 169):
        with pytest.raises(ValidationError):
            ForwardingRule(
                region=region("leping"), hours=hours, valid_from=datetime.date(2026, 1, 1)
            ).full_clean()
