"""The lawyers' annual duty (assignments.quota): the pure rule at its boundaries, then the figures as the
grouped report counts them from the records (DESIGN §6).

The issue's boundaries: 1 case + 30 h is not met (in progress before the year ends); 2 cases → met;
0 cases + 50.0 h → met; 49.9 h → in progress on 31 December, not met on 1 January; the conversion and
pro-rating change the result only when switched on; an exemption wins.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from aid_cases.models import Applicant, Application
from assignments import quota
from assignments.models import (
    Assignment,
    ClosingReport,
    DutyExemption,
    DutyLawyerRecord,
    DutyRule,
    ServiceLog,
)
from assignments.quota import DutyFigures, DutyRuleValues, duty_status
from directory.choices import OrganisationKind, ProviderKind, Role
from directory.models import Organisation, Provider
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, lawyer_licence, region

YEAR = 2026
IN_YEAR = datetime.date(2026, 6, 30)
LAST_DAY = datetime.date(2026, 12, 31)
AFTER = datetime.date(2027, 1, 1)
D = Decimal
DEFAULT = DutyRuleValues()


@pytest.fixture(autouse=True)
def _english():
    """The "missing" texts are read in English (the site's default language is Chinese)."""
    with translation.override("en"):
        yield


def status(cases=0, hours="0", *, rule=DEFAULT, today=AFTER, **figures) -> str:
    return duty_status(
        DutyFigures(cases=cases, hours=D(hours), **figures), rule, year=YEAR, today=today
    ).status


# --- the rule: strict OR, the end of the year, exemption --------------------------------------------


@pytest.mark.parametrize(
    ("cases", "hours", "before", "after"),
    [
        (0, "0", "in_progress", "not_met"),
        (1, "30", "in_progress", "not_met"),  # strict OR: never combined
        (1, "49.9", "in_progress", "not_met"),
        (2, "0", "met", "met"),
        (3, "0", "met", "met"),
        (0, "50.0", "met", "met"),
        (0, "49.9", "in_progress", "not_met"),
        (1, "50.0", "met", "met"),
        (0, "120.5", "met", "met"),
    ],
)
def test_strict_or_and_the_end_of_the_year(cases, hours, before, after):
    assert status(cases, hours, today=IN_YEAR) == before
    assert status(cases, hours, today=LAST_DAY) == before  # 31 December is still in the year
    assert status(cases, hours, today=AFTER) == after
    assert status(cases, hours, today=datetime.date(2031, 5, 1)) == after


def test_a_year_not_begun_is_in_progress():
    assert status(0, "0", today=datetime.date(2025, 12, 31)) == "in_progress"


@pytest.mark.parametrize(("cases", "hours"), [(0, "0"), (1, "30"), (2, "0"), (0, "50")])
def test_an_exemption_wins(cases, hours):
    for today in (IN_YEAR, AFTER):
        result = duty_status(
            DutyFigures(cases=cases, hours=D(hours), exempt=True), DEFAULT, year=YEAR, today=today
        )
        assert result.status == "exempt"
        assert (result.missing_cases, result.missing_hours, result.missing) == (0, D("0.0"), "")
        assert (result.cases, result.hours) == (cases, D(hours).quantize(D("0.1")))  # figures still shown


def test_the_result_says_what_is_missing():
    result = duty_status(DutyFigures(cases=1, hours=D("30")), DEFAULT, year=YEAR, today=IN_YEAR)
    assert (result.cases, result.hours, result.min_cases, result.min_hours) == (1, D("30.0"), 2, D("50.0"))
    assert (result.missing_cases, result.missing_hours) == (1, D("20.0"))
    assert result.missing == "1 more case or 20.0 more hours"
    nothing = duty_status(DutyFigures(), DEFAULT, year=YEAR, today=AFTER)
    assert nothing.missing == "2 more cases or 50.0 more hours"
    met = duty_status(DutyFigures(cases=2), DEFAULT, year=YEAR, today=AFTER)
    assert (met.met, met.missing_cases, met.missing_hours, met.missing) == (True, 0, D("0.0"), "")


def test_the_rule_rows_minimums_apply():
    rule = DutyRuleValues(min_cases=3, min_hours=D("60.0"))
    assert status(2, "59.9", rule=rule) == "not_met"
    assert status(3, "0", rule=rule) == "met"
    assert status(0, "60", rule=rule) == "met"
    nothing_asked = DutyRuleValues(min_cases=0, min_hours=D("0"))
    assert status(0, "0", rule=nothing_asked) == "met"


def test_the_defaults_are_the_models():
    fields = {f.name: f.default for f in DutyRule._meta.get_fields() if hasattr(f, "default")}
    assert DEFAULT.min_cases == fields["lawyer_min_cases"] == 2
    assert DEFAULT.min_hours == D(fields["lawyer_min_hours"]) == D("50.0")
    assert DEFAULT.counting_date == fields["counting_date"] == "accepted"
    assert (DEFAULT.duty_lawyer_days_per_case, DEFAULT.prorate_new_lawyers) == (None, False)
    assert DutyRuleValues.from_rule(None) == DEFAULT
    assert DutyRuleValues.from_rule(DutyRule(year=YEAR)) == DEFAULT


def test_a_rule_row_as_values():
    row = DutyRule(
        year=YEAR,
        lawyer_min_cases=3,
        lawyer_min_hours=D("40.5"),
        counting_date="closed",
        duty_lawyer_days_per_case=4,
        prorate_new_lawyers=True,
    )
    assert DutyRuleValues.from_rule(row) == DutyRuleValues(3, D("40.5"), "closed", 4, True)
    # 0 days per case would divide by zero: it means no conversion
    assert DutyRuleValues.from_rule(DutyRule(year=YEAR, duty_lawyer_days_per_case=0)) == DEFAULT


def test_rule_for_region_takes_the_regions_row_then_the_citywide_one():
    citywide = DutyRule(year=YEAR, lawyer_min_cases=3)
    zhushan = DutyRule(year=YEAR, region_id=2, lawyer_min_cases=4)
    assert quota.rule_for_region({}, 2) == DEFAULT
    assert quota.rule_for_region({None: citywide}, 2).min_cases == 3
    assert quota.rule_for_region({None: citywide, 2: zhushan}, 2).min_cases == 4
    assert quota.rule_for_region({None: citywide, 2: zhushan}, 5).min_cases == 3
    assert quota.rule_for_region({2: zhushan}, 5) == DEFAULT


# --- conversion of duty-lawyer days ------------------------------------------------------------------

FOUR_DAYS = DutyRuleValues(duty_lawyer_days_per_case=4)


def duty(cases=0, hours="0", days=0, duty_hours="0", rule=DEFAULT, today=AFTER, **figures):
    return duty_status(
        DutyFigures(
            cases=cases,
            hours=D(hours),
            duty_lawyer_days=days,
            duty_lawyer_hours=D(duty_hours),
            **figures,
        ),
        rule,
        year=YEAR,
        today=today,
    )


def test_without_a_conversion_duty_lawyer_days_count_only_as_hours():
    result = duty(cases=1, days=4, duty_hours="32")
    assert (result.cases, result.hours, result.converted_cases, result.status) == (1, D("32.0"), 0, "not_met")
    assert duty(hours="18", days=4, duty_hours="32").status == "met"  # 18 + 32 = 50 hours


def test_a_conversion_adds_cases_and_takes_those_days_hours_out():
    result = duty(cases=1, days=4, duty_hours="32", rule=FOUR_DAYS)
    assert (result.cases, result.hours, result.converted_cases, result.status) == (2, D("0.0"), 1, "met")
    # 18 + 32 hours met the duty as hours; converted, the 32 hours became a case: 1 case, 18 hours
    converted = duty(hours="18", days=4, duty_hours="32", rule=FOUR_DAYS)
    assert (converted.cases, converted.hours, converted.status) == (1, D("18.0"), "not_met")


def test_days_short_of_a_case_stay_hours():
    result = duty(days=3, duty_hours="24", rule=FOUR_DAYS)
    assert (result.cases, result.hours) == (0, D("24.0"))
    # 9 days: 2 cases; the 9th day keeps the average day's hours (8 × 9 = 72 → 8.0 left)
    result = duty(days=9, duty_hours="72", rule=FOUR_DAYS)
    assert (result.cases, result.hours, result.converted_cases) == (2, D("8.0"), 2)
    # uneven days: 5 days, 20 hours → 1 case, the remaining day at 4.0 hours
    result = duty(hours="1.5", days=5, duty_hours="20", rule=FOUR_DAYS)
    assert (result.cases, result.hours) == (1, D("5.5"))
    # an average to round: 5 days, 21 hours → 4.2 left
    assert duty(days=5, duty_hours="21", rule=FOUR_DAYS).hours == D("4.2")


@given(
    cases=st.integers(0, 5),
    hours=st.decimals(min_value=0, max_value=200, places=1),
    days=st.integers(0, 60),
    per_day=st.decimals(min_value=0, max_value=24, places=1),
    per_case=st.integers(1, 10),
)
def test_a_conversion_never_counts_a_day_twice(cases, hours, days, per_day, per_case):
    duty_hours = per_day * days
    off = duty(cases, str(hours), days, str(duty_hours))
    on = duty(
        cases, str(hours), days, str(duty_hours), rule=DutyRuleValues(duty_lawyer_days_per_case=per_case)
    )
    assert off.cases == cases and off.hours == hours + duty_hours
    assert on.converted_cases == days // per_case
    assert on.cases == cases + days // per_case
    # the converted days' hours are gone: what is left is the remaining days' (equal days here)
    assert on.hours == hours + per_day * (days % per_case if days // per_case else days)
    assert on.hours <= off.hours


# --- pro-rating lawyers licensed during the year ---------------------------------------------------

PRORATE = DutyRuleValues(prorate_new_lawyers=True)


@pytest.mark.parametrize(
    ("licensed_on", "min_cases", "min_hours"),
    [
        (datetime.date(2026, 1, 1), 2, "50.0"),  # 12 months: unchanged
        (datetime.date(2026, 1, 31), 2, "50.0"),
        (datetime.date(2026, 2, 1), 2, "45.9"),  # 11 months: 1.83 → 2 cases; 45.83 → 45.9 hours
        (datetime.date(2026, 3, 15), 2, "41.7"),  # 10 months: 1.67 → 2; 41.67 → 41.7
        (datetime.date(2026, 6, 30), 2, "29.2"),  # 7 months: 1.17 → 2; 29.17 → 29.2
        (datetime.date(2026, 7, 1), 1, "25.0"),  # 6 months: exactly half
        (datetime.date(2026, 12, 31), 1, "4.2"),  # 1 month: 0.17 → 1; 4.17 → 4.2
        (datetime.date(2025, 7, 1), 2, "50.0"),  # licensed the year before: a whole year's duty
        (None, 2, "50.0"),
    ],
)
def test_prorated_minimums(licensed_on, min_cases, min_hours):
    assert quota.prorated_minimums(PRORATE, licensed_on=licensed_on, year=YEAR) == (min_cases, D(min_hours))
    # off by default: never a change
    assert quota.prorated_minimums(DEFAULT, licensed_on=licensed_on, year=YEAR) == (2, D("50.0"))


def test_prorating_changes_the_status_only_when_switched_on():
    july = datetime.date(2026, 7, 1)
    assert status(1, "0", licensed_on=july) == "not_met"
    assert status(0, "25", licensed_on=july) == "not_met"
    assert status(1, "0", licensed_on=july, rule=PRORATE) == "met"
    assert status(0, "25", licensed_on=july, rule=PRORATE) == "met"
    assert status(0, "24.9", licensed_on=july, rule=PRORATE) == "not_met"
    result = duty_status(DutyFigures(hours=D("10"), licensed_on=july), PRORATE, year=YEAR, today=IN_YEAR)
    assert (result.prorated, result.min_cases, result.min_hours) == (True, 1, D("25.0"))
    assert result.missing == "1 more case or 15.0 more hours"
    january = duty_status(DutyFigures(licensed_on=datetime.date(2026, 1, 5)), PRORATE, year=YEAR, today=AFTER)
    assert (january.prorated, january.min_cases, january.min_hours) == (False, 2, D("50.0"))


@given(
    day=st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2026, 12, 31)),
    min_cases=st.integers(0, 10),
    min_hours=st.decimals(min_value=0, max_value=500, places=1),
)
def test_prorated_minimums_are_never_below_the_share_nor_above_the_whole(day, min_cases, min_hours):
    rule = DutyRuleValues(min_cases=min_cases, min_hours=min_hours, prorate_new_lawyers=True)
    cases, hours = quota.prorated_minimums(rule, licensed_on=day, year=YEAR)
    months = 13 - day.month
    assert min_cases * months <= cases * 12 < (min_cases * months) + 12
    assert min_hours * months <= hours * 12 < min_hours * months + D("1.2")
    assert cases <= min_cases and hours <= min_hours
    assert hours == hours.quantize(D("0.1"))


