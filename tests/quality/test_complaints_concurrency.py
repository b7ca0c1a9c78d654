"""Complaints under real concurrency (PostgreSQL): two directors accepting one complaint at the same
moment leave one acceptance and one 409; the same complaint sent twice at once is filed once and merged
once; a replacement racing the provider's own step never loses either."""

import pytest
from django.db import connection

from aid_cases.models import Application
from directory.choices import Role
from directory.models import AuditEvent
from quality.models import Complaint
from tests.workflows.test_concurrency import _race, _reference_data  # noqa: F401  (the fixture, by name)
from workflows import tasks
from workflows.complaints import complaint_submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE = "http://testserver"


@pytest.fixture(autouse=True)
def _postgres_only(_reference_data):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )


def _handled(world) -> Application:
    from tests.quality.test_complaints_api import handled_case

    return Application.objects.get(pk=handled_case(world))


def _filed(world, application) -> Complaint:
    complaint, created = complaint_submit(
        acting_user=world.applicant,
        about="provider",
        application=application,
        ground="neglect",
        facts="律师不联系我。",
    )
    assert created
    return complaint


def _accept_task_id(user, complaint) -> int:
    return next(
        t.pk
        for t in tasks.tasks_queue(user)
        if t.process.artifact_object_id == complaint.pk and t.flow_task.name == "accept_complaint"
    )


def test_two_directors_accept_at_once_one_wins(handling_world, make_member):
    world = handling_world
    deputy = make_member(Role.DIRECTOR, world.center, username="director_zhushan_2")
    complaint = _filed(world, _handled(world))
    task_id = _accept_task_id(world.director, complaint)
    results = _race(
        lambda: tasks.task_complete(
            user=world.director, task_id=task_id, data={"accept": True}, base_url=BASE
        ),
        lambda: tasks.task_complete(user=deputy, task_id=task_id, data={"accept": True}, base_url=BASE),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    complaint.refresh_from_db()
    assert complaint.status == "accepted" and complaint.accepted_by in (world.director, deputy)
    assert AuditEvent.objects.filter(action="complaint_accept", object_id=str(complaint.pk)).count() == 1


def test_accept_and_reject_at_once_one_wins_one_letter_at_most(handling_world, make_member):
    world = handling_world
    deputy = make_member(Role.DIRECTOR, world.center, username="director_zhushan_2")
    complaint = _filed(world, _handled(world))
    task_id = _accept_task_id(world.director, complaint)
    results = _race(
        lambda: tasks.task_complete(
            user=world.director, task_id=task_id, data={"accept": True}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=deputy, task_id=task_id, data={"accept": False, "reason": "不属于受理范围"}, base_url=BASE
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    complaint.refresh_from_db()
    assert complaint.status in ("accepted", "rejected")
    assert (complaint.reply_letter is not None) == (complaint.status == "rejected")


def test_the_same_complaint_sent_twice_at_once_is_filed_once(handling_world):
    world = handling_world
    application = _handled(world)

    def send():
        return complaint_submit(
            acting_user=world.applicant,
            about="provider",
            application=Application.objects.get(pk=application.pk),
            ground="delay",
            facts="一直没有进展。",
        )

    results = _race(send, send)
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    created = sorted(value[1] for _, value in results)
    assert created == [False, True]
    (complaint,) = Complaint.objects.filter(application=application, ground="delay")
    assert complaint.repeats == 1
