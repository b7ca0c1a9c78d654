"""The subsidy tier (Arts 52, 57): when the case's subsidy standard says so, the peer-review grade of
its file multiplies the subsidy still owed; an ungraded standard, a paid subsidy or a grade without a
factor leave it as it was."""

import datetime
from decimal import Decimal

import pytest

from assignments.models import Assignment, SubsidyGradeFactor, SubsidyPayment, SubsidyStandard
from assignments.subsidy import graded_amount
from directory.audit import AuditAction
from directory.models import AuditEvent
from quality.models import PeerReview
from tests.factories import region

from .peer_review_world import (
    FULL,
    add_peer_reviewers,
    closed_case,
    peer_review_tasks,
    run_sampling,
    score,
    scorecard_rows,
    scores_totalling,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)
FROM = datetime.date(2020, 1, 1)


@pytest.fixture
def world(handling_world, make_member):
    scorecard_rows()
    add_peer_reviewers(handling_world, make_member)
    for grade, factor in (("excellent", "1.10"), ("fail", "0.80")):
        SubsidyGradeFactor.objects.create(grade=grade, factor=Decimal(factor), valid_from=FROM)
    # Zhushan's own factor for a fail wins over the row for every region
    SubsidyGradeFactor.objects.create(
        grade="fail", region=region("zhushan"), factor=Decimal("0.70"), valid_from=FROM
    )
    return handling_world


def owed_subsidy(world, *, graded=True, status="owed", factors=()) -> PeerReview:
    application = closed_case(world, closed_on=DAY)
    standard = SubsidyStandard.objects.create(
        region=application.region,
        matter_category="civil",
        aid_form="representation",
        amount=Decimal("1500.00"),
        graded=graded,
        valid_from=FROM,
    )
    assignment = Assignment.objects.get(application=application)
    SubsidyPayment.objects.create(
        assignment=assignment,
        application=application,
        provider=assignment.provider,
        organisation=assignment.organisation,
        standard=standard,
        base_amount=Decimal("1500.00"),
        factors=[list(f) for f in factors],
        amount=Decimal("1500.00") * (Decimal(factors[0][1]) if factors else 1),
        status=status,
        owed_on=DAY,
    )
    assert run_sampling(world, count=1).status_code == 201
    return PeerReview.objects.select_related("reviewer").get(application=application)


def scored(world, review, scores):
    (task,) = peer_review_tasks(world, review.reviewer, review.application_id)
    assert score(world, review.reviewer, task["id"], scores).status_code == 200
    return SubsidyPayment.objects.get(application_id=review.application_id)


def test_an_excellent_file_on_a_graded_standard_is_paid_the_tier(world):
    payment = scored(world, owed_subsidy(world), FULL)
    assert payment.amount == Decimal("1650.00")
    assert payment.factors == [["grade_excellent", "1.10"]]
    assert AuditEvent.objects.filter(
        action=AuditAction.SUBSIDY_OWED, object_type="assignments.subsidypayment", object_id=str(payment.pk)
    ).exists()


def test_a_fail_uses_the_regions_own_factor_and_keeps_the_other_factors(world):
    review = owed_subsidy(world, factors=[("cross_region", "1.20")])
    payment = scored(world, review, scores_totalling("50"))
    assert payment.factors == [["cross_region", "1.20"], ["grade_fail", "0.70"]]
    assert payment.amount == Decimal("1260.00")  # 1500 × 1.20 × 0.70


@pytest.mark.parametrize(
    ("graded", "status", "total"),
    [(False, "owed", "100"), (True, "paid", "100"), (True, "approved", "50"), (True, "owed", "80")],
)
def test_otherwise_the_subsidy_stands(world, graded, status, total):
    # not graded; paid or approved already; a grade (good) without a factor
    payment = scored(world, owed_subsidy(world, graded=graded, status=status), scores_totalling(total))
    assert payment.amount == Decimal("1500.00") and payment.factors == []


def test_graded_amount_replaces_an_earlier_grade_and_rounds_once():
    amount, factors = graded_amount(
        Decimal("1000.00"),
        [["grade_good", "1.05"], ["terminated", "0.50"]],
        grade="fail",
        grade_factor=Decimal("0.33"),
    )
    assert factors == [["terminated", "0.50"], ["grade_fail", "0.33"]]
    assert amount == Decimal("165.00")
