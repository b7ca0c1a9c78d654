"""Collaboration letters under real concurrency (PostgreSQL): two reviewers of the receiving center answering
the same letter at once leave one answer and one 409; two reviewers recording the answer of a center
outside the city at once, the same."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from viewflow.workflow.models import Task

from aid_cases.models import Application, CollaborationLetter
from directory.choices import Role
from directory.models import AuditEvent
from tests.workflows.test_concurrency import _race, _reference_data  # noqa: F401  (the fixture, by name)
from workflows import tasks
from workflows.collaboration import collaboration_answer_by_hand, collaboration_send

from .test_collaboration_api import DETAILS, add_changjiang

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE = "http://testserver"


@pytest.fixture(autouse=True)
def _postgres_only(_reference_data):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )


@pytest.fixture
def world(handling_world, make_member):
    from tests.world import approved_case

    world = add_changjiang(handling_world, make_member)
    world.case = Application.objects.get(pk=approved_case(world))
    return world


def _answers(letter: CollaborationLetter) -> int:
    return AuditEvent.objects.filter(
        action__in=["collaboration_done", "collaboration_refuse"], new__letter=letter.pk
    ).count()


def test_two_reviewers_answer_at_once_one_wins(world):
    letter = collaboration_send(
        acting_user=world.reviewer,
        base_url=BASE,
        application=world.case,
        to_center=world.changjiang,
        request="evidence",
        details=DETAILS,
    )
    letter_type = ContentType.objects.get_for_model(CollaborationLetter)
    task_id = Task.objects.get(
        process__artifact_content_type=letter_type, process__artifact_object_id=letter.pk, status="NEW"
    ).pk
    results = _race(
        lambda: tasks.task_complete(
            user=world.cj_reviewer, task_id=task_id, data={"done": True, "result": "已调取。"}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=world.cj_director,
            task_id=task_id,
            data={"done": False, "reason": "无法调取。"},
            base_url=BASE,
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    letter.refresh_from_db()
    assert letter.status in ("done", "refused") and _answers(letter) == 1


def test_two_answers_of_a_center_outside_the_city_at_once_one_is_kept(world, make_member):
    deputy = make_member(Role.REVIEWER, world.center, username="reviewer_zhushan_3")
    letter = collaboration_send(
        acting_user=world.reviewer,
        base_url=BASE,
        application=world.case,
        to_outside_name="南昌市法律援助中心",
        request="service",
        details="请协助送达。",
    )

    def record(user, **answer):
        return lambda: collaboration_answer_by_hand(
            acting_user=user, letter=CollaborationLetter.objects.get(pk=letter.pk), **answer
        )

    results = _race(
        record(world.reviewer, done=True, result="已送达。"),
        record(deputy, done=False, reason="地址不详。"),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    letter.refresh_from_db()
    assert letter.status in ("done", "refused") and _answers(letter) == 1