# --- properties of the whole rule ----------------------------------------------------------------

figures_strategy = st.builds(
    DutyFigures,
    cases=st.integers(0, 6),
    hours=st.decimals(min_value=0, max_value=120, places=1),
    duty_lawyer_days=st.integers(0, 20),
    exempt=st.booleans(),
    licensed_on=st.none()
    | st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2026, 12, 31)),
    duty_lawyer_hours=st.decimals(min_value=0, max_value=160, places=1),
)
rules_strategy = st.builds(
    DutyRuleValues,
    min_cases=st.integers(0, 5),
    min_hours=st.decimals(min_value=0, max_value=100, places=1),
    counting_date=st.sampled_from(["accepted", "closed"]),
    duty_lawyer_days_per_case=st.none() | st.integers(1, 8),
    prorate_new_lawyers=st.booleans(),
)
days_strategy = st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2028, 12, 31))


@given(figures=figures_strategy, rule=rules_strategy, today=days_strategy)
def test_the_status_is_one_of_four_and_agrees_with_the_counted_figures(figures, rule, today):
    result = duty_status(figures, rule, year=YEAR, today=today)
    reached = result.cases >= result.min_cases or result.hours >= result.min_hours
    if figures.exempt:
        assert result.status == "exempt"
    elif reached:
        assert result.status == "met"
    else:
        assert result.status == ("in_progress" if today <= LAST_DAY else "not_met")
    short = result.status in ("in_progress", "not_met")
    assert (result.missing_cases > 0 and result.missing_hours > 0) == short
    if short:
        assert result.cases + result.missing_cases == result.min_cases
        assert result.hours + result.missing_hours == result.min_hours


