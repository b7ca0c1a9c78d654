"""Deadline arithmetic (aid_cases.periods) against the real PRC calendar shipped by ``holidays``.

The dates below were read from the installed ``holidays`` package (``holidays.China``), not guessed:

2025  Spring Festival rest 01-28 .. 02-04 (working Sun 01-26, Sat 02-08);
      National Day rest 10-01 .. 10-08 (working Sun 09-28, Sat 10-11).
2026  New Year rest 01-01 .. 01-03 (working Sun 01-04);
      Spring Festival rest 02-15 .. 02-23 (working Sat 02-14, Sat 02-28);
      National Day rest 10-01 .. 10-07 (working Sun 09-20, Sat 10-10).

``test_shipped_calendar_matches_what_these_tests_assume`` pins them, so a package upgrade that
changes the data fails loudly there rather than obscurely elsewhere.
"""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aid_cases import periods
from aid_cases.periods import CountingMode, Pause, WorkCalendar, add_period, count_working_days_between

W = CountingMode.WORKING
C = CountingMode.CALENDAR
CAL = WorkCalendar()


def d(s: str) -> date:
    return date.fromisoformat(s)


def due(start: str, days: int, mode=W, calendar=CAL, pauses=()) -> date | None:
    return add_period(d(start), days, mode=mode, calendar=calendar, pauses=pauses)


# --- the shipped calendar --------------------------------------------------------------------------


def test_shipped_calendar_matches_what_these_tests_assume():
    cn = holidays.China(years=[2025, 2026])
    spring_2025 = {d("2025-01-28") + timedelta(n) for n in range(8)} - {d("2025-02-01"), d("2025-02-02")}
    national_2025 = {d("2025-10-01") + timedelta(n) for n in range(8)} - {d("2025-10-04"), d("2025-10-05")}
    assert spring_2025 | national_2025 <= set(cn)
    assert {x for x in cn.weekend_workdays if x.year == 2025} == {
        d("2025-01-26"),
        d("2025-02-08"),
        d("2025-04-27"),
        d("2025-09-28"),
        d("2025-10-11"),
    }
    assert {d("2026-01-01"), d("2026-01-02")} <= set(cn)
    spring_2026 = {d("2026-02-16") + timedelta(n) for n in range(5)} | {d("2026-02-23")}
    national_2026 = {d("2026-10-01"), d("2026-10-02"), d("2026-10-03")} | {
        d("2026-10-05"),
        d("2026-10-06"),
        d("2026-10-07"),
    }
    assert spring_2026 | national_2026 <= set(cn)
    assert {x for x in cn.weekend_workdays if x.year == 2026} == {
        d("2026-01-04"),
        d("2026-02-14"),
        d("2026-02-28"),
        d("2026-05-09"),
        d("2026-09-20"),
        d("2026-10-10"),
    }


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-03-04", True),  # ordinary Tuesday
        ("2025-03-08", False),  # ordinary Saturday
        ("2025-03-09", False),  # ordinary Sunday
        ("2025-01-29", False),  # Spring Festival
        ("2025-02-04", False),  # substituted day off (from 02-08)
        ("2025-01-26", True),  # 调休: working Sunday
        ("2025-02-08", True),  # 调休: working Saturday
        ("2025-10-08", False),  # National Day week
        ("2025-10-11", True),  # 调休: working Saturday
        ("2026-01-02", False),  # substituted day off
        ("2026-01-04", True),  # 调休: working Sunday
        ("2026-02-28", True),  # 调休: working Saturday
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(d(day)) is working


def test_next_working_day():
    assert CAL.next_working_day(d("2025-03-04")) == d("2025-03-04")
    assert CAL.next_working_day(d("2025-03-08")) == d("2025-03-10")
    assert CAL.next_working_day(d("2025-10-01")) == d("2025-10-09")
    assert CAL.next_working_day(d("2025-12-31")) == d("2025-12-31")
    assert CAL.next_working_day(d("2026-01-01")) == d("2026-01-04")  # the working Sunday


# --- working-day mode ------------------------------------------------------------------------------


def test_receipt_day_not_counted():
    assert due("2025-03-03", 1) == d("2025-03-04")  # received Monday → Tuesday
    assert due("2025-03-03", 1, C) == d("2025-03-04")


def test_receipt_on_saturday():
    assert due("2025-03-08", 1) == d("2025-03-10")
    assert due("2025-03-08", 7) == d("2025-03-18")
    assert due("2025-03-08", 7, C) == d("2025-03-17")  # 03-15 is a Saturday → Monday


