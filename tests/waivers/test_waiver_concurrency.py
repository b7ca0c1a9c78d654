"""Fee waivers under real concurrency (PostgreSQL): two people acting on one waiver at the same moment
leave one result and one 409, never a lost update, a second letter or a 500."""

import pytest
from django.db import connection
from django.utils import timezone

from aid_cases.models import Application
from directory.choices import Role
from documents.models import IssuedDocument
from tests.workflows.test_concurrency import _race, _reference_data  # noqa: F401  (the fixture, by name)
from waivers import services
from waivers.models import FeeWaiver
from workflows import tasks
from workflows.services import application_terminate, fee_waiver_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE = "http://testserver"


@pytest.fixture(autouse=True)
def _postgres_only(_reference_data):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )


def _task(user, waiver, name):
    return next(
        t
        for t in tasks.tasks_queue(user)
        if t.process.artifact_object_id == waiver.pk and t.flow_task.name == name
    )


def _handled(world) -> Application:
    from tests.waivers.test_fee_waivers_api import handled_case

    return Application.objects.get(pk=handled_case(world))


def _asked(world, application, **fields) -> FeeWaiver:
    body = {
        "kind": "notary",
        "institution_id": world.notary_city.pk,
        "service": "继承权公证",
        "standard_fee": "800.00",
        "treatment": "waive",
        **fields,
    }
    return fee_waiver_request(acting_user=world.lawyers[0][0], application=application, **body)


def _approved(world, application, **fields) -> FeeWaiver:
    waiver = _asked(world, application, **fields)
    review = _task(world.reviewer, waiver, "review_waiver")
    tasks.task_complete(user=world.reviewer, task_id=review.pk, data={"approve": True}, base_url=BASE)
    waiver.refresh_from_db()
    assert waiver.status == "approved"
    return waiver


def test_two_reviewers_approve_at_once_one_letter(waiver_world):
    world = waiver_world
    waiver = _asked(world, _handled(world))
    task_id = _task(world.reviewer, waiver, "review_waiver").pk
    results = _race(
        lambda: tasks.task_complete(
            user=world.reviewer, task_id=task_id, data={"approve": True}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=world.reviewer2, task_id=task_id, data={"approve": True}, base_url=BASE
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    assert IssuedDocument.objects.filter(kind="waiver_letter").count() == 1
    waiver.refresh_from_db()
    assert waiver.status == "approved" and waiver.letter is not None


def test_two_notary_clerks_record_the_fee_at_once(waiver_world, make_member):
    world = waiver_world
    colleague = make_member(Role.INSTITUTION_STAFF, world.notary_city, username="notary_city_2")
    waiver = _approved(world, _handled(world))
    task_id = _task(world.notary_city_staff, waiver, "confirm_waiver").pk
    fee = {"charged_fee": "0.00", "waived_amount": "800.00"}
    results = _race(
        lambda: tasks.task_complete(user=world.notary_city_staff, task_id=task_id, data=fee, base_url=BASE),
        lambda: tasks.task_complete(user=colleague, task_id=task_id, data=fee, base_url=BASE),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    waiver.refresh_from_db()
    assert waiver.status == "completed" and waiver.confirmed_by in (world.notary_city_staff, colleague)


def test_terminating_while_the_center_approves_a_waiver(waiver_world):
    world = waiver_world
    application = _handled(world)
    waiver = _asked(world, application)
    task_id = _task(world.reviewer, waiver, "review_waiver").pk
    results = _race(
        lambda: tasks.task_complete(
            user=world.reviewer, task_id=task_id, data={"approve": True}, base_url=BASE
        ),
        lambda: application_terminate(
            acting_user=world.director,
            application=application,
            ground="finances_improved",
            reason="受援人经济状况好转",
            base_url=BASE,
        ),
    )
    application.refresh_from_db()
    waiver.refresh_from_db()
    assert application.status == "terminated" and results[1][0] == "ok", results
    if results[0][0] == "ok":  # the approval came first: its letter stands
        assert waiver.status == "approved" and waiver.letter is not None
    else:  # the termination came first: no waiver on a terminated case (409), nothing issued
        assert results[0][0] == "conflict", results
        assert waiver.status == "requested" and waiver.letter is None


def test_a_judgment_recorded_twice_at_once_settles_once(waiver_world):
    world = waiver_world
    waiver = _approved(world, _handled(world), treatment="defer")
    confirm = _task(world.notary_city_staff, waiver, "confirm_waiver").pk
    tasks.task_complete(
        user=world.notary_city_staff,
        task_id=confirm,
        data={
            "charged_fee": "800.00",
            "waived_amount": "0.00",
            "deferred_payer": "败诉方",
            "deferred_until_judgment": True,
        },
        base_url=BASE,
    )
    today = timezone.localdate()
    results = _race(
        lambda: services.waiver_judgment_record(
            acting_user=world.reviewer, waiver=waiver, date=today, losing_party="甲公司"
        ),
        lambda: services.waiver_judgment_record(
            acting_user=world.director, waiver=waiver, date=today, losing_party="乙公司"
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    waiver.refresh_from_db()
    assert waiver.status == "settled" and waiver.losing_party in ("甲公司", "乙公司")