@given(figures=figures_strategy, rule=rules_strategy, today=days_strategy, more=st.integers(1, 3))
def test_more_cases_or_hours_never_lose_the_duty(figures, rule, today, more):
    before = duty_status(figures, rule, year=YEAR, today=today)
    for richer in (
        figures._replace(cases=figures.cases + more),
        figures._replace(hours=figures.hours + more),
    ):
        after = duty_status(richer, rule, year=YEAR, today=today)
        if before.met:
            assert after.met


# --- the figures counted from the records (the API tests count through the endpoints) ------------


class World:
    """Two firms in two regions, a clerk of the center, and helpers writing rows directly (the
    workflow is not the point here; tests/api/test_quota_api.py runs one case through it)."""

    def __init__(self, make_member):
        self.center = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan")
        )
        self.court = OrganisationFactory(
            kind=OrganisationKind.COURT, name="珠山区人民法院", region=region("zhushan")
        )
        self.clerk = make_member(Role.CLERK, self.center, username="clerk_quota")
        self.firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name="甲律师事务所", region=region("zhushan")
        )
        self.leping_firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name="乙律师事务所", region=region("leping")
        )
        self.n = 0

    def lawyer(self, firm=None, *, user=None, **changed):
        """A lawyer of ``firm``; ``changed`` fields (inactive, a licence in the future) are written
        after the service created them, as an administrator's later edit would."""
        self.n += 1
        provider = ProviderFactory(
            name=f"律师{self.n}",
            kind=ProviderKind.LAWYER,
            organisation=firm or self.firm,
            licence_no=lawyer_licence(500 + self.n),
            user=user,
        )
        if changed:
            Provider.objects.filter(pk=provider.pk).update(**changed)
            provider.refresh_from_db()
        return provider

    def case(self):
        self.n += 1
        return Application.objects.create(
            tracking_no=f"Q-{self.n:06d}",
            region=self.center.region,
            center=self.center,
            channel="window",
            filed_by=self.clerk,
            applicant=Applicant.objects.create(name=f"申请人{self.n}"),
            matter_category="civil",
            matter_type="maintenance",
            matter_summary="赡养费",
            household_size=1,
            monthly_income=D("0"),
            pledged_at=timezone.now(),
            means_result="pass",
            received_on=datetime.date(2026, 1, 2),
            status="in_progress",
        )

    def assignment(self, provider, accepted_on, status="accepted", application=None):
        return Assignment.objects.create(
            application=application or self.case(),
            provider=provider,
            organisation=provider.organisation,
            aid_form="representation",
            status=status,
            assigned_by=self.clerk,
            accepted_on=accepted_on,
        )

    def closed(self, assignment, reviewed_at, approved=True):
        return ClosingReport.objects.create(
            assignment=assignment,
            application=assignment.application,
            outcome="won",
            stage="first_instance",
            summary="胜诉",
            hours=D("10"),
            ended_on=reviewed_at.date(),
            filed_by=self.clerk,
            filed_at=reviewed_at,
            filed_on=reviewed_at.date(),
            approved=approved,
            reviewed_at=reviewed_at,
        )

    def log(self, provider, day, hours, status="verified"):
        return ServiceLog.objects.create(
            provider=provider,
            organisation=provider.organisation,
            center=self.center,
            activity="consultation",
            date=day,
            hours=D(hours),
            organiser="珠山区司法局",
            description="法律咨询",
            status=status,
            logged_by=self.clerk,
        )

    def duty_day(self, provider, day, hours="8", post=None):
        return DutyLawyerRecord.objects.create(
            post=post or self.court,
            center=self.center,
            provider=provider,
            day=day,
            without_defender=3,
            helped=3,
            hours=D(hours),
            recorded_by=self.clerk,
        )


