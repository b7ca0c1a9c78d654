"""Consultations under real concurrency (PostgreSQL): two of the center's people answering one online
question at the same moment leave one answer and one 409."""

import pytest
from django.db import connection

from consultations import services
from consultations.models import Consultation
from directory.models import AuditEvent
from tests.workflows.test_concurrency import _race, _reference_data  # noqa: F401  (the fixture, by name)
from workflows import tasks
from workflows.consultations import consultation_submit

from .consultation_world import QUESTION

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE = "http://testserver"


@pytest.fixture(autouse=True)
def _postgres_only(_reference_data):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )


def _asked(world) -> Consultation:
    return consultation_submit(
        acting_user=world.applicant, region="zhushan", matter_type="wage_arrears", question=QUESTION
    )


def test_two_answering_the_task_at_once_one_wins(world):
    consultation = _asked(world)
    task_id = next(
        t.pk
        for t in tasks.tasks_queue(world.reviewer)
        if t.process.artifact_object_id == consultation.pk and t.flow_task.name == "answer_consultation"
    )
    results = _race(
        lambda: tasks.task_complete(
            user=world.reviewer, task_id=task_id, data={"answer": "甲的答复"}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=world.duty_lawyer, task_id=task_id, data={"answer": "乙的答复"}, base_url=BASE
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    consultation.refresh_from_db()
    assert consultation.status == "answered"
    assert (consultation.answered_by, consultation.answer) in (
        (world.reviewer, "甲的答复"),
        (world.duty_lawyer, "乙的答复"),
    )
    assert (
        AuditEvent.objects.filter(action="consultation_answer", object_id=str(consultation.pk)).count() == 1
    )


def test_two_answering_through_the_service_at_once_one_wins(world):
    consultation = _asked(world)
    results = _race(
        lambda: services.consultation_answer(
            acting_user=world.reviewer, consultation=Consultation.objects.get(pk=consultation.pk), answer="甲"
        ),
        lambda: services.consultation_answer(
            acting_user=world.director, consultation=Consultation.objects.get(pk=consultation.pk), answer="乙"
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    assert (
        AuditEvent.objects.filter(action="consultation_answer", object_id=str(consultation.pk)).count() == 1
    )
