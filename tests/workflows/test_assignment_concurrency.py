"""Assignment and handling under real concurrency (PostgreSQL): two people acting on one case at the
same moment leave one consistent result, never a lost update or a 500."""

import datetime

import pytest
from django.db import connection

from aid_cases.models import Application
from assignments.models import Assignment, Rating
from assignments.services import handling
from directory.choices import OrganisationKind, ProviderKind, Role
from tests.factories import OrganisationFactory, ProviderFactory, lawyer_licence, region
from workflows import tasks
from workflows.services import application_terminate, assignment_reassign

from .test_concurrency import (
    _file,
    _race,
    _reference_data,  # noqa: F401  (the fixture, used below)
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE = "http://testserver"


@pytest.fixture(autouse=True)
def _postgres_only(_reference_data):  # noqa: F811  (the imported fixture, by name)
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency test needs PostgreSQL (DATABASE_URL=postgres://...); SQLite serialises writers"
        )


@pytest.fixture
def lawyers(actors, make_member):
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="并发律师事务所", region=region("zhushan")
    )
    found = []
    for n in range(2):
        user = make_member(Role.PROVIDER, firm, username=f"lawyer_race_{n}")
        provider = ProviderFactory(
            name=f"并发律师{n}",
            kind=ProviderKind.LAWYER,
            organisation=firm,
            licence_no=lawyer_licence(700 + n),
            practice_start=datetime.date(2010, 1, 1),
            regions_served=[region("zhushan")],
            user=user,
        )
        found.append((user, provider))
    return found


def _task(user, application, name, scope="queue"):
    rows = tasks.tasks_queue(user) if scope == "queue" else tasks.tasks_inbox(user)
    return next(t for t in rows if t.process.seed_object_id == application.pk and t.flow_task.name == name)


def _approved(actors) -> Application:
    application = _file(actors)
    review = _task(actors.reviewer, application, "review")
    tasks.task_complete(user=actors.reviewer, task_id=review.pk, data={"outcome": "approve"}, base_url=BASE)
    application.refresh_from_db()
    assert application.status == "assigning"
    return application


def _accepted(actors, lawyer) -> Application:
    application = _approved(actors)
    assign = _task(actors.reviewer, application, "assign")
    tasks.task_complete(
        user=actors.reviewer, task_id=assign.pk, data={"provider_id": lawyer[1].pk}, base_url=BASE
    )
    offer = _task(lawyer[0], application, "accept", scope="inbox")
    tasks.task_complete(user=lawyer[0], task_id=offer.pk, data={"accept": True}, base_url=BASE)
    application.refresh_from_db()
    assert application.status == "in_progress"
    return application


