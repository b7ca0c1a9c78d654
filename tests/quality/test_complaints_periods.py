"""A complaint's periods on the PRC working-day calendar (Order No. 149: accept within 5 working days,
decide within 45 days), with real holidays and substituted working days (调休) from ``holidays.China``.

The expected dates are written out, and computed again here straight from the holidays package, so a
wrong date in the test or in the code shows up as a disagreement.
"""

import datetime
from zoneinfo import ZoneInfo

import holidays
import pytest

from aid_cases.choices import CountingMode
from aid_cases.periods import WorkCalendar
from directory.models import Region
from quality import complaint_rules
from quality.models import Complaint, ComplaintRule
from tests.factories import region

from .test_complaints_api import accept, file_complaint, handled_case

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


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


def _calendar_days_after(start: datetime.date, n: int) -> datetime.date:
    day = start + datetime.timedelta(days=n)
    while not _working(day):
        day += datetime.timedelta(days=1)
    return day


RULE = complaint_rules.DEFAULT_RULE
CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Friday before the Qingming break (Sat 4 – Mon 6 April 2026): Tue 7 … Mon 13
        (D(2026, 4, 3), D(2026, 4, 13)),
        # Friday before the Spring Festival: Saturday 14 February is a substituted working day (调休),
        # then 15–23 February rest; Tue 24 … Fri 27
        (D(2026, 2, 13), D(2026, 2, 27)),
        # the day before National Day (1–7 October 2026): Thu 8, Fri 9, Sat 10 (调休), Mon 12, Tue 13
        (D(2026, 9, 30), D(2026, 10, 13)),
        # an ordinary week: Monday to Monday
        (D(2026, 3, 9), D(2026, 3, 16)),
    ],
)
def test_accept_within_5_working_days(received, due):
    assert complaint_rules.accept_due(received_on=received, rule=RULE, calendar=CAL) == due
    assert _nth_working_day_after(received, 5) == due


@pytest.mark.parametrize(
    ("accepted", "due"),
    [
        # Friday 3 April 2026, before the Qingming break: 45 days is Monday 18 May, a working day
        (D(2026, 4, 3), D(2026, 5, 18)),
        # Friday 21 August 2026: 45 days is Monday 5 October, inside the National Day break; the period
        # ends on the next working day, Thursday 8 October
        (D(2026, 8, 21), D(2026, 10, 8)),
        # Friday 17 April 2026: 45 days is Monday 1 June, a working day
        (D(2026, 4, 17), D(2026, 6, 1)),
    ],
)
def test_decide_within_45_days_ending_on_a_working_day(accepted, due):
    assert complaint_rules.decide_due(accepted_on=accepted, rule=RULE, calendar=CAL) == due
    assert _calendar_days_after(accepted, 45) == due


def test_missing_information_stops_the_clock_and_it_restarts_in_full():
    received = D(2026, 4, 3)
    asked = D(2026, 4, 7)
    assert (
        complaint_rules.accept_due(received_on=received, rule=RULE, calendar=CAL, supplement_asked_on=asked)
        is None
    )
    # supplied on Thursday 30 April, before the Labour Day break (1–5 May, Saturday 9 May worked):
    # Wed 6, Thu 7, Fri 8, Sat 9 (调休), Mon 11
    due = complaint_rules.accept_due(
        received_on=received,
        rule=RULE,
        calendar=CAL,
        supplement_asked_on=asked,
        supplemented_on=D(2026, 4, 30),
    )
    assert due == D(2026, 5, 11) == _nth_working_day_after(D(2026, 4, 30), 5)
    # the supplement period: 10 calendar days, ending on a working day
    assert complaint_rules.supplement_due(asked_on=D(2026, 9, 25), rule=RULE, calendar=CAL) == D(2026, 10, 8)


@pytest.mark.django_db
def test_the_rule_in_force_region_first_then_every_region_then_the_defaults():
    zhushan, leping = region("zhushan"), region("leping")
    day = D(2026, 5, 6)
    assert complaint_rules.complaint_rule_in_force(zhushan, day) is complaint_rules.DEFAULT_RULE
    everywhere = ComplaintRule.objects.create(valid_from=D(2026, 1, 1), accept_days=7, decide_days=30)
    assert complaint_rules.complaint_rule_in_force(zhushan, day).pk == everywhere.pk
    own = ComplaintRule.objects.create(
        region=zhushan,
        valid_from=D(2026, 1, 1),
        valid_to=D(2026, 12, 31),
        accept_days=3,
        accept_counting=CountingMode.CALENDAR,
        reveal_complainant=True,
    )
    assert complaint_rules.complaint_rule_in_force(zhushan, day).pk == own.pk
    assert complaint_rules.complaint_rule_in_force(leping, day).pk == everywhere.pk
    assert complaint_rules.complaint_rule_in_force(zhushan, D(2027, 1, 4)).pk == everywhere.pk
    assert complaint_rules.complaint_rule_in_force(zhushan, D(2025, 12, 31)) is complaint_rules.DEFAULT_RULE
    # 3 calendar days from Friday 3 April: Monday 6 April is a holiday, so Tuesday 7 April
    assert complaint_rules.accept_due(received_on=D(2026, 4, 3), rule=own, calendar=CAL) == D(2026, 4, 7)
    assert Region.objects.filter(code="zhushan").exists()


@pytest.mark.django_db
def test_a_complaint_received_and_accepted_on_the_friday_before_a_holiday(handling_world, monkeypatch):
    """Through the API: filed and accepted on Friday 3 April 2026, the last working day before the
    Qingming break; the task shows the same due dates."""
    world = handling_world
    case_id = handled_case(world)
    friday = datetime.datetime(2026, 4, 3, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr("django.utils.timezone.now", lambda: friday)
    filed = file_complaint(world, application_id=case_id)
    assert filed.status_code == 201, filed.content
    assert filed.json()["accept_due"] == "2026-04-13"
    assert accept(world, filed.json()["id"]).status_code == 200
    complaint = Complaint.objects.get(pk=filed.json()["id"])
    assert complaint.received_on == D(2026, 4, 3) and complaint.decide_due == D(2026, 5, 18)
    detail = world.api(world.applicant).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert detail["decide_due"] == "2026-05-18"


@pytest.mark.django_db
def test_a_complaint_received_the_day_before_national_day(handling_world, monkeypatch):
    world = handling_world
    case_id = handled_case(world)
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
    )
    filed = file_complaint(world, application_id=case_id)
    assert filed.json()["accept_due"] == "2026-10-13"
    rows = world.api(world.director).get("/api/v1/tasks/", {"scope": "queue", "name": "accept_complaint"})
    (task,) = [t for t in rows.json()["results"] if t["complaint_id"] == filed.json()["id"]]
    assert task["due"] == "2026-10-13"
    # on 14 October the accept step is overdue
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime.datetime(2026, 10, 14, 9, 0, tzinfo=SHANGHAI)
    )
    detail = world.api(world.director).get(f"/api/v1/complaints/{filed.json()['id']}/").json()
    assert detail["overdue"] is True
