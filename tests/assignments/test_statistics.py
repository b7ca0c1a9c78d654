"""The indicators (docs/domain.md, indicators; assignments.statistics): the rate functions at their
boundaries, each indicator on a small world with known answers, who sees which regions, and a
constant number of queries whatever the number of cases."""

import datetime
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from aid_cases.models import Applicant, Application, Decision, DefenceNotification
from assignments import statistics as stats
from assignments.models import (
    Assignment,
    ClosingReport,
    DutyLawyerRecord,
    Rating,
    SubsidyPayment,
    SubsidyStandard,
)
from directory.choices import OrganisationKind, ProviderKind, Role
from directory.models import Organisation
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, lawyer_licence, region

TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai, the site's time zone
PERIOD = stats.Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
TODAY = datetime.date(2026, 7, 1)


def at(y, m, d, hh=12, mm=0, ss=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


# --- the pure functions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 0, None),
        (0, 1, Decimal("0.0000")),
        (1, 1, Decimal("1.0000")),
        (7, 8, Decimal("0.8750")),
        (1, 3, Decimal("0.3333")),
        (2, 3, Decimal("0.6667")),
        (1, 8, Decimal("0.1250")),
        (1, 20000, Decimal("0.0001")),  # 0.00005 rounds half up
        (1, 20001, Decimal("0.0000")),
        (19999, 20000, Decimal("1.0000")),  # 0.99995: rounded, shown as 100%, yet not met (below)
    ],
)
def test_rate(numerator, denominator, expected):
    assert stats.rate(numerator, denominator) == expected
    if expected is not None:
        assert stats.rate(numerator, denominator).as_tuple().exponent == -4


@pytest.mark.parametrize(("numerator", "denominator"), [(2, 1), (-1, 3), (0, -1), (1, 0)])
def test_rate_refuses_impossible_counts(numerator, denominator):
    with pytest.raises(ValueError):
        stats.rate(numerator, denominator)


@pytest.mark.parametrize(
    ("numerator", "denominator", "target", "met"),
    [
        (3, 5, Decimal("0.6"), True),  # exactly 60%
        (5999, 10000, Decimal("0.6"), False),  # 59.99%
        (2999, 5000, Decimal("0.6"), False),
        (19, 20, Decimal("0.95"), True),  # exactly 95%
        (18, 19, Decimal("0.95"), False),  # 94.74%
        (19999, 20000, Decimal("1"), False),  # rounds to 100.00% but is not all of them
        (4, 4, Decimal("1"), True),
        (0, 0, Decimal("1"), None),  # nothing counted: nothing to judge
        (1, 2, None, None),  # no target
    ],
)
def test_target_met_is_exact(numerator, denominator, target, met):
    assert stats.target_met(numerator, denominator, target) is met
    assert stats.Ratio(numerator, denominator).meets(target) is met


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_rate_properties(a, b):
    numerator, denominator = min(a, b), max(a, b)
    value = stats.rate(numerator, denominator)
    if denominator == 0:
        assert value is None
        return
    assert Decimal(0) <= value <= Decimal(1)
    assert abs(Fraction(value) - Fraction(numerator, denominator)) <= Fraction(1, 20000)


@given(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=1, max_value=10**6),
    st.sampled_from([Decimal("0.6"), Decimal("0.95"), Decimal("1"), Decimal("0")]),
)
def test_target_met_matches_exact_fractions(a, b, target):
    numerator, denominator = min(a, b), max(a, b)
    assert stats.target_met(numerator, denominator, target) is (
        Fraction(numerator, denominator) >= Fraction(target)
    )


def test_ratios_add_up_and_totals_are_not_averages():
    total = stats.Ratio(1, 1) + stats.Ratio(1, 3)
    assert total == stats.Ratio(2, 4)
    assert total.rate == Decimal("0.5000")  # not the average of 100% and 33.33%


def test_period():
    assert stats.Period.year_to_date(datetime.date(2026, 3, 5)) == stats.Period(
        datetime.date(2026, 1, 1), datetime.date(2026, 3, 5)
    )
    with pytest.raises(ValueError):
        stats.Period(datetime.date(2026, 2, 1), datetime.date(2026, 1, 31))
    lo, hi = stats.Period(datetime.date(2026, 1, 1), datetime.date(2026, 1, 1)).moments
    assert (hi - lo) == datetime.timedelta(days=1)
    assert lo.astimezone(datetime.UTC) == datetime.datetime(2025, 12, 31, 16, tzinfo=datetime.UTC)