def test_two_reviewers_assign_at_once_one_provider_wins(actors, lawyers):
    application = _approved(actors)
    task_id = _task(actors.reviewer, application, "assign").pk
    results = _race(
        lambda: tasks.task_complete(
            user=actors.reviewer, task_id=task_id, data={"provider_id": lawyers[0][1].pk}, base_url=BASE
        ),
        lambda: tasks.task_complete(
            user=actors.reviewer2, task_id=task_id, data={"provider_id": lawyers[1][1].pk}, base_url=BASE
        ),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    assert Assignment.objects.filter(application=application).count() == 1
    application.refresh_from_db()
    assert application.status == "assigned"


def test_replacing_while_the_provider_files_the_report_leaves_one_consistent_case(actors, lawyers):
    application = _accepted(actors, lawyers[0])
    report = _task(lawyers[0][0], application, "close_report", scope="inbox")
    results = _race(
        lambda: tasks.task_complete(
            user=lawyers[0][0],
            task_id=report.pk,
            data={"outcome": "won", "summary": "胜诉", "hours": "8"},
            base_url=BASE,
        ),
        lambda: assignment_reassign(
            acting_user=actors.reviewer, application=application, reason="受援人申请更换"
        ),
    )
    application.refresh_from_db()
    live = Assignment.objects.filter(application=application, status__in=["offered", "accepted"])
    if application.status == "closing":  # the report came first: the replacement was refused (409)
        assert [kind for kind, _ in results] == ["ok", "conflict"], results
        assert live.count() == 1 and application.provider == lawyers[0][1]
    else:  # the replacement came first: the report's task was cancelled under it (409, or 404 if gone)
        assert application.status == "assigning" and application.provider is None
        assert live.count() == 0 and results[1][0] == "ok", results
        kind, value = results[0]
        assert kind == "conflict" or isinstance(value, tasks.TaskNotFound), results


def test_terminating_while_the_provider_accepts(actors, lawyers):
    application = _approved(actors)
    assign = _task(actors.reviewer, application, "assign")
    tasks.task_complete(
        user=actors.reviewer, task_id=assign.pk, data={"provider_id": lawyers[0][1].pk}, base_url=BASE
    )
    offer = _task(lawyers[0][0], application, "accept", scope="inbox")
    results = _race(
        lambda: tasks.task_complete(
            user=lawyers[0][0], task_id=offer.pk, data={"accept": True}, base_url=BASE
        ),
        lambda: application_terminate(
            acting_user=actors.reviewer2,
            application=application,
            ground="recipient_request",
            reason="受援人申请终止",
            base_url=BASE,
        ),
    )
    assert "error" not in [kind for kind, _ in results], results
    application.refresh_from_db()
    assert results[1][0] == "ok"  # terminating an accepted or an offered case both work
    assert application.status == "terminated"
    open_tasks = tasks.tasks_inbox(lawyers[0][0]).filter(status__in=tasks.OPEN)
    names = [t.flow_task.name for t in open_tasks]
    if results[0][0] == "ok":  # accepted first: the provider reports the work done before the termination
        assert names == ["termination_report"]
    else:  # terminated first: the offer was withdrawn, no work and nothing to report
        assert names == []


def test_two_reviewers_accept_a_terminated_cases_report_at_once_one_subsidy(actors, lawyers):
    from assignments.models import SubsidyAdjustment, SubsidyPayment, SubsidyStandard

    SubsidyStandard.objects.create(
        region=region("zhushan"),
        matter_category="civil",
        aid_form="representation",
        amount="1000.00",
        valid_from=datetime.date(2020, 1, 1),
    )
    SubsidyAdjustment.objects.create(kind="terminated", factor="0.40", valid_from=datetime.date(2020, 1, 1))
    application = _accepted(actors, lawyers[0])
    application_terminate(
        acting_user=actors.reviewer,
        application=application,
        ground="own_lawyer",
        reason="自行委托",
        base_url=BASE,
    )
    report = _task(lawyers[0][0], application, "termination_report", scope="inbox")
    tasks.task_complete(
        user=lawyers[0][0], task_id=report.pk, data={"summary": "会见两次", "hours": "5"}, base_url=BASE
    )
    task_id = _task(actors.reviewer, application, "review_termination_report").pk
    results = _race(
        *[
            (
                lambda user=user: tasks.task_complete(
                    user=user, task_id=task_id, data={"approve": True, "comment": "已归档"}, base_url=BASE
                )
            )
            for user in (actors.reviewer, actors.reviewer2)
        ]
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    (payment,) = SubsidyPayment.objects.filter(application=application)
    assert str(payment.amount) == "400.00"
    application.refresh_from_db()
    assert application.status == "terminated"


def test_a_double_rating_counts_once(actors, lawyers):
    application = _accepted(actors, lawyers[0])
    Application.objects.filter(pk=application.pk).update(status="closed")
    application.refresh_from_db()
    results = _race(
        lambda: handling.rating_give(acting_user=actors.applicant, application=application, score=5),
        lambda: handling.rating_give(acting_user=actors.applicant, application=application, score=1),
    )
    assert sorted(kind for kind, _ in results) == ["conflict", "ok"], results
    assert Rating.objects.filter(application=application).count() == 1
