"""The follow-up and agency-view flows in viewflow's own terms (docs/architecture.md, viewflow): its
``can_assign`` and ``can_execute`` on a stored task (a plain ``Process``), and two people acting at once
on PostgreSQL: one records the call or the view, the other gets 409, never a second record."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from viewflow.workflow.models import Task

from aid_cases.models import Application
from quality.models import FeedbackRequest, FollowUp
from tests.workflows.test_concurrency import _race, _reference_data  # noqa: F401  (the fixture, by name)
from workflows import tasks
from workflows.flows.feedback import FeedbackFlow
from workflows.flows.follow_up import FollowUpFlow
from workflows.follow_ups import feedback_request_submit, follow_up_start

BASE = "http://testserver"


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.django_db
def test_viewflow_permissions_on_both_nodes(waiver_world):
    from .test_follow_ups import closed_case, follow_up_task, handled_case

    world = waiver_world
    closed_id = closed_case(world)
    call_task = Task.objects.get(pk=follow_up_task(world, closed_id)["id"])
    handled = Application.objects.get(pk=handled_case(world, world.lawyers[1]))
    feedback_request_submit(
        acting_user=world.reviewer, application=handled, agency_id=world.court.pk, question="意见？"
    )
    answer_task = Task.objects.get(flow_task=FeedbackFlow.answer_feedback)
    for task in (call_task, answer_task):
        assert type(task.process).__name__ == "Process"  # as viewflow loads it
    node = FollowUpFlow.follow_up
    assert node.can_assign(_fresh(world.reviewer2), call_task) is True
    assert node.can_assign(_fresh(world.director), call_task) is True
    assert node.can_execute(_fresh(world.reviewer2), call_task) is False  # not before claiming
    for outsider in (
        world.other_reviewer,
        world.clerk,
        world.lawyers[0][0],
        world.applicant,
        world.court_staff,
    ):
        assert node.can_assign(_fresh(outsider), call_task) is False, outsider.username
    node = FeedbackFlow.answer_feedback
    assert node.can_assign(_fresh(world.court_staff), answer_task) is True
    for outsider in (world.procuratorate_staff, world.reviewer, world.notary_city_staff, world.lawyers[1][0]):
        assert node.can_assign(_fresh(outsider), answer_task) is False, outsider.username
    # viewflow's own process views: the case's center sees the call's process, nobody lists them
    assert FollowUpFlow.instance.has_view_permission(_fresh(world.reviewer), call_task.process) is True
    assert FollowUpFlow.instance.has_view_permission(_fresh(world.other_reviewer), call_task.process) is False
    assert FollowUpFlow.instance.has_view_permission(_fresh(world.reviewer), None) is False


# --- PostgreSQL: two at once -----------------------------------------------------------------------


@pytest.fixture
def _postgres_only(_reference_data):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_record_the_same_call_at_once(_postgres_only, waiver_world):
    from .test_follow_ups import closed_case

    world = waiver_world
    application_id = closed_case(world)
    call = FollowUp.objects.get(application_id=application_id)
    task_id = next(t.pk for t in tasks.tasks_queue(world.reviewer) if t.process.artifact_object_id == call.pk)
    results = _race(
        lambda: tasks.task_complete(
            user=world.reviewer, task_id=task_id, data={"reached": True, "satisfaction": 5}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=world.reviewer2, task_id=task_id, data={"reached": True, "satisfaction": 1}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=world.director, task_id=task_id, data={"reached": False}, base_url=BASE
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "conflict", "ok"], results
    call.refresh_from_db()
    assert call.status == "done" and call.satisfaction in (5, 1, None)
    from directory.models import AuditEvent

    assert AuditEvent.objects.filter(action="follow_up_record").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_open_the_same_mid_case_call_at_once(_postgres_only, waiver_world):
    from .test_follow_ups import handled_case, rule

    world = waiver_world
    rule(mid_case=True)
    application = Application.objects.get(pk=handled_case(world))
    results = _race(
        lambda: follow_up_start(
            acting_user=world.reviewer,
            application=Application.objects.get(pk=application.pk),
            point="mid_case",
        ),
        lambda: follow_up_start(
            acting_user=world.director,
            application=Application.objects.get(pk=application.pk),
            point="mid_case",
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    assert FollowUp.objects.filter(application=application).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_answer_the_same_request_at_once(_postgres_only, waiver_world, make_member):
    from directory.choices import Role

    from .test_follow_ups import handled_case

    world = waiver_world
    second = make_member(Role.AGENCY_OFFICER, world.court, username="court_city_2")
    application = Application.objects.get(pk=handled_case(world))
    feedback = feedback_request_submit(
        acting_user=world.reviewer, application=application, agency_id=world.court.pk, question="意见？"
    )
    task_id = next(
        t.pk for t in tasks.tasks_queue(world.court_staff) if t.process.artifact_object_id == feedback.pk
    )
    results = _race(
        lambda: tasks.task_complete(
            user=world.court_staff, task_id=task_id, data={"assessment": "satisfied"}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=second,
            task_id=task_id,
            data={"assessment": "not_satisfied", "answer": "不满意"},
            base_url=BASE,
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    assert FeedbackRequest.objects.get().status == "answered"