def test_every_indicator_has_a_label_a_definition_and_a_sensible_target():
    codes = [i.code for i in (*stats.INDICATORS, *stats.COUNTS, *stats.SUBSIDIES)]
    assert len(codes) == len(set(codes))
    for indicator in (*stats.INDICATORS, *stats.COUNTS, *stats.SUBSIDIES):
        assert str(indicator.label) and str(indicator.definition)
    targets = {i.code: i.target for i in stats.INDICATORS}
    assert targets == {
        "notified_assigned": Decimal("1"),
        "duty_coverage": Decimal("1"),
        "lawyer_share": Decimal("0.6"),
        "satisfaction": Decimal("0.95"),
        "decided_on_time": Decimal("1"),
        "assigned_on_time": Decimal("1"),
    }


# --- a small world ---------------------------------------------------------------------------------

_numbers = itertools.count(1)
_duty_days = itertools.count(0)  # a distinct day for each duty record of the busy world


class World:
    def __init__(self, make_member):
        self.zhushan = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan")
        )
        self.leping = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name="乐平市法律援助中心", region=region("leping")
        )
        self.city = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name="景德镇市法律援助中心", region=region("jdz")
        )
        self.court = OrganisationFactory(
            kind=OrganisationKind.COURT, name="珠山区人民法院", region=region("zhushan")
        )
        self.clerk = make_member(Role.CLERK, self.zhushan, username="clerk")
        self.firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name="甲律师事务所", region=region("zhushan")
        )
        self.office = OrganisationFactory(
            kind=OrganisationKind.GRASSROOTS_OFFICE, name="新村法律服务所", region=region("zhushan")
        )
        self.lawyers = [
            ProviderFactory(
                name=f"律师{n}",
                kind=ProviderKind.LAWYER,
                organisation=self.firm,
                licence_no=lawyer_licence(700 + n),
            )
            for n in range(2)
        ]
        self.worker = ProviderFactory(
            name="基层工作者",
            kind=ProviderKind.GRASSROOTS,
            organisation=self.office,
            licence_no="JC-000777",
        )
        self.standard = SubsidyStandard.objects.create(
            region=region("zhushan"),
            matter_category="civil",
            aid_form="representation",
            amount=Decimal("1000.00"),
            valid_from=datetime.date(2020, 1, 1),
        )

    def case(
        self,
        center=None,
        *,
        received_on=datetime.date(2026, 3, 1),
        status="submitted",
        channel="window",
        **fields,
    ):
        n = next(_numbers)
        applicant = Applicant.objects.create(name=f"申请人{n}")
        center = center or self.zhushan
        return Application.objects.create(
            tracking_no=f"T-{n:06d}",
            region=center.region,
            center=center,
            channel=channel,
            filed_by=self.clerk,
            applicant=applicant,
            matter_category="civil",
            matter_type="maintenance",
            matter_summary="赡养费",
            household_size=1,
            monthly_income=Decimal("0"),
            pledged_at=timezone.now(),
            means_result="pass",
            received_on=received_on,
            status=status,
            **fields,
        )

    def notified(self, received_at, center=None, **fields):
        application = self.case(center, received_on=received_at.date(), channel="notification", **fields)
        DefenceNotification.objects.create(
            application=application,
            agency=self.court,
            agency_case_no=f"（2026）赣0203刑初{next(_numbers)}号",
            received_at=received_at,
            grounds=["minor"],
            charge="盗窃",
            stage="trial",
            filed_by=self.clerk,
        )
        return application

    def assignment(
        self, application, provider=None, *, status="accepted", assigned_at=None, accepted_on=None
    ):
        provider = provider or self.lawyers[0]
        assignment = Assignment.objects.create(
            application=application,
            provider=provider,
            organisation=provider.organisation,
            aid_form="representation",
            status=status,
            assigned_by=self.clerk,
            accepted_on=accepted_on,
        )
        if assigned_at is not None:
            Assignment.objects.filter(pk=assignment.pk).update(assigned_at=assigned_at)
        return assignment

    def decision(self, application, kind, decided_at):
        decision = Decision.objects.create(
            application=application, kind=kind, means_result="pass", decided_by=self.clerk
        )
        Decision.objects.filter(pk=decision.pk).update(decided_at=decided_at)
        return decision

    def rating(self, score, rated_at, center=None):
        rating = Rating.objects.create(
            application=self.case(center, status="closed"), score=score, rated_by=self.clerk
        )
        Rating.objects.filter(pk=rating.pk).update(rated_at=rated_at)

    def payment(self, amount, status, owed_on, center=None):
        application = self.case(center, status="closed")
        assignment = self.assignment(application, accepted_on=owed_on)
        SubsidyPayment.objects.create(
            assignment=assignment,
            application=application,
            provider=assignment.provider,
            organisation=assignment.organisation,
            standard=self.standard,
            base_amount=amount,
            amount=amount,
            status=status,
            owed_on=owed_on,
        )

    def closing(self, approved, reviewed_at, center=None):
        application = self.case(center, status="closed" if approved else "in_progress")
        assignment = self.assignment(application, accepted_on=datetime.date(2025, 6, 1))
        ClosingReport.objects.create(
            assignment=assignment,
            application=application,
            outcome="won",
            stage="first_instance",
            summary="胜诉",
            hours=Decimal("10"),
            ended_on=datetime.date(2026, 1, 5),
            filed_by=self.clerk,
            filed_at=reviewed_at,
            filed_on=reviewed_at.date(),
            approved=approved,
            reviewed_at=reviewed_at,
        )

    def duty(self, day, without_defender, helped, center=None, hours=Decimal("8.0")):
        return DutyLawyerRecord.objects.create(
            post=self.court,
            center=center or self.zhushan,
            provider=self.lawyers[0 if center in (None, self.zhushan) else 1],
            day=day,
            without_defender=without_defender,
            helped=helped,
            hours=hours,
            recorded_by=self.clerk,
        )

    def figures(self, period=PERIOD, today=TODAY):
        centers = [self.zhushan.pk, self.leping.pk, self.city.pk]
        regions = [self.zhushan.region_id, self.leping.region_id, self.city.region_id]
        return stats.statistics_by_region(center_ids=centers, region_ids=regions, period=period, today=today)