def test_seven_working_days_across_spring_festival_2025():
    # Fri 01-24: Sun 01-26 (调休) 1, Mon 01-27 2, rest 01-28..02-04, 02-05..02-07 3-5,
    # Sat 02-08 (调休) 6, Mon 02-10 7.
    assert due("2025-01-24", 7) == d("2025-02-10")


def test_seven_working_days_across_spring_festival_2026_lands_on_substituted_saturday():
    # Thu 02-12: Fri 02-13 1, Sat 02-14 (调休) 2, rest 02-15..02-23, 02-24..02-27 3-6, Sat 02-28 (调休) 7.
    assert due("2026-02-12", 7) == d("2026-02-28")
    assert d("2026-02-28").weekday() == 5


def test_seven_working_days_across_national_day_2025_counts_substituted_days():
    # Thu 09-25: Fri 09-26 1, Sun 09-28 (调休) 2, 09-29..09-30 3-4, rest 10-01..10-08,
    # 10-09..10-10 5-6, Sat 10-11 (调休) 7.
    assert due("2025-09-25", 7) == d("2025-10-11")
    assert d("2025-10-11").weekday() == 5


def test_seven_working_days_across_national_day_2026():
    # Tue 09-29: 09-30 1, rest 10-01..10-07, 10-08..10-09 2-3, Sat 10-10 (调休) 4, 10-12..10-14 5-7.
    assert due("2026-09-29", 7) == d("2026-10-14")


def test_year_boundary_new_year_2026():
    # Tue 2025-12-30: 12-31 1, rest 01-01..01-03, Sun 01-04 (调休) 2, 01-05..01-09 3-7.
    assert due("2025-12-30", 7) == d("2026-01-09")


def test_holiday_data_is_built_once_per_year_not_per_day():
    periods._china_year.cache_clear()
    assert due("2025-12-30", 7) == d("2026-01-09")
    assert due("2025-12-29", 30, C) == d("2026-01-28")
    info = periods._china_year.cache_info()
    assert info.misses == 2  # 2025 and 2026, each built once
    assert info.currsize == 2


# --- calendar-day mode -----------------------------------------------------------------------------


def test_calendar_mode_ending_on_sunday_moves_to_monday():
    assert due("2025-03-02", 7, C) == d("2025-03-10")  # 03-09 is a Sunday


def test_calendar_mode_ending_inside_national_day_moves_past_the_holiday():
    assert due("2025-09-26", 7, C) == d("2025-10-09")  # 10-03 is a holiday
    assert due("2025-09-30", 3, C) == d("2025-10-09")
    assert due("2026-09-28", 5, C) == d("2026-10-08")  # 10-03 (Sat, holiday) → Thu 10-08


def test_calendar_mode_ending_on_substituted_saturday_stays():
    assert due("2025-10-04", 7, C) == d("2025-10-11")


def test_calendar_mode_ending_on_working_day():
    assert due("2025-03-03", 7, C) == d("2025-03-10")


# --- local overrides -------------------------------------------------------------------------------


def test_local_overrides_win_over_weekday_weekend_holiday_and_substitution():
    cal = WorkCalendar(
        {
            d("2025-03-05"): False,  # a Wednesday made a rest day
            d("2025-03-08"): True,  # a Saturday made a working day
            d("2025-10-08"): True,  # a national holiday worked locally
            d("2025-10-11"): False,  # a 调休 Saturday rested locally
        }
    )
    assert not cal.is_working_day(d("2025-03-05"))
    assert cal.is_working_day(d("2025-03-08"))
    assert cal.is_working_day(d("2025-10-08"))
    assert not cal.is_working_day(d("2025-10-11"))
    # Mon 03-03, 4 working days: 03-04 1, (03-05 rest) 03-06 2, 03-07 3, Sat 03-08 4.
    assert due("2025-03-03", 4) == d("2025-03-07")
    assert due("2025-03-03", 4, calendar=cal) == d("2025-03-08")
    # Calendar mode: 2 days from Mon 03-03 end on Wed 03-05, locally a rest day → Thu 03-06.
    assert due("2025-03-03", 2, C, calendar=cal) == d("2025-03-06")
    assert cal.next_working_day(d("2025-10-01")) == d("2025-10-08")


def test_overrides_are_copied():
    overrides = {d("2025-03-05"): False}
    cal = WorkCalendar(overrides)
    overrides[d("2025-03-05")] = True
    assert not cal.is_working_day(d("2025-03-05"))


# --- pauses (supplement notices) -------------------------------------------------------------------