@pytest.fixture
def world(db, make_member):
    return World(make_member)


def rows(**kwargs):
    return {row.lawyer_id: row for row in quota.lawyer_duty_rows(year=YEAR, today=AFTER, **kwargs)}


@pytest.mark.django_db
def test_cases_hours_and_days_are_counted_in_their_year(world):
    a, b = world.lawyer(), world.lawyer()
    world.assignment(a, datetime.date(2026, 1, 1))
    world.assignment(a, datetime.date(2026, 12, 31))
    world.assignment(a, datetime.date(2025, 12, 31))  # last year
    world.assignment(a, datetime.date(2027, 1, 1))  # next year
    world.assignment(a, datetime.date(2026, 5, 1), status="declined")  # counts for nobody
    world.assignment(a, datetime.date(2026, 5, 1), status="replaced")  # taken away
    world.assignment(a, datetime.date(2026, 5, 2), status="cancelled")  # aid ended after acceptance: counts
    world.assignment(a, None, status="cancelled")  # withdrawn before acceptance
    world.assignment(a, None, status="offered")
    world.log(a, datetime.date(2026, 3, 1), "20.5")
    world.log(a, datetime.date(2026, 3, 2), "8", status="pending")
    world.log(a, datetime.date(2026, 3, 3), "8", status="rejected")
    world.log(a, datetime.date(2025, 12, 31), "8")
    world.duty_day(a, datetime.date(2026, 4, 1), "8")
    world.duty_day(a, datetime.date(2026, 4, 1), "3.5", post=world.center)  # a second post, same day
    world.duty_day(a, datetime.date(2026, 4, 2), "8")
    world.duty_day(a, datetime.date(2027, 1, 1), "8")

    counted = rows()
    assert set(counted) == {a.pk, b.pk}
    row = counted[a.pk]
    assert (row.figures.cases, row.figures.hours) == (3, D("20.5"))
    assert (row.figures.duty_lawyer_days, row.figures.duty_lawyer_hours) == (2, D("19.5"))
    assert (row.cases, row.hours, row.status) == (3, D("40.0"), "met")
    assert (row.name, row.firm_id, row.firm_name) == (a.name, world.firm.pk, "甲律师事务所")
    empty = counted[b.pk]
    assert (empty.cases, empty.hours, empty.status) == (0, D("0.0"), "not_met")