@pytest.fixture
def world(db, make_member):
    return World(make_member)


def zhushan(world, **kwargs) -> stats.Figures:
    return world.figures(**kwargs)[world.zhushan.region_id]


def test_nothing_counted_gives_no_rate_and_zero_sums(world):
    figures = world.figures()
    assert set(figures) == {world.zhushan.region_id, world.leping.region_id, world.city.region_id}
    for one in figures.values():
        assert all(ratio == stats.Ratio(0, 0) and ratio.rate is None for ratio in one.ratios.values())
        assert all(count == 0 for count in one.counts.values())
        assert all(amount == Decimal("0.00") for amount in one.money.values())


def test_notified_defence_assignment_rate(world):
    accepted = {"accepted_on": datetime.date(2026, 3, 2)}
    world.assignment(world.notified(at(2026, 3, 1)), **accepted)  # assigned, accepted
    world.assignment(world.notified(at(2026, 3, 2)), status="offered")  # offered, not yet accepted
    world.notified(at(2026, 3, 3))  # nobody yet
    # accepted, then replaced: a lawyer did accept the assignment
    world.assignment(world.notified(at(2026, 1, 1, 0, 0)), status="replaced", **accepted)
    world.assignment(world.notified(at(2026, 6, 30, 23, 59, 59)), **accepted)  # the period's last second
    # outside the period, by the site's calendar (not UTC's)
    world.assignment(world.notified(at(2025, 12, 31, 23, 59, 59)), **accepted)
    world.assignment(world.notified(at(2026, 7, 1, 0, 0)), **accepted)
    world.assignment(world.notified(at(2026, 3, 1), center=world.leping), **accepted)
    figures = world.figures()
    assert figures[world.zhushan.region_id].ratios["notified_assigned"] == stats.Ratio(3, 5)
    assert figures[world.leping.region_id].ratios["notified_assigned"] == stats.Ratio(1, 1)
    assert figures[world.city.region_id].ratios["notified_assigned"].rate is None