def test_pause_moves_due_by_the_paused_counted_days_working_mode():
    # Mon 03-03, 7 working days, no pause: 03-04..03-07, 03-10..03-12 → Wed 03-12.
    assert due("2025-03-03", 7) == d("2025-03-12")
    # Notice on day 3 (Thu 03-06), supplement 4 days later (Mon 03-10): 03-07..03-10 do not count;
    # of these, the working days 03-07 and 03-10 were counted before → due moves by 2 working days.
    pause = Pause(d("2025-03-06"), d("2025-03-10"))
    paused_working = count_working_days_between(pause.start, pause.end, CAL)
    assert paused_working == 2
    got = due("2025-03-03", 7, pauses=[pause])
    assert got == d("2025-03-14")
    assert got == add_period(d("2025-03-12"), paused_working, mode=W, calendar=CAL)


def test_pause_moves_due_by_the_paused_days_calendar_mode():
    pause = Pause(d("2025-03-06"), d("2025-03-10"))
    assert due("2025-03-03", 7, C) == d("2025-03-10")
    assert due("2025-03-03", 7, C, pauses=[pause]) == d("2025-03-14")  # + 4 paused days


def test_notice_day_counts_and_arrival_day_does_not():
    # 1 working day from Mon 03-03 is Tue 03-04, even if the notice is issued that very day.
    assert due("2025-03-03", 1, pauses=[Pause(d("2025-03-04"), d("2025-03-05"))]) == d("2025-03-04")
    # Notice on the receipt day, supplement the next day: that day (the arrival day) is not counted.
    assert due("2025-03-03", 1, pauses=[Pause(d("2025-03-03"), d("2025-03-04"))]) == d("2025-03-05")


def test_same_day_supplement_pauses_nothing():
    assert due("2025-03-03", 7, pauses=[Pause(d("2025-03-06"), d("2025-03-06"))]) == d("2025-03-12")


def test_pause_after_due_date_changes_nothing():
    assert due("2025-03-03", 7, pauses=[Pause(d("2025-03-20"), d("2025-03-25"))]) == d("2025-03-12")


def test_outstanding_pause_stops_the_clock():
    assert due("2025-03-03", 7, pauses=[Pause(d("2025-03-06"), None)]) is None
    assert (
        due(
            "2025-03-03", 7, C, pauses=[Pause(d("2025-03-04"), d("2025-03-05")), Pause(d("2025-03-06"), None)]
        )
        is None
    )


def test_overlapping_and_unsorted_pauses():
    a = Pause(d("2025-03-08"), d("2025-03-12"))
    b = Pause(d("2025-03-06"), d("2025-03-10"))
    union = Pause(d("2025-03-06"), d("2025-03-12"))
    # 03-04..03-06 1-3, 03-07..03-12 paused, 03-13 4, 03-14 5, 03-17 6, 03-18 7.
    assert due("2025-03-03", 7, pauses=[a, b]) == d("2025-03-18")
    assert due("2025-03-03", 7, pauses=[a, b]) == due("2025-03-03", 7, pauses=[union])
    assert due("2025-03-03", 7, C, pauses=[a, b]) == due("2025-03-03", 7, C, pauses=[union])
    nested = Pause(d("2025-03-07"), d("2025-03-09"))
    assert due("2025-03-03", 7, pauses=[union, nested, union]) == d("2025-03-18")


def test_calendar_mode_due_date_is_never_a_paused_day():
    # 7 days from Sun 03-02 end on Sun 03-09, a rest day; a notice that Sunday pauses 03-10..03-11,
    # so the period ends on the first working day after the pause.
    assert due("2025-03-02", 7, C, pauses=[Pause(d("2025-03-09"), d("2025-03-11"))]) == d("2025-03-12")


def test_pause_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        due("2025-03-03", 7, pauses=[Pause(d("2025-03-10"), d("2025-03-06"))])
    with pytest.raises(ValueError, match="before it starts"):  # even next to an outstanding one
        due("2025-03-03", 7, pauses=[Pause(d("2025-03-10"), d("2025-03-06")), Pause(d("2025-03-12"), None)])


@pytest.mark.parametrize("days", [0, -1])
@pytest.mark.parametrize("mode", [W, C])
def test_days_below_one_are_refused(days, mode):
    with pytest.raises(ValueError, match="at least 1"):
        due("2025-03-03", days, mode)


def test_mode_may_be_given_as_its_stored_string():
    assert due("2025-03-08", 7, "calendar") == d("2025-03-17")


# --- count_working_days_between --------------------------------------------------------------------


