"""The lawyers' duty report costs the same SQL statements with 1 lawyer and with 30 (DESIGN §6, §8.4).

Each report — the functions the pages and exports call, and the two API lists for each kind of viewer —
is measured with one lawyer in the database and again with thirty lawyers in six firms of two regions,
every one of them with cases (accepted, declined, replaced, closed), hours (verified, pending), duty-lawyer
days and some exemptions. The counts must be equal, not merely bounded: a statement per lawyer or per
firm anywhere shows up as a difference, printed as a diff of the statements. The year's rules use both
ways of placing a case (acceptance and closure) and the conversion, so the widest query is measured.
"""

import datetime
import difflib
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

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
from assignments.selectors import duty_rules_of_year
from directory.choices import OrganisationKind, ProviderKind, Role
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, lawyer_licence, region

pytestmark = pytest.mark.django_db

YEAR = 2026
TZ = datetime.timezone(datetime.timedelta(hours=8))


class World:
    def __init__(self, make_member):
        self.make_member = make_member
        self.center = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan")
        )
        self.court = OrganisationFactory(
            kind=OrganisationKind.COURT, name="珠山区人民法院", region=region("zhushan")
        )
        self.clerk = make_member(Role.CLERK, self.center, username="clerk_q")
        bureau = OrganisationFactory(
            kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
        )
        self.city_officer = make_member(Role.BUREAU_OFFICER, bureau, username="bureau_q")
        zhushan_bureau = OrganisationFactory(
            kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan")
        )
        self.zhushan_officer = make_member(Role.BUREAU_OFFICER, zhushan_bureau, username="bureau_zhushan_q")
        self.superuser = UserFactory(username="root_q", is_superuser=True)
        self.firms = []
        self.n = 0
        self.first_firm = self.firm(region("zhushan"))
        self.firm_admin = make_member(Role.FIRM_ADMIN, self.first_firm, username="firm_admin_q")
        self.lawyer_user = make_member(Role.PROVIDER, self.first_firm, username="lawyer_q")
        self.lawyer(self.first_firm, user=self.lawyer_user)
        # the widest shape: both placements of a case, a conversion, pro-rating
        DutyRule.objects.create(year=YEAR, counting_date="accepted", duty_lawyer_days_per_case=4)
        DutyRule.objects.create(
            year=YEAR, region=region("leping"), counting_date="closed", prorate_new_lawyers=True
        )

    def firm(self, in_region):
        firm = OrganisationFactory(
            kind=OrganisationKind.LAW_FIRM, name=f"律师事务所{len(self.firms)}", region=in_region
        )
        self.firms.append(firm)
        return firm

    def lawyer(self, firm, user=None):
        self.n += 1
        n = self.n
        provider = ProviderFactory(
            name=f"律师{n:02d}",
            kind=ProviderKind.LAWYER,
            organisation=firm,
            licence_no=lawyer_licence(300 + n),
            practice_start=datetime.date(2010 + n % 17, 1 + n % 12, 1),
            user=user,
        )
        for k, status in enumerate(
            ("accepted", "accepted", "declined", "replaced", "cancelled")[: 1 + n % 5]
        ):
            assignment = self.assignment(provider, datetime.date(YEAR, 1 + k, 1 + n % 28), status)
            if k == 0:
                reviewed = datetime.datetime(YEAR, 6, 1 + n % 28, 10, tzinfo=TZ)
                ClosingReport.objects.create(
                    assignment=assignment,
                    application=assignment.application,
                    outcome="won",
                    stage="first_instance",
                    summary="胜诉",
                    hours=Decimal("10"),
                    ended_on=reviewed.date(),
                    filed_by=self.clerk,
                    filed_at=reviewed,
                    filed_on=reviewed.date(),
                    approved=True,
                    reviewed_at=reviewed,
                )
        for k in range(n % 4):
            ServiceLog.objects.create(
                provider=provider,
                organisation=firm,
                center=self.center,
                activity="consultation",
                date=datetime.date(YEAR, 3, 1 + k),
                hours=Decimal("7.5"),
                organiser="司法所",
                description="法律咨询",
                status=("verified", "pending", "rejected")[k % 3],
                logged_by=self.clerk,
            )
        for k in range(n % 6):
            DutyLawyerRecord.objects.create(
                post=self.court,
                center=self.center,
                provider=provider,
                day=datetime.date(YEAR, 4, 1 + k),
                without_defender=2,
                helped=2,
                hours=Decimal("8"),
                recorded_by=self.clerk,
            )
        if n % 7 == 0:
            DutyExemption.objects.create(
                provider=provider, year=YEAR, reason="长期病假", recorded_by=self.clerk
            )
        return provider

    def assignment(self, provider, accepted_on, status):
        applicant = Applicant.objects.create(name="申请人")
        application = Application.objects.create(
            tracking_no=f"QQ-{Application.objects.count() + 1:06d}",
            region=self.center.region,
            center=self.center,
            channel="window",
            filed_by=self.clerk,
            applicant=applicant,
            matter_category="civil",
            matter_type="maintenance",
            matter_summary="赡养费",
            household_size=1,
            monthly_income=Decimal("0"),
            pledged_at=timezone.now(),
            means_result="pass",
            received_on=datetime.date(YEAR, 1, 1),
            status="in_progress",
        )
        return Assignment.objects.create(
            application=application,
            provider=provider,
            organisation=provider.organisation,
            aid_form="representation",
            status=status,
            assigned_by=self.clerk,
            accepted_on=None if status == "declined" else accepted_on,
        )

    def grow(self, lawyers: int):
        """More lawyers in five more firms, in 珠山区 and 乐平市."""
        for k in range(5):
            self.firm(region("leping") if k % 2 else region("zhushan"))
        for k in range(lawyers):
            self.lawyer(self.firms[k % len(self.firms)])