def test_assigned_on_time(world):
    due = datetime.date(2026, 3, 10)
    # offered on the due day, late in the day: on time
    world.assignment(world.case(assign_due=due, status="in_progress"), assigned_at=at(2026, 3, 10, 23, 30))
    # offered just after midnight the day after (still the due day in UTC): late
    world.assignment(world.case(assign_due=due, status="in_progress"), assigned_at=at(2026, 3, 11, 0, 30))
    # offered on time but declined, not offered again: not on time
    world.assignment(
        world.case(assign_due=due, status="assigning"), status="declined", assigned_at=at(2026, 3, 9)
    )
    # declined, then offered again on time: on time
    case = world.case(assign_due=due, status="assigned")
    world.assignment(case, status="declined", assigned_at=at(2026, 3, 8))
    world.assignment(case, world.lawyers[1], status="offered", assigned_at=at(2026, 3, 9))
    # replaced; the new due date passed with nobody offered: late
    world.assignment(
        world.case(assign_due=datetime.date(2026, 4, 5), status="assigning"),
        status="replaced",
        assigned_at=at(2026, 3, 20),
    )
    # offered, then aid ended (the offer withdrawn): the offer was on time
    world.assignment(
        world.case(assign_due=due, status="terminated"), status="cancelled", assigned_at=at(2026, 3, 9)
    )
    world.case(assign_due=due, status="assigning")  # never offered, due date passed
    world.case(assign_due=datetime.date(2025, 12, 31), status="assigning")  # due before the period
    world.case(assign_due=datetime.date(2026, 7, 1), status="assigning")  # due after it
    assert zhushan(world).ratios["assigned_on_time"] == stats.Ratio(3, 7)


def test_a_case_not_yet_due_is_not_late(world):
    last_day = PERIOD.end
    world.case(assign_due=last_day, status="assigning")  # due today, nobody offered yet: not counted
    world.assignment(
        world.case(assign_due=last_day, status="assigned"), status="offered", assigned_at=at(2026, 6, 30, 9)
    )
    assert zhushan(world, today=last_day).ratios["assigned_on_time"] == stats.Ratio(1, 1)
    # the next day the first one is late
    assert zhushan(world, today=last_day + datetime.timedelta(days=1)).ratios[
        "assigned_on_time"
    ] == stats.Ratio(1, 2)


def test_decisions_counts_and_on_time(world):
    due = datetime.date(2026, 2, 1)
    world.decision(
        world.case(decision_due=due, status="approved"), "approve", at(2026, 2, 1, 23, 30)
    )  # on time
    world.decision(world.case(decision_due=due, status="refused"), "refuse", at(2026, 2, 2, 0, 30))  # late
    # provisional aid: its due date is the confirming review's, so it is left out of "on time"
    world.decision(
        world.case(decision_due=due, status="in_progress", provisional=True), "provisional", at(2026, 2, 5)
    )
    confirmed = world.case(decision_due=due, status="in_progress")
    world.decision(confirmed, "provisional", at(2026, 1, 20))
    world.decision(world.case(decision_due=None, status="approved"), "approve", at(2026, 3, 1))  # no due date
    world.decision(world.case(decision_due=due, status="approved"), "approve", at(2025, 12, 31, 23))  # before
    world.decision(world.case(decision_due=due, status="approved"), "approve", at(2026, 7, 1, 0, 1))  # after
    world.decision(world.case(world.leping, decision_due=due, status="approved"), "approve", at(2026, 1, 3))
    figures = world.figures()
    one = figures[world.zhushan.region_id]
    assert (one.counts["granted"], one.counts["refused"]) == (4, 1)
    assert one.ratios["decided_on_time"] == stats.Ratio(1, 2)
    assert figures[world.leping.region_id].ratios["decided_on_time"] == stats.Ratio(1, 1)
    assert figures[world.leping.region_id].counts["granted"] == 1


def test_lawyers_share(world):
    accepted = datetime.date(2026, 5, 1)
    for provider in (world.lawyers[0], world.lawyers[1], world.lawyers[0]):
        world.assignment(world.case(status="in_progress"), provider, accepted_on=accepted)
    for _ in range(2):
        world.assignment(world.case(status="in_progress"), world.worker, accepted_on=accepted)
    # not counted: replaced, declined, only offered, accepted outside the period
    world.assignment(world.case(status="assigning"), status="replaced", accepted_on=accepted)
    world.assignment(world.case(status="assigning"), world.worker, status="replaced", accepted_on=accepted)
    world.assignment(world.case(status="assigning"), status="declined")
    world.assignment(world.case(status="assigned"), status="offered")
    world.assignment(world.case(status="in_progress"), world.worker, accepted_on=datetime.date(2026, 7, 1))
    world.assignment(world.case(status="in_progress"), world.worker, accepted_on=datetime.date(2025, 12, 31))
    share = zhushan(world).ratios["lawyer_share"]
    assert share == stats.Ratio(3, 5)
    assert share.rate == Decimal("0.6000") and share.meets(Decimal("0.6")) is True


