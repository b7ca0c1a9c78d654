"""Peer review's test world: the scorecard rule rows, closed cases as rows (the assignment flow is not
the point here; tests/workflows covers it), the reviewers of other centers, and API helpers."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from aid_cases.models import Applicant, Application, Decision
from assignments.models import Assignment, ClosingReport
from directory.choices import OrganisationKind, Role
from quality.models import GradeBand, ScorecardItem
from tests.factories import OrganisationFactory, region

RULES_FROM = datetime.date(2020, 1, 1)

ITEMS = [
    ("intake", "接待与受理", 10),
    ("evidence", "证据收集", 20),
    ("documents", "法律文书质量", 25),
    ("hearing", "庭审表现", 20),
    ("closing", "结案材料完整", 15),
    ("contact", "与受援人沟通", 10),
]
FULL = {code: points for code, _label, points in ITEMS}


def scorecard_rows() -> None:
    """A scorecard for every category (the rows for every category add up to 100) and the bands."""
    for n, (code, label, points) in enumerate(ITEMS):
        ScorecardItem.objects.create(
            code=code, label=label, max_points=Decimal(points), sort_order=n, valid_from=RULES_FROM
        )
    for grade, points in (("excellent", 90), ("good", 75), ("pass", 60), ("fail", 0)):
        GradeBand.objects.create(grade=grade, min_points=Decimal(points), valid_from=RULES_FROM)


def scores_totalling(total: str) -> dict[str, str]:
    """Scores for the items whose total is ``total``: points lost from the largest items first."""
    lost = Decimal(100) - Decimal(total)
    scores = {}
    for code, _label, points in sorted(ITEMS, key=lambda i: -i[2]):
        take = min(lost, Decimal(points))
        scores[code] = str(Decimal(points) - take)
        lost -= take
    return scores


def add_peer_reviewers(world, make_member) -> None:
    """A reviewer at the city center and another at Leping's (world.other_reviewer exists already)."""
    world.city_center = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="景德镇市法律援助中心", region=region("jdz")
    )
    world.city_reviewer = make_member(Role.REVIEWER, world.city_center, username="reviewer_city")


_serial = 0


def closed_case(
    world,
    *,
    closed_on: datetime.date,
    category: str = "civil",
    matter_type: str = "maintenance",
    lawyer=None,
    decided_by=None,
    closed_by=None,
    center=None,
) -> Application:
    """A case of the center granted by ``decided_by`` (the reviewer), handled by ``lawyer`` (the first
    of the firm) and closed by ``closed_by`` (the second reviewer) on ``closed_on``."""
    global _serial
    _serial += 1
    user, provider = lawyer or world.lawyers[0]
    center = center or world.center
    decided_by = decided_by or world.reviewer
    closed_by = closed_by or world.reviewer2
    application = Application.objects.create(
        tracking_no=f"PR-{_serial:05d}",
        region=center.region,
        center=center,
        channel="window",
        filed_by=world.clerk,
        applicant=Applicant.objects.create(name=f"受援人{_serial}"),
        matter_category=category,
        matter_type="criminal_defence" if category == "criminal" else matter_type,
        matter_summary="追索赡养费",
        household_size=1,
        monthly_income=Decimal("0"),
        pledged_at=timezone.now(),
        means_result="eligible",
        received_on=closed_on - datetime.timedelta(days=90),
        status="closed",
        provider=provider,
    )
    Decision.objects.create(
        application=application, kind="approve", means_result="eligible", decided_by=decided_by
    )
    assignment = Assignment.objects.create(
        application=application,
        provider=provider,
        organisation=provider.organisation,
        aid_form="representation",
        status="accepted",
        assigned_by=decided_by,
        accepted_on=closed_on - datetime.timedelta(days=80),
    )
    closed_at = timezone.make_aware(datetime.datetime.combine(closed_on, datetime.time(10, 0)))
    ClosingReport.objects.create(
        assignment=assignment,
        application=application,
        outcome="mediated",
        stage="first_instance",
        summary="经调解结案，被告按月支付赡养费",
        hours=Decimal("12.0"),
        ended_on=closed_on - datetime.timedelta(days=10),
        filed_by=user,
        filed_at=closed_at - datetime.timedelta(days=5),
        filed_on=closed_on - datetime.timedelta(days=5),
        approved=True,
        reviewed_by=closed_by,
        reviewed_at=closed_at,
    )
    return application


def run_sampling(world, user=None, **fields):
    body = {"period_from": "2026-01-01", "period_to": "2026-06-30", "share": None, "count": None, "seed": 42}
    body.update(fields)
    return world.api(user or world.director).post("/api/v1/quality/samplings/", body, format="json")


def peer_review_tasks(world, user, application_id=None):
    params = {"scope": "inbox", "name": "peer_review"}
    if application_id is not None:
        params["application_id"] = application_id
    response = world.api(user).get("/api/v1/tasks/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def score(world, user, task_id, scores, comment="卷宗较完整"):
    return world.api(user).post(
        f"/api/v1/tasks/{task_id}/complete/", {"scores": scores, "comment": comment}, format="json"
    )
