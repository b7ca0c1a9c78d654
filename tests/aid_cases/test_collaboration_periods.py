"""A collaboration letter's deadline on the PRC working-day calendar (``aid_cases.collaboration_rules``):
10 working days by default, counted from the day after sending, skipping weekends, public holidays and
local rest days and counting substituted (调休) and local working days; a deadline the sender names
that falls on a rest day moves to the next working day, and the sender is told.

The expected dates are written out and computed again straight from the holidays package, so a wrong
date in the test or in the code shows up as a disagreement.
"""

import datetime
from zoneinfo import ZoneInfo

import holidays
import pytest

from aid_cases import collaboration_rules
from aid_cases.models import CalendarOverride, CollaborationLetter, CollaborationRule
from aid_cases.periods import WorkCalendar
from tests.factories import region
from tests.world import approved_case, tasks

from .test_collaboration_api import send

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def _working(day: datetime.date) -> bool:
    cn = holidays.China(years=day.year)
    if day in cn:
        return False
    return day.weekday() < 5 or day in cn.weekend_workdays


def _nth_working_day_after(start: datetime.date, n: int) -> datetime.date:
    day = start
    while n:
        day += datetime.timedelta(days=1)
        if _working(day):
            n -= 1
    return day


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        # the day before National Day (1–7 October 2026): Thu 8, Fri 9, Sat 10 (调休), Mon 12 … Tue 20
        (D(2026, 9, 30), D(2026, 10, 20)),
        # a Friday: the weekend does not count, two weeks later on Friday
        (D(2026, 3, 13), D(2026, 3, 27)),
        # sent on a Saturday: counting starts on Monday
        (D(2026, 3, 14), D(2026, 3, 27)),
        # Friday before the Spring Festival: Saturday 14 February is a substituted working day, then
        # 15–23 February rest, and Saturday 28 February is worked
        (D(2026, 2, 13), D(2026, 3, 5)),
    ],
)
def test_ten_working_days_skip_rest_days(sent, due):
    assert collaboration_rules.answer_due(sent_on=sent, days=10, calendar=CAL) == due
    assert _nth_working_day_after(sent, 10) == due


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (D(2026, 3, 15), D(2026, 3, 16)),  # a Sunday moves to Monday
        (D(2026, 3, 14), D(2026, 3, 16)),  # a Saturday too
        (D(2026, 10, 3), D(2026, 10, 8)),  # inside the National Day break: the first day after it
        (D(2026, 10, 10), D(2026, 10, 10)),  # a substituted working Saturday stays
        (D(2026, 3, 18), D(2026, 3, 18)),  # a Wednesday stays
    ],
)
def test_a_named_deadline_on_a_rest_day_moves_to_the_next_working_day(asked, due):
    assert collaboration_rules.on_working_day(asked, CAL) == due


def test_local_overrides_count_both_ways():
    # a working Saturday (a local make-up day) counts; a Monday made a rest day does not
    calendar = WorkCalendar({D(2026, 3, 14): True, D(2026, 3, 16): False})
    assert collaboration_rules.answer_due(sent_on=D(2026, 3, 13), days=1, calendar=calendar) == D(2026, 3, 14)
    assert collaboration_rules.answer_due(sent_on=D(2026, 3, 13), days=2, calendar=calendar) == D(2026, 3, 17)
    assert collaboration_rules.on_working_day(D(2026, 3, 14), calendar) == D(2026, 3, 14)
    assert collaboration_rules.on_working_day(D(2026, 3, 15), calendar) == D(2026, 3, 17)


@pytest.mark.django_db
def test_the_rule_in_force_region_first_then_every_region_then_the_default():
    zhushan, leping = region("zhushan"), region("leping")
    day = D(2026, 5, 6)
    assert collaboration_rules.collaboration_rule_in_force(zhushan, day) is collaboration_rules.DEFAULT_RULE
    assert collaboration_rules.DEFAULT_RULE.answer_days == 10
    everywhere = CollaborationRule.objects.create(valid_from=D(2026, 1, 1), answer_days=15)
    assert collaboration_rules.collaboration_rule_in_force(zhushan, day).pk == everywhere.pk
    own = CollaborationRule.objects.create(
        region=zhushan, valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31), answer_days=5
    )
    assert collaboration_rules.collaboration_rule_in_force(zhushan, day).pk == own.pk
    assert collaboration_rules.collaboration_rule_in_force(leping, day).pk == everywhere.pk
    assert collaboration_rules.collaboration_rule_in_force(zhushan, D(2027, 1, 4)).pk == everywhere.pk
    assert (
        collaboration_rules.collaboration_rule_in_force(zhushan, D(2025, 12, 31))
        is collaboration_rules.DEFAULT_RULE
    )


