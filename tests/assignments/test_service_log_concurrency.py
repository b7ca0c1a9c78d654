"""Service logs under real concurrency (PostgreSQL): two reviewers verifying one log at the same moment
leave one decision and one 409; two logs of one lawyer's day at once cannot both take its last hours."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from assignments.models import ServiceLog
from directory.models import AuditEvent
from tests.workflows.test_concurrency import _race, _reference_data  # noqa: F401  (the fixture, by name)
from workflows import tasks
from workflows.service_logs import service_log_file

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE = "http://testserver"


@pytest.fixture(autouse=True)
def _postgres_only(_reference_data):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )


def _logged(world, hours="3", activity="consultation") -> ServiceLog:
    return service_log_file(
        acting_user=world.lawyers[0][0],
        activity=activity,
        date=timezone.localdate(),
        hours=hours,
        organiser="珠山区法律援助工作站",
        description="值班接待法律咨询",
    )


def _task_id(user, log: ServiceLog) -> int:
    return next(
        t.pk
        for t in tasks.tasks_queue(user)
        if t.process.artifact_object_id == log.pk and t.flow_task.name == "verify_service_log"
    )


def test_two_reviewers_verify_at_once_one_decision(handling_world):
    world = handling_world
    log = _logged(world)
    task_id = _task_id(world.reviewer, log)
    results = _race(
        lambda: tasks.task_complete(
            user=world.reviewer, task_id=task_id, data={"approve": True}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=world.reviewer2,
            task_id=task_id,
            data={"approve": False, "reason": "无法核实"},
            base_url=BASE,
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    log.refresh_from_db()
    winner = world.reviewer if results[0][0] == "ok" else world.reviewer2
    assert log.verified_by == winner
    assert log.status == ("verified" if winner == world.reviewer else "rejected")
    decided = AuditEvent.objects.filter(
        object_id=str(log.pk), action__in=["service_log_verify", "service_log_reject"]
    )
    assert decided.count() == 1


def test_two_logs_of_one_day_at_once_cannot_both_take_its_last_hours(handling_world):
    world = handling_world
    _logged(world, hours="10")
    results = _race(
        lambda: _logged(world, hours="13", activity="hotline"),
        lambda: _logged(world, hours="13", activity="publicity"),
    )
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ValidationError) and "hours" in error.message_dict
    assert ServiceLog.objects.filter(provider=world.lawyers[0][1]).count() == 2
    assert sum(log.hours for log in ServiceLog.objects.all()) == 23