@pytest.mark.django_db
def test_the_rule_of_the_firms_region_then_the_citywide_one(world):
    zhushan_lawyer, leping_lawyer = world.lawyer(), world.lawyer(world.leping_firm)
    for lawyer in (zhushan_lawyer, leping_lawyer):
        world.assignment(lawyer, datetime.date(2026, 2, 1))
        world.assignment(lawyer, datetime.date(2026, 2, 2))
    assert {r.status for r in rows().values()} == {"met"}
    DutyRule.objects.create(year=YEAR, lawyer_min_cases=3)
    DutyRule.objects.create(year=YEAR, region=region("leping"), lawyer_min_cases=2)
    DutyRule.objects.create(year=YEAR - 1, region=region("zhushan"), lawyer_min_cases=1)  # another year
    counted = rows()
    assert (counted[zhushan_lawyer.pk].status, counted[zhushan_lawyer.pk].result.min_cases) == ("not_met", 3)
    assert (counted[leping_lawyer.pk].status, counted[leping_lawyer.pk].result.min_cases) == ("met", 2)


@pytest.mark.django_db
def test_the_closure_date_places_a_case_when_the_rule_says_so(world):
    tz = timezone.get_current_timezone()
    lawyer, other = world.lawyer(), world.lawyer(world.leping_firm)
    # accepted in 2025, closure accepted in the first minute of 2026 (local time)
    early = world.assignment(lawyer, datetime.date(2025, 11, 1))
    world.closed(early, datetime.datetime(2026, 1, 1, 0, 0, tzinfo=tz))
    # accepted in 2026, closure accepted in the last minute of 2026
    late = world.assignment(lawyer, datetime.date(2026, 3, 1))
    world.closed(late, datetime.datetime(2026, 12, 31, 23, 59, tzinfo=tz))
    # accepted in 2026, closure accepted in 2027, or returned: not in 2026 by closure
    world.closed(
        world.assignment(lawyer, datetime.date(2026, 4, 1)), datetime.datetime(2027, 1, 1, 0, 1, tzinfo=tz)
    )
    world.closed(
        world.assignment(lawyer, datetime.date(2026, 4, 2)), datetime.datetime(2026, 6, 1, tzinfo=tz), False
    )
    world.assignment(other, datetime.date(2026, 4, 2))

    assert (rows()[lawyer.pk].cases, rows()[other.pk].cases) == (3, 1)  # by acceptance
    DutyRule.objects.create(year=YEAR, region=region("zhushan"), counting_date="closed")
    counted = rows()
    assert counted[lawyer.pk].cases == 2  # the two closures accepted in 2026
    assert counted[other.pk].cases == 1  # Leping keeps the default: by acceptance
    assert rows()[lawyer.pk].rule.counting_date == "closed"