def test_satisfaction(world):
    for score in (5, 4, 3, 1):
        world.rating(score, at(2026, 4, 1))
    world.rating(5, at(2026, 6, 30, 23, 59))
    world.rating(2, at(2026, 7, 1, 0, 0))  # after the period
    world.rating(2, at(2025, 12, 31, 23, 59))  # before it
    world.rating(5, at(2026, 4, 1), center=world.leping)
    figures = world.figures()
    assert figures[world.zhushan.region_id].ratios["satisfaction"] == stats.Ratio(3, 5)
    assert figures[world.leping.region_id].ratios["satisfaction"] == stats.Ratio(1, 1)


def test_subsidies(world):
    world.payment(Decimal("1000.00"), "owed", datetime.date(2026, 1, 1))
    world.payment(Decimal("500.50"), "approved", datetime.date(2026, 3, 1))
    world.payment(Decimal("1500.00"), "paid", datetime.date(2026, 6, 30))
    world.payment(Decimal("700.00"), "paid", datetime.date(2026, 2, 1))
    world.payment(Decimal("9999.00"), "paid", datetime.date(2025, 12, 31))  # owed before the period
    money = zhushan(world).money
    assert money == {
        "owed_total": Decimal("3700.50"),
        "owed": Decimal("1000.00"),
        "approved": Decimal("500.50"),
        "paid": Decimal("2200.00"),
    }
    assert all(value.as_tuple().exponent == -2 for value in money.values())


def test_duty_lawyer_coverage(world):
    world.duty(datetime.date(2026, 1, 1), 10, 9, hours=Decimal("7.5"))
    world.duty(datetime.date(2026, 6, 30), 5, 5)
    world.duty(datetime.date(2026, 3, 3), 0, 0)  # nobody came
    world.duty(datetime.date(2025, 12, 31), 4, 0)
    world.duty(datetime.date(2026, 7, 1), 4, 0)
    world.duty(datetime.date(2026, 3, 3), 2, 2, center=world.leping)
    figures = world.figures()
    one = figures[world.zhushan.region_id]
    assert one.ratios["duty_coverage"] == stats.Ratio(14, 15)
    assert (one.duty_days, one.duty_hours) == (3, Decimal("23.5"))
    assert figures[world.leping.region_id].ratios["duty_coverage"].rate == Decimal("1.0000")


def test_received_closed_and_overdue(world):
    world.case(received_on=datetime.date(2026, 1, 1))
    world.case(received_on=datetime.date(2026, 6, 30))
    world.case(received_on=datetime.date(2025, 12, 31))
    world.case(received_on=datetime.date(2026, 7, 1))
    world.closing(True, at(2026, 5, 5))
    world.closing(False, at(2026, 5, 6))  # returned to the provider
    world.closing(True, at(2026, 7, 1, 0, 0))  # after the period
    late = TODAY - datetime.timedelta(days=1)
    old = datetime.date(2024, 1, 1)
    world.case(received_on=old, status="under_review", decision_due=late)  # review overdue
    world.case(received_on=old, status="submitted", decision_due=TODAY)  # due today: not overdue
    world.case(received_on=old, status="supplement_requested", decision_due=None)  # clock stopped
    world.case(received_on=old, status="in_progress", provisional=True, decision_due=late)  # confirm
    world.case(received_on=old, status="in_progress", provisional=False, decision_due=late)  # decided
    world.case(received_on=old, status="assigning", assign_due=late)  # assignment overdue
    world.case(received_on=old, status="assigned", assign_due=late)  # offered: the provider's turn
    world.case(received_on=old, status="closing", closure_due=late)  # closure review overdue
    world.case(received_on=old, status="closed", closure_due=late)  # done
    one = zhushan(world)
    # the closing reports' cases were received on 2026-03-01
    assert one.counts["received"] == 2 + 3
    assert one.counts["closed"] == 1
    assert one.overdue_detail == {"review": 1, "confirm": 1, "assign": 1, "closure": 1}
    assert one.counts["overdue"] == 4


