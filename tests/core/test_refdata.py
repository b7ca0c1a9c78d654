"""Reference data is cached for filings, and a change to it is seen by the next filing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aid_cases import periods, rules
from aid_cases.models import Application, EconomicStandard, PeriodRule
from directory.models import Region
from directory.selectors import center_for_region_code
from tests.workflows.test_aid_flow_api import file

pytestmark = pytest.mark.django_db


def test_a_second_read_costs_no_query(actors):
    zhushan, today = Region.objects.get(code="zhushan"), timezone.localdate()
    center_for_region_code("zhushan")
    rules.economic_standard_in_force(zhushan, today)
    rules.period_rule_in_force(zhushan, today)
    rules.work_calendar()
    with CaptureQueriesContext(connection) as reads:
        assert center_for_region_code("zhushan") == actors.center
        assert rules.economic_standard_in_force(zhushan, today).monthly_amount == Decimal("1200.00")
        assert rules.period_rule_in_force(zhushan, today).review_days == 7
        rules.work_calendar()
    assert len(reads) == 0


def test_a_changed_standard_is_used_by_the_next_filing(actors):
    first = file(actors, household={"size": 1, "monthly_income": "1000.00"})
    assert first["means_test"]["result"] == "eligible"
    standard = EconomicStandard.objects.get(region__code="zhushan")
    standard.monthly_amount = Decimal("900.00")
    standard.save()
    second = file(actors, household={"size": 1, "monthly_income": "1000.00"})
    assert second["means_test"]["result"] == "not_eligible"
    assert second["means_test"]["standard"]["monthly_amount"] == "900.00"


def test_a_new_period_rule_is_used_by_the_next_filing(actors):
    file(actors)  # the default rule (7 working days) is read and cached
    rule = PeriodRule.objects.create(
        region=Region.objects.get(code="zhushan"), valid_from=datetime.date(2020, 1, 1), review_days=3
    )
    after = file(actors)
    received = Application.objects.get(pk=after["id"]).received_on
    expected = periods.add_period(
        received, 3, mode=periods.CountingMode(rule.counting_mode), calendar=rules.work_calendar()
    )
    assert after["decision_due"] == expected.isoformat()


def test_a_center_made_inactive_no_longer_receives_filings(actors):
    file(actors)
    actors.center.active = False
    actors.center.save()
    response = actors.api(actors.applicant).post("/api/v1/applications/", _payload(), format="json")
    assert response.status_code == 400 and "region" in response.json()["errors"]


def _payload():
    from tests.world import application_payload

    return application_payload()