@pytest.mark.django_db
def test_conversion_and_pro_rating_from_the_rule_row(world):
    veteran = world.lawyer()
    newcomer = world.lawyer(practice_start=datetime.date(2026, 7, 1))
    for day in range(1, 5):
        world.duty_day(veteran, datetime.date(2026, 5, day), "8")
    world.assignment(veteran, datetime.date(2026, 2, 1))
    world.assignment(newcomer, datetime.date(2026, 8, 1))
    before = rows()
    assert (before[veteran.pk].cases, before[veteran.pk].hours, before[veteran.pk].status) == (
        1,
        D("32.0"),
        "not_met",
    )
    assert before[newcomer.pk].status == "not_met"
    DutyRule.objects.create(year=YEAR, duty_lawyer_days_per_case=4, prorate_new_lawyers=True)
    after = rows()
    assert (after[veteran.pk].cases, after[veteran.pk].hours, after[veteran.pk].status) == (
        2,
        D("0.0"),
        "met",
    )
    assert (after[newcomer.pk].result.min_cases, after[newcomer.pk].status) == (1, "met")


@pytest.mark.django_db
def test_who_is_in_the_report(world, make_member):
    kept = world.lawyer()
    world.lawyer(active=False)
    world.lawyer(practice_start=datetime.date(2027, 2, 1))  # licensed after the year: no duty in it
    ProviderFactory(
        name="志愿者",
        kind=ProviderKind.VOLUNTEER,
        organisation=world.firm,
        licence_no="",
        practice_start=None,
    )
    closed_firm = OrganisationFactory(kind=OrganisationKind.LAW_FIRM, name="丙律师事务所")
    world.lawyer(closed_firm)
    Organisation.objects.filter(pk=closed_firm.pk).update(active=False)
    leping = world.lawyer(world.leping_firm)
    DutyExemption.objects.create(provider=leping, year=YEAR, reason="长期病假", recorded_by=world.clerk)
    DutyExemption.objects.create(provider=kept, year=YEAR - 1, reason="去年", recorded_by=world.clerk)

    assert list(rows()) == [kept.pk, leping.pk]  # zhushan sorts before leping
    assert rows()[leping.pk].status == "exempt" and rows()[kept.pk].status == "not_met"
    assert list(rows(firm_ids=[world.leping_firm.pk])) == [leping.pk]
    assert list(rows(region_ids=[region("zhushan").pk])) == [kept.pk]
    assert list(rows(provider_ids=[leping.pk])) == [leping.pk]
    assert list(rows(provider_ids=[])) == []