def test_totals_add_regions(world):
    world.duty(datetime.date(2026, 1, 1), 10, 9)
    world.duty(datetime.date(2026, 1, 1), 2, 2, center=world.leping)
    world.payment(Decimal("100.00"), "paid", datetime.date(2026, 1, 1))
    world.payment(Decimal("50.00"), "paid", datetime.date(2026, 1, 1), center=world.leping)
    total = stats.figures_total(world.figures().values())
    assert total.ratios["duty_coverage"] == stats.Ratio(11, 12)
    assert total.money["paid"] == Decimal("150.00")


# --- who sees which figures ----------------------------------------------------------------------


def test_scope_of_center_staff_and_bureaus(world, make_member):
    def scope(user):
        found = stats.statistics_scope(user)
        return None if found is None else (set(found.center_ids), [r.code for r in found.regions])

    reviewer = make_member(Role.REVIEWER, world.zhushan)
    assert scope(world.clerk) == scope(reviewer) == ({world.zhushan.pk}, ["zhushan"])
    city_director = make_member(Role.DIRECTOR, world.city)
    assert scope(city_director) == ({world.city.pk}, ["jdz"])
    Organisation.objects.filter(pk=world.city.pk).update(sees_subregion_cases=True)
    assert scope(city_director) == (
        {world.city.pk, world.zhushan.pk, world.leping.pk},
        ["jdz", "zhushan", "leping"],
    )
    county_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan")
    )
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    assert scope(make_member(Role.BUREAU_OFFICER, county_bureau)) == ({world.zhushan.pk}, ["zhushan"])
    assert scope(make_member(Role.BUREAU_OFFICER, city_bureau)) == (
        {world.city.pk, world.zhushan.pk, world.leping.pk},
        ["jdz", "zhushan", "leping"],
    )
    # nobody else: providers, firm administrators, agencies, citizens, a revoked membership
    lawyer = make_member(Role.PROVIDER, world.firm)
    firm_admin = make_member(Role.FIRM_ADMIN, world.firm)
    officer = make_member(Role.AGENCY_OFFICER, world.court)
    assert scope(lawyer) is scope(firm_admin) is scope(officer) is scope(UserFactory()) is None
    reviewer.memberships.update(active=False)
    assert scope(reviewer) is None


def test_scope_narrowed_to_one_region(world, make_member):
    Organisation.objects.filter(pk=world.city.pk).update(sees_subregion_cases=True)
    scope = stats.statistics_scope(make_member(Role.DIRECTOR, world.city))
    narrowed = scope.narrowed(region("leping"))
    assert narrowed.center_ids == {world.leping.pk}
    assert [r.code for r in narrowed.regions] == ["leping"]


# --- a constant number of queries ----------------------------------------------------------------


def busy_world(world, n):
    """``n`` cases in each region, each with every row an indicator counts."""
    for center in (world.zhushan, world.leping):
        for i in range(n):
            application = world.notified(
                at(2026, 2, 1 + i % 20), center=center, decision_due=datetime.date(2026, 2, 1)
            )
            Application.objects.filter(pk=application.pk).update(assign_due=datetime.date(2026, 2, 4))
            world.assignment(
                application,
                world.lawyers[i % 2] if i % 3 else world.worker,
                assigned_at=at(2026, 2, 2),
                accepted_on=datetime.date(2026, 2, 2),
            )
            world.decision(application, "approve", at(2026, 2, 1))
            world.rating(1 + i % 5, at(2026, 3, 1), center=center)
            world.payment(
                Decimal("100.00"), ("owed", "approved", "paid")[i % 3], datetime.date(2026, 3, 1), center
            )
            world.closing(True, at(2026, 3, 1), center=center)
            day = datetime.date(2026, 1, 1) + datetime.timedelta(days=next(_duty_days) % 180)
            world.duty(day, 3, 2 + i % 2, center=center)


def count_queries(world) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        figures = world.figures()
    return len(ctx.captured_queries), figures


def test_a_constant_number_of_queries(world):
    busy_world(world, 2)
    few, small = count_queries(world)
    busy_world(world, 38)
    many, large = count_queries(world)
    assert few == many == 8
    one = large[world.zhushan.region_id]
    assert one.ratios["notified_assigned"] == stats.Ratio(40, 40)
    assert one.ratios["assigned_on_time"] == stats.Ratio(40, 40)
    assert one.counts["closed"] == 40
    assert small[world.zhushan.region_id].counts["closed"] == 2