# --- through the API, on a given day -----------------------------------------------------------------


@pytest.fixture
def world(handling_world, make_member):
    from .test_collaboration_api import add_changjiang

    return add_changjiang(handling_world, make_member)


def _on(monkeypatch, when: datetime.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: when)


@pytest.mark.django_db
def test_a_letter_sent_the_day_before_national_day(world, monkeypatch):
    case_id = approved_case(world)
    _on(monkeypatch, datetime.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI))
    response = send(world, case_id)
    assert response.status_code == 201, response.content
    assert response.json()["due"] == "2026-10-20" and response.json()["due_requested"] is None
    (task,) = tasks(world, world.cj_reviewer, "queue", case_id, "answer_collaboration")
    assert task["due"] == "2026-10-20" and task["overdue"] is False
    # on 21 October, unanswered, it is overdue: the task, the letter
    _on(monkeypatch, datetime.datetime(2026, 10, 21, 9, 0, tzinfo=SHANGHAI))
    (task,) = tasks(world, world.cj_reviewer, "queue", case_id, "answer_collaboration")
    assert task["overdue"] is True
    detail = world.api(world.reviewer).get(f"/api/v1/collaboration-letters/{response.json()['id']}/").json()
    assert detail["overdue"] is True


@pytest.mark.django_db
def test_a_letter_sent_on_a_friday_uses_the_rule_row(world, monkeypatch):
    case_id = approved_case(world)
    CollaborationRule.objects.create(region=region("zhushan"), valid_from=D(2026, 1, 1), answer_days=3)
    _on(monkeypatch, datetime.datetime(2026, 3, 13, 10, 0, tzinfo=SHANGHAI))
    # 3 working days from Friday 13 March: Mon 16, Tue 17, Wed 18
    assert send(world, case_id).json()["due"] == "2026-03-18"


@pytest.mark.django_db
def test_a_named_sunday_moves_to_monday_and_the_sender_is_told(world, monkeypatch):
    case_id = approved_case(world)
    _on(monkeypatch, datetime.datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI))
    response = send(world, case_id, due="2026-03-15")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["due"] == "2026-03-16" and body["due_requested"] == "2026-03-15"
    letter = CollaborationLetter.objects.get(pk=body["id"])
    assert (letter.due, letter.due_requested) == (D(2026, 3, 16), D(2026, 3, 15))
    # a working day stays as it was, and nothing is said
    body = send(world, case_id, due="2026-03-18").json()
    assert body["due"] == "2026-03-18" and body["due_requested"] is None


@pytest.mark.django_db
def test_a_calendar_override_counts(world, monkeypatch):
    """A local working Saturday (CalendarOverride) counts toward the period and may be named as the deadline;
    a local rest day does not count and a deadline on it moves."""
    case_id = approved_case(world)
    CalendarOverride.objects.create(date=D(2026, 3, 14), is_working_day=True, note="补班")
    CalendarOverride.objects.create(date=D(2026, 3, 20), is_working_day=False, note="地方休息日")
    _on(monkeypatch, datetime.datetime(2026, 3, 13, 10, 0, tzinfo=SHANGHAI))
    CollaborationRule.objects.create(valid_from=D(2026, 1, 1), answer_days=1)
    assert send(world, case_id).json()["due"] == "2026-03-14"
    body = send(world, case_id, due="2026-03-14").json()
    assert body["due"] == "2026-03-14" and body["due_requested"] is None
    body = send(world, case_id, due="2026-03-20").json()
    assert body["due"] == "2026-03-23" and body["due_requested"] == "2026-03-20"