def test_count_working_days_between():
    assert count_working_days_between(d("2025-03-03"), d("2025-03-03"), CAL) == 0
    assert count_working_days_between(d("2025-03-10"), d("2025-03-03"), CAL) == 0
    assert count_working_days_between(d("2025-03-03"), d("2025-03-10"), CAL) == 5
    # due Tue 09-30, today Thu 10-09: overdue by one working day (the holiday week does not count)
    assert count_working_days_between(d("2025-09-30"), d("2025-10-09"), CAL) == 1
    # Sat 10-11 is a 调休 working day
    assert count_working_days_between(d("2025-10-10"), d("2025-10-12"), CAL) == 1
    assert count_working_days_between(d("2025-12-30"), d("2026-01-09"), CAL) == 7


# --- properties ------------------------------------------------------------------------------------

dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 6, 30))
day_counts = st.integers(min_value=1, max_value=40)
modes = st.sampled_from([W, C])


@st.composite
def finished_pauses(draw):
    n = draw(st.integers(min_value=0, max_value=3))
    out = []
    for _ in range(n):
        start = draw(dates)
        out.append(Pause(start, start + timedelta(days=draw(st.integers(min_value=0, max_value=30)))))
    return out


FAST = settings(max_examples=150, deadline=None)


@FAST
@given(start=dates, days=day_counts, mode=modes, pauses=finished_pauses())
def test_monotonic_in_days(start, days, mode, pauses):
    a = add_period(start, days, mode=mode, calendar=CAL, pauses=pauses)
    b = add_period(start, days + 1, mode=mode, calendar=CAL, pauses=pauses)
    assert a <= b
    if mode is W:
        assert a < b


@FAST
@given(
    start=dates,
    later=st.integers(min_value=0, max_value=60),
    days=day_counts,
    mode=modes,
    pauses=finished_pauses(),
)
def test_monotonic_in_start(start, later, days, mode, pauses):
    a = add_period(start, days, mode=mode, calendar=CAL, pauses=pauses)
    b = add_period(start + timedelta(days=later), days, mode=mode, calendar=CAL, pauses=pauses)
    assert a <= b


@FAST
@given(start=dates, days=day_counts, mode=modes, pauses=finished_pauses())
def test_result_is_a_working_day_after_start(start, days, mode, pauses):
    result = add_period(start, days, mode=mode, calendar=CAL, pauses=pauses)
    assert CAL.is_working_day(result)
    assert result > start
    assert not any(p.covers(result) for p in pauses)


@FAST
@given(start=dates, days=day_counts)
def test_working_mode_has_exactly_days_working_days(start, days):
    result = add_period(start, days, mode=W, calendar=CAL)
    assert count_working_days_between(start, result, CAL) == days
    assert count_working_days_between(start, result - timedelta(days=1), CAL) == days - 1


@FAST
@given(start=dates, days=day_counts)
def test_calendar_mode_is_first_working_day_from_start_plus_days(start, days):
    result = add_period(start, days, mode=C, calendar=CAL)
    assert result >= start + timedelta(days=days)
    assert result == CAL.next_working_day(start + timedelta(days=days))


@FAST
@given(start=dates, days=day_counts, pauses=finished_pauses())
def test_working_mode_with_pauses_counts_days_unpaused_working_days(start, days, pauses):
    result = add_period(start, days, mode=W, calendar=CAL, pauses=pauses)
    counted = 0
    x = start
    while x < result:
        x += timedelta(days=1)
        counted += CAL.is_working_day(x) and not any(p.covers(x) for p in pauses)
    assert counted == days


@FAST
@given(a=dates, b=dates, c=dates)
def test_count_working_days_between_is_additive(a, b, c):
    a, b, c = sorted([a, b, c])
    assert count_working_days_between(a, c, CAL) == (
        count_working_days_between(a, b, CAL) + count_working_days_between(b, c, CAL)
    )


# --- the statute's count (issue 8): calendar days by default ----------------------------------------
# Arts 36, 43 and 49 say 三日, 七日 and 五日: calendar days. The day of receipt is not counted; a period
# whose last day is a rest day ends on the next working day. Working days stay available as a rule row.


def test_the_default_count_is_calendar_days():
    from aid_cases.models import PeriodRule
    from aid_cases.rules import DEFAULT_PERIODS

    assert DEFAULT_PERIODS.counting_mode == C
    assert PeriodRule().counting_mode == C  # a new rule row, too
    assert (DEFAULT_PERIODS.review_days, DEFAULT_PERIODS.objection_days, DEFAULT_PERIODS.confirm_days) == (
        7,
        5,
        7,
    )


