"""Peer review under real concurrency (PostgreSQL): a reviewer's double submit scores once and answers
409 the second time; two directors' runs that draw the same files store one sampling and give 409."""

import datetime

import pytest
from django.db import connection

from quality.models import PeerReview, Sampling
from tests.workflows.test_concurrency import _race, _reference_data  # noqa: F401  (the fixture, by name)
from workflows import tasks
from workflows.peer_review import sampling_submit

from .peer_review_world import FULL, add_peer_reviewers, closed_case, scorecard_rows, scores_totalling

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE = "http://testserver"
DAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _postgres_only(_reference_data):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )


@pytest.fixture
def world(handling_world, make_member):
    scorecard_rows()
    add_peer_reviewers(handling_world, make_member)
    return handling_world


def _run(world, user, seed=1):
    return sampling_submit(
        acting_user=user,
        center=world.center,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 6, 30),
        share="1",
        seed=seed,
    )


def test_a_double_submit_of_the_scores_scores_once(world):
    closed_case(world, closed_on=DAY)
    _run(world, world.director)
    review = PeerReview.objects.select_related("reviewer").get()
    task = tasks.tasks_filter(tasks.tasks_inbox(review.reviewer), name="peer_review").get()
    results = _race(
        lambda: tasks.task_complete(
            user=review.reviewer, task_id=task.pk, data={"scores": FULL, "comment": ""}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=review.reviewer,
            task_id=task.pk,
            data={"scores": scores_totalling("50"), "comment": ""},
            base_url=BASE,
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    review.refresh_from_db()
    assert review.status == "scored" and review.grade in ("excellent", "fail")
    # a fail issued its one notice, a pass none: never two
    from documents.models import IssuedDocument

    assert IssuedDocument.objects.filter(kind="correction_notice").count() == (
        1 if review.grade == "fail" else 0
    )


def test_two_runs_drawing_the_same_files_store_one(world, make_member):
    from directory.choices import Role

    second_director = make_member(Role.DIRECTOR, world.center, username="director_zhushan_2")
    for n in range(4):
        closed_case(world, closed_on=DAY + datetime.timedelta(days=n))
    results = _race(lambda: _run(world, world.director), lambda: _run(world, second_director, seed=2))
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    assert Sampling.objects.count() == 1
    assert PeerReview.objects.count() == 4