@pytest.fixture
def world(make_member):
    return World(make_member)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return client


def _count(call):
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured), [q["sql"] for q in captured.captured_queries]


def _measure(world) -> tuple[dict[str, int], dict[str, list[str]], dict[str, int]]:
    counts, statements, sizes = {}, {}, {}
    today = datetime.date(YEAR, 12, 2)
    first = world.first_firm.pk
    zhushan = region("zhushan").pk

    def run(key, call, size):
        result, counts[key], statements[key] = _count(call)
        sizes[key] = size(result)

    run("rows_all", lambda: quota.lawyer_duty_rows(year=YEAR, today=today), len)
    run("rows_firm", lambda: quota.lawyer_duty_rows(year=YEAR, firm_ids=[first], today=today), len)
    run("firms_all", lambda: quota.firm_duty_rows(year=YEAR, today=today), len)
    run(
        "firms_region",
        lambda: quota.firm_duty_rows(year=YEAR, region_ids=[zhushan], today=today),
        len,
    )
    for who, user in (
        ("city", world.city_officer),
        ("zhushan", world.zhushan_officer),
        ("admin", world.firm_admin),
        ("lawyer", world.lawyer_user),
        ("root", world.superuser),
    ):
        client = _client(user)  # outside the count
        for name, path in (("lawyers", "/api/v1/quota/lawyers/"), ("firms", "/api/v1/quota/firms/")):
            if who == "lawyer" and name == "firms":
                continue

            def call(client=client, path=path):
                response = client.get(path, {"year": YEAR})
                assert response.status_code == 200, response.content
                return response.json()

            run(f"api_{name}_{who}", call, lambda body: len(body["results"]))
    return counts, statements, sizes


def _diff(small: list[str], large: list[str]) -> str:
    def short(statements):
        return [sql[:240] for sql in statements]

    return "\n".join(
        difflib.unified_diff(short(small), short(large), "1 lawyer", "30 lawyers", lineterm="", n=0)
    )


def test_the_duty_reports_cost_the_same_statements_with_1_and_with_30_lawyers(world):
    small, small_sql, small_sizes = _measure(world)
    assert small_sizes["rows_all"] == 1 and small_sizes["api_lawyers_city"] == 1

    world.grow(29)
    large, large_sql, large_sizes = _measure(world)
    # the reports really are larger
    assert large_sizes["rows_all"] == 30 and large_sizes["api_lawyers_city"] == 30
    assert large_sizes["api_firms_city"] == 6 and large_sizes["firms_all"] == 6
    assert large_sizes["api_lawyers_admin"] > 1 and large_sizes["api_lawyers_lawyer"] == 1
    statuses = {row.status for row in quota.lawyer_duty_rows(year=YEAR, today=datetime.date(YEAR, 12, 2))}
    assert statuses == {"met", "in_progress", "exempt"}

    differing = [key for key in small if small[key] != large[key]]
    assert large == small, "\n\n".join(
        f"{key}: {small[key]} → {large[key]}\n{_diff(small_sql[key], large_sql[key])}" for key in differing
    )
    # the report itself: the year's rules and one statement over the lawyers
    assert small["rows_all"] == small["rows_firm"] == small["firms_all"] == 2


def test_the_report_statement_has_one_subquery_per_figure_and_no_group_by_outside_them(world):
    """DESIGN §8.4: independent correlated subqueries, nothing derived from them in SQL, no GROUP BY
    on the outer query (Django would put a subquery into it)."""
    _rows, _n, statements = _count(lambda: quota.lawyer_duty_rows(year=YEAR))
    report = statements[-1]
    assert report.count("SELECT") == 1 + 6  # two placements, logged hours, duty hours, duty days, exemption
    outer = report
    while "(SELECT" in outer:  # drop each subquery, innermost first
        start = outer.rindex("(SELECT")
        depth, end = 0, start
        for end in range(start, len(outer)):
            depth += {"(": 1, ")": -1}.get(outer[end], 0)
            if depth == 0:
                break
        outer = outer[:start] + "(…)" + outer[end + 1 :]
    assert "GROUP BY" not in outer
    assert "COUNT(" not in outer and "SUM(" not in outer


def test_the_report_reads_the_same_values_straight_from_the_cursor_as_through_the_queryset(world):
    """On PostgreSQL the report skips Django's per-row converters (quota._fetch): what it reads must be
    exactly what the queryset gives, types included (int counts, Decimal hours, dates, booleans)."""
    world.grow(6)
    rules = duty_rules_of_year(YEAR)
    figures, _cases = quota._figures_queryset(quota.duty_lawyers(year=YEAR), year=YEAR, rules=rules)
    through_queryset = list(figures)
    from_cursor = [tuple(row) for row in quota._fetch(figures)]
    assert len(from_cursor) > 6
    assert from_cursor == through_queryset
    assert [[type(v) for v in row] for row in from_cursor] == [
        [type(v) for v in row] for row in through_queryset
    ]