def test_received_the_day_before_national_day_2025():
    # Received Tue 09-30: days 1..7 are 10-01..10-07, all in the holiday (10-01..10-08), so the period ends on
    # the first working day, Thu 10-09. Counted in working days it would end a week later, on 10-16:
    # 10-09 1, 10-10 2, Sat 10-11 (调休) 3, 10-13..10-16 4-7.
    assert due("2025-09-30", 7, C) == d("2025-10-09")
    assert due("2025-09-30", 7, W) == d("2025-10-16")
    assert due("2025-09-30", 5, C) == d("2025-10-09")  # objection (Art 49)
    assert due("2025-09-30", 3, C) == d("2025-10-09")  # assignment (Art 43)


def test_the_day_of_receipt_is_not_counted():
    assert due("2025-09-29", 1, C) == d("2025-09-30")
    assert due("2025-03-04", 7, C) == d("2025-03-11")  # Tue → Tue, not Mon


def test_last_day_on_a_saturday_ends_on_monday():
    assert d("2025-03-08").weekday() == 5
    assert due("2025-03-03", 5, C) == d("2025-03-10")  # Mon + 5 = Sat 03-08 → Mon 03-10
    assert due("2025-03-01", 7, C) == d("2025-03-10")  # Sat + 7 = Sat 03-08 → Mon 03-10
    # ...unless that Saturday is a substituted working day (调休): then the period ends on it.
    assert due("2025-10-06", 5, C) == d("2025-10-11")


def test_last_day_on_a_holiday_monday_moves_past_the_whole_holiday():
    # Spring Festival 2025: 7 days from Tue 01-21 end on Tue 01-28, the first day of the rest (01-28..02-04).
    assert due("2025-01-21", 7, C) == d("2025-02-05")


def test_a_supplement_pause_in_calendar_mode():
    # Received Tue 09-30; the notice goes out on day 2 (10-02) and the materials arrive on 10-05: 10-03..10-05
    # do not count. Days: 10-01 1, 10-02 2, 10-06 3, 10-07 4, 10-08 5, 10-09 6, Fri 10-10 7.
    pause = Pause(d("2025-10-02"), d("2025-10-05"))
    assert due("2025-09-30", 7, C, pauses=[pause]) == d("2025-10-10")
    # The same pause in working-day mode changes nothing: no working day was paused.
    assert due("2025-09-30", 7, W, pauses=[pause]) == d("2025-10-16")
    # Received Mon 03-03, notice Wed 03-05, materials Fri 03-07 (03-06..03-07 paused):
    # 03-04 1, 03-05 2, 03-08 3, 03-09 4, 03-10 5, 03-11 6, Wed 03-12 7.
    assert due("2025-03-03", 7, C, pauses=[Pause(d("2025-03-05"), d("2025-03-07"))]) == d("2025-03-12")
    # A pause that pushes the last day onto a weekend: 5 days from Mon 03-03, 03-05 paused:
    # 03-04 1, 03-06 2, 03-07 3, Sat 03-08 4, Sun 03-09 5 → Mon 03-10 (without the pause: Sat 03-08 → 03-10 too,
    # but 4 days would end on Fri 03-07 and, paused, on Sat 03-08 → Mon 03-10).
    assert due("2025-03-03", 5, C, pauses=[Pause(d("2025-03-04"), d("2025-03-05"))]) == d("2025-03-10")
    assert due("2025-03-03", 4, C) == d("2025-03-07")
    assert due("2025-03-03", 4, C, pauses=[Pause(d("2025-03-04"), d("2025-03-05"))]) == d("2025-03-10")


def test_the_outstanding_supplement_stops_the_calendar_clock_too():
    assert due("2025-09-30", 7, C, pauses=[Pause(d("2025-10-02"), None)]) is None


@FAST
@given(start=dates, days=day_counts, pauses=finished_pauses())
def test_calendar_days_never_end_later_than_working_days(start, days, pauses):
    calendar_due = add_period(start, days, mode=C, calendar=CAL, pauses=pauses)
    working_due = add_period(start, days, mode=W, calendar=CAL, pauses=pauses)
    assert calendar_due <= working_due


@FAST
@given(start=dates, days=day_counts)
def test_calendar_mode_ends_on_the_counted_day_when_it_is_a_working_day(start, days):
    last = start + timedelta(days=days)
    result = add_period(start, days, mode=C, calendar=CAL)
    assert (result == last) is CAL.is_working_day(last)
    # every day between the counted last day and the due date is a rest day
    assert all(not CAL.is_working_day(last + timedelta(n)) for n in range((result - last).days))