@pytest.mark.django_db
def test_firm_rows_roll_up_the_lawyers(world):
    lawyers = [world.lawyer() for _ in range(3)]
    exempt = world.lawyer()
    DutyExemption.objects.create(provider=exempt, year=YEAR, reason="长期病假", recorded_by=world.clerk)
    for lawyer in lawyers[:2]:
        world.assignment(lawyer, datetime.date(2026, 2, 1))
        world.assignment(lawyer, datetime.date(2026, 2, 2))
    world.log(lawyers[2], datetime.date(2026, 2, 2), "10")
    leping = world.lawyer(world.leping_firm)
    world.log(leping, datetime.date(2026, 2, 2), "24")
    world.log(leping, datetime.date(2026, 2, 3), "24")
    world.log(leping, datetime.date(2026, 2, 4), "2")

    firm, other = quota.firm_duty_rows(year=YEAR, today=IN_YEAR)
    assert (firm.firm_id, firm.name, firm.lawyers, firm.met, firm.exempt) == (
        world.firm.pk,
        "甲律师事务所",
        4,
        2,
        1,
    )
    assert firm.compliance_rate == D("0.5000")
    assert [row.lawyer_id for row in firm.not_met] == [lawyers[2].pk]
    assert firm.not_met[0].status == "in_progress"
    assert (other.firm_id, other.lawyers, other.met, other.compliance_rate) == (
        world.leping_firm.pk,
        1,
        1,
        D("1.0000"),
    )
    (only,) = quota.firm_duty_rows(year=YEAR, firm_ids=[world.leping_firm.pk])
    assert only == other
    # one third, rounded to four places
    world.lawyer(world.leping_firm)
    world.lawyer(world.leping_firm)
    (thirds,) = quota.firm_duty_rows(year=YEAR, firm_ids=[world.leping_firm.pk])
    assert (thirds.lawyers, thirds.met, thirds.compliance_rate) == (3, 1, D("0.3333"))


@pytest.mark.django_db
def test_the_scope_of_each_role(world, make_member):
    lawyer = world.lawyer(user=UserFactory(username="lawyer_scope"))
    admin = make_member(Role.FIRM_ADMIN, world.firm, username="firm_admin_scope")
    bureau = OrganisationFactory(kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz"))
    officer = make_member(Role.BUREAU_OFFICER, bureau, username="bureau_scope")
    superuser = UserFactory(username="root_scope", is_superuser=True)

    assert quota.duty_scope_for(lawyer.user) == quota.DutyScope(provider_ids=frozenset({lawyer.pk}))
    assert quota.duty_scope_for(admin) == quota.DutyScope(firm_ids=frozenset({world.firm.pk}))
    city = quota.duty_scope_for(officer)
    assert region("zhushan").pk in city.region_ids and region("leping").pk in city.region_ids
    assert quota.duty_scope_for(superuser) == quota.DutyScope(everything=True)
    assert quota.duty_scope_for(world.clerk) is None
    assert quota.duty_scope_for(UserFactory(username="nobody_scope")) is None
    assert not quota.duty_scope_for(lawyer.user).sees_firms
    assert quota.duty_scope_for(admin).sees_firms
