"""Peer review of closed files (docs/api.md, Quality): a sampling run, the peer_review task, the scores,
the grade and the correction notice of a failed file — through the API."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader
from viewflow.workflow.models import Process, Task

from directory.audit import AuditAction
from directory.choices import Role
from directory.models import AuditEvent
from directory.services import membership_grant
from documents.services import document_pdf
from quality.models import PeerReview, Sampling, SamplingRule, ScorecardItem
from tests.factories import UserFactory

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


@pytest.fixture
def world(handling_world, make_member):
    scorecard_rows()
    add_peer_reviewers(handling_world, make_member)
    return handling_world


def closed_cases(world, n, **kwargs):
    return [closed_case(world, closed_on=DAY + datetime.timedelta(days=i), **kwargs).pk for i in range(n)]


# --- the sampling run ---------------------------------------------------------------------------


def test_a_sampling_run_picks_the_configured_share_of_the_centers_closed_files(world):
    ids = closed_cases(world, 20)
    closed_case(world, closed_on=datetime.date(2025, 12, 31))  # closed before the period
    closed_case(world, closed_on=DAY, center=world.city_center)  # another center's
    response = run_sampling(world, share="0.15")
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["applications"]) == 3  # 15% of 20
    assert set(body["applications"]) <= set(ids)
    sampling = Sampling.objects.get(pk=body["id"])
    assert sampling.closed_files == 20 and sampling.share == Decimal("0.15") and sampling.count is None
    assert PeerReview.objects.filter(sampling=sampling).count() == 3


def test_a_fixed_number_and_a_share_rounded_up(world):
    closed_cases(world, 7)
    assert len(run_sampling(world, count=4).json()["applications"]) == 4
    # the files already sampled are not drawn again: 3 left, 10% of 3 rounds up to 1
    assert len(run_sampling(world, share="0.1", seed=1).json()["applications"]) == 1
    assert len(run_sampling(world, count=50, seed=2).json()["applications"]) == 2


def _undo_runs():
    """Forget every run (its reviews and processes), so that the same files may be drawn again."""
    PeerReview.objects.all().delete()
    Task.objects.all().delete()
    Process.objects.all().delete()
    Sampling.objects.all().delete()


def test_the_run_is_reproducible_from_its_seed(world):
    closed_cases(world, 30)
    first = run_sampling(world, share="0.2", seed=2026).json()["applications"]
    assert len(first) == 6
    _undo_runs()
    assert run_sampling(world, share="0.2", seed=2026).json()["applications"] == first
    _undo_runs()
    assert run_sampling(world, share="0.2", seed=2027).json()["applications"] != first


def test_no_file_goes_to_a_conflicted_reviewer_or_a_provider(world, make_member):
    # the decider (reviewer), the closer (reviewer2) and a center staff member who is also a provider
    staff_lawyer = make_member(Role.REVIEWER, world.city_center, username="reviewer_city_2")
    membership_grant(acting_user=None, user=staff_lawyer, organisation=world.city_center, role=Role.PROVIDER)
    ids = closed_cases(world, 12)
    # one case decided by the director: the director may not review that one
    special = closed_case(world, closed_on=DAY, decided_by=world.director, closed_by=world.other_reviewer).pk
    response = run_sampling(world, share="1")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["applications"]) == sorted([*ids, special])
    lawyer_users = {user.pk for user, _provider in world.lawyers}
    for review in PeerReview.objects.select_related("application"):
        forbidden = {world.clerk.pk, *lawyer_users, staff_lawyer.pk}
        if review.application_id == special:
            forbidden |= {world.director.pk, world.other_reviewer.pk}
        else:
            forbidden |= {world.reviewer.pk, world.reviewer2.pk}
        assert review.reviewer_id not in forbidden, review.application.tracking_no
    # spread fairly over those left for the twelve ordinary files: the director, Leping's and the city's
    counts = {}
    for review in PeerReview.objects.exclude(application_id=special):
        counts[review.reviewer_id] = counts.get(review.reviewer_id, 0) + 1
    assert counts == {world.director.pk: 4, world.other_reviewer.pk: 4, world.city_reviewer.pk: 4}


def test_each_file_gets_a_peer_review_task_in_its_reviewers_inbox(world):
    (case_id,) = closed_cases(world, 1)
    response = run_sampling(world, count=1)
    assert response.json()["applications"] == [case_id]
    review = PeerReview.objects.get(application_id=case_id)
    reviewer = review.reviewer
    (task,) = peer_review_tasks(world, reviewer, case_id)
    assert task["application_id"] == case_id and task["owner"] == reviewer.username
    # nobody else has it, nor may take it
    for other in (world.reviewer, world.reviewer2, world.lawyers[0][0]):
        if other != reviewer:
            assert peer_review_tasks(world, other) == []
            assert world.api(other).post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.SAMPLING_RUN, object_id=str(response.json()["id"])
    ).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"share": "0.1", "count": 3}, "share"),
        ({}, "share"),
        ({"share": "1.5"}, "share"),
        ({"share": "0"}, "share"),
        ({"share": "abc"}, "share"),
        ({"count": 0}, "count"),
        ({"count": 3, "period_from": "2026-07-01", "period_to": "2026-06-01"}, "period_to"),
        ({"count": 3, "seed": -1}, "seed"),
        ({"count": 3, "seed": "x"}, "seed"),
        ({"count": 3, "period_from": "2026-02-30"}, "period_from"),
    ],
)
def test_bad_input_is_400_and_nothing_is_saved(world, fields, field):
    closed_cases(world, 3)
    response = run_sampling(world, **fields)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Sampling.objects.exists() and not PeerReview.objects.exists()


def test_only_a_director_samples(world):
    closed_cases(world, 3)
    for user in (world.reviewer, world.clerk, world.lawyers[0][0], world.bureau_officer, world.applicant):
        response = run_sampling(world, user=user, count=1)
        assert response.status_code == 403, (user.username, response.content)
    assert not Sampling.objects.exists()


def test_a_broken_scorecard_or_nobody_without_conflict_is_409(world):
    closed_cases(world, 2)
    row = ScorecardItem.objects.get(code="contact")
    row.max_points = Decimal(5)
    row.save()
    response = run_sampling(world, count=2)
    assert response.status_code == 409 and "100" in response.json()["detail"]
    row.max_points = Decimal(10)
    row.save()
    # everyone who could review is conflicted on a case: nobody left
    from directory.models import Membership

    Membership.objects.filter(role__in=(Role.REVIEWER, Role.DIRECTOR)).exclude(
        user__in=(world.reviewer, world.director)
    ).update(active=False)
    closed_case(world, closed_on=DAY, decided_by=world.director, closed_by=world.reviewer)
    response = run_sampling(world, share="1")
    assert response.status_code == 409, response.content
    assert not Sampling.objects.exists() and not PeerReview.objects.exists()


def test_the_sampling_rule_mixes_the_categories(world):
    SamplingRule.objects.create(
        center=None,
        share=Decimal("0.1"),
        mix={"civil": "0.5", "criminal": "0.5"},
        valid_from=datetime.date(2020, 1, 1),
    )
    civil = closed_cases(world, 16)
    criminal = closed_cases(world, 4, category="criminal")
    picked = run_sampling(world, count=4).json()["applications"]
    assert len(set(picked) & set(criminal)) == 2 and len(set(picked) & set(civil)) == 2
    assert Sampling.objects.get().mix == {"civil": "0.5", "criminal": "0.5"}


# --- scoring -----------------------------------------------------------------------------------


def sampled(world, n=1, **kwargs):
    ids = closed_cases(world, n, **kwargs)
    assert run_sampling(world, count=n).status_code == 201
    reviews = list(
        PeerReview.objects.filter(application_id__in=ids).select_related("reviewer").order_by("pk")
    )
    return reviews


def the_task(world, review):
    (task,) = peer_review_tasks(world, review.reviewer, review.application_id)
    return task


@pytest.mark.parametrize(
    ("total", "grade"), [("90", "excellent"), ("89.5", "good"), ("74.5", "pass"), ("60", "pass")]
)
def test_scoring_gives_the_total_and_the_grade(world, total, grade):
    (review,) = sampled(world)
    response = score(world, review.reviewer, the_task(world, review)["id"], scores_totalling(total))
    assert response.status_code == 200, response.content
    assert response.json()["next"] == []
    review.refresh_from_db()
    assert review.status == "scored" and review.total == Decimal(total) and review.grade == grade
    assert review.correction_letter is None
    assert AuditEvent.objects.filter(action=AuditAction.PEER_REVIEW_SCORE, object_id=str(review.pk)).exists()
    listed = world.api(world.director).get(
        "/api/v1/quality/scorecards/", {"application_id": review.application_id}
    )
    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    assert row["application_id"] == review.application_id
    assert row["total"] == total and row["grade"] == grade
    assert set(row["scores"]) == set(FULL)


def test_scores_accept_json_numbers_and_half_points(world):
    (review,) = sampled(world)
    scores = {code: points for code, points in FULL.items()}
    scores["evidence"] = 17.5
    response = score(world, review.reviewer, the_task(world, review)["id"], scores)
    assert response.status_code == 200, response.content
    review.refresh_from_db()
    assert review.total == Decimal("97.5") and review.scores["evidence"] == "17.5"


@pytest.mark.parametrize(
    "change",
    [
        {"evidence": 21},  # above the item's maximum
        {"evidence": -1},
        {"evidence": "17.25"},  # finer than half a point
        {"unknown": 3},
        {"evidence": None},  # missing
    ],
)
def test_bad_scores_are_400_and_nothing_is_saved(world, change):
    (review,) = sampled(world)
    task = the_task(world, review)
    scores = {**FULL, **change}
    if change.get("evidence", 0) is None:
        del scores["evidence"]
    response = score(world, review.reviewer, task["id"], scores)
    assert response.status_code == 400, response.content
    assert "scores" in response.json()["errors"]
    review.refresh_from_db()
    assert review.status == "open" and review.total is None and review.grade == ""
    assert not AuditEvent.objects.filter(action=AuditAction.PEER_REVIEW_SCORE).exists()
    # the task is still open for the reviewer
    assert the_task(world, review)["id"] == task["id"]


def test_scores_not_an_object_are_400(world):
    (review,) = sampled(world)
    task = the_task(world, review)
    for bad in ([1, 2], "abc", None, 5):
        response = score(world, review.reviewer, task["id"], bad)
        assert response.status_code == 400, (bad, response.content)
        assert "scores" in response.json()["errors"]


def test_a_second_scoring_is_409(world):
    (review,) = sampled(world)
    task = the_task(world, review)
    assert score(world, review.reviewer, task["id"], FULL).status_code == 200
    again = score(world, review.reviewer, task["id"], scores_totalling("50"))
    assert again.status_code == 409
    review.refresh_from_db()
    assert review.total == Decimal(100) and review.grade == "excellent"


def test_only_the_assigned_reviewer_scores(world):
    (review,) = sampled(world)
    task = the_task(world, review)
    for other in (
        world.director,
        world.reviewer,
        world.other_reviewer,
        world.city_reviewer,
        world.lawyers[0][0],
    ):
        if other.pk != review.reviewer_id:
            assert score(world, other, task["id"], FULL).status_code == 404, other.username
    review.refresh_from_db()
    assert review.status == "open"


# --- a fail grade: the correction notice ----------------------------------------------------------


def test_a_fail_grade_issues_the_correction_notice_naming_the_case_and_the_failed_items(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lawyer_user, provider = world.lawyers[0]
    lawyer_user.email = "lawyer1@example.cn"
    lawyer_user.save()
    firm_admin = UserFactory(username="firmadmin_pr", email="admin@jingde-law.example.cn")
    membership_grant(acting_user=None, user=firm_admin, organisation=world.firm, role=Role.FIRM_ADMIN)
    (review,) = sampled(world)
    scores = {
        "intake": "5",
        "evidence": "8",
        "documents": "20",
        "hearing": "10",
        "closing": "9",
        "contact": "6",
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = score(
            world, review.reviewer, the_task(world, review)["id"], scores, comment="证据目录缺失"
        )
    assert response.status_code == 200, response.content
    review.refresh_from_db()
    assert review.total == Decimal(58) and review.grade == "fail"
    letter = review.correction_letter
    assert letter is not None and letter.kind == "correction_notice"
    # about the review, not the case: the recipient of the aid never sees it among the case's letters
    assert letter.subject_type == "quality.peerreview" and letter.issuer_id == world.center.pk
    with translation.override("zh-hans"):
        assert letter.title == gettext("Correction notice")
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(document_pdf(document=letter).read())).pages
    )
    flat = text.replace("\n", "").replace(" ", "")
    assert review.application.tracking_no in flat
    # the items below 60% of their maximum, with their points; not those that passed
    for label, points in (("接待与受理", "5"), ("证据收集", "8"), ("庭审表现", "10")):
        assert label + ":" + points in flat.replace("：", ":"), label
    assert "法律文书质量:20" not in flat.replace("：", ":")
    assert provider.name in flat and world.firm.name in flat
    assert "证据目录缺失" in flat
    # the provider and the firm are told
    (message,) = mail.outbox
    assert set(message.to) == {"lawyer1@example.cn", "admin@jingde-law.example.cn"}
    assert review.application.tracking_no in message.subject
    assert letter.display_code in message.body


def test_a_pass_issues_no_correction_notice(world):
    (review,) = sampled(world)
    score(world, review.reviewer, the_task(world, review)["id"], scores_totalling("60"))
    review.refresh_from_db()
    assert review.grade == "pass" and review.correction_letter is None


# --- viewflow's own checks on the stored task -------------------------------------------------------


def test_viewflow_checks_on_the_stored_peer_review_task(world):
    """viewflow's ``can_assign``, ``can_execute`` and ``can_view`` on the task as stored (a plain
    ``Process``): only its reviewer executes it, nobody may take it while held, and the process is
    visible to the case's center, the reviewer and the provider, not to another center's staff."""
    from django.contrib.auth import get_user_model

    from workflows.flows.peer_review import PeerReviewFlow

    (review,) = sampled(world)
    task = Task.objects.get(flow_task=PeerReviewFlow.peer_review)
    assert type(task.process).__name__ == "Process"
    node = task.flow_task

    def fresh(user):
        return get_user_model().objects.get(pk=user.pk)

    holder = fresh(review.reviewer)
    assert node.can_execute(holder, task) is True
    assert node.can_assign(holder, task) is False  # already assigned
    assert node.can_view(holder, task) is True
    for user in (world.director, world.reviewer, world.lawyers[0][0]):
        assert node.can_view(fresh(user), task) is True, user.username
    for user in (world.reviewer, world.clerk, world.other_applicant, world.lawyers[1][0]):
        if user.pk != review.reviewer_id:
            assert node.can_execute(fresh(user), task) is False, user.username
            assert node.can_assign(fresh(user), task) is False, user.username
    outsiders = [u for u in (world.other_reviewer, world.city_reviewer) if u.pk != review.reviewer_id]
    for user in [*outsiders, world.other_applicant, world.lawyers[1][0]]:
        assert node.can_view(fresh(user), task) is False, user.username


def test_the_demo_seeds_a_scorecard_for_every_category_once():
    from demo.management.commands.seed_demo import RULES_VALID_FROM
    from demo.quality import seed_scorecards
    from directory.choices import MatterCategory
    from quality.scorecard import scorecard_problems
    from quality.selectors.peer_review import grade_bands_in_force, scorecards_by_category

    assert seed_scorecards() > 0
    assert seed_scorecards() == 0  # idempotent
    cards = scorecards_by_category(RULES_VALID_FROM)
    assert set(cards) == set(MatterCategory.values)
    for category, items in cards.items():
        assert scorecard_problems(items) == [], category
        assert len(items) >= 6
    assert [b.grade for b in grade_bands_in_force(RULES_VALID_FROM)] == ["excellent", "good", "pass", "fail"]
    assert SamplingRule.objects.get(center=None).share == Decimal("0.06")
