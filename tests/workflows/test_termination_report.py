"""The work done before a termination (Art 48, 50, 52): the provider who had accepted a terminated case
reports it, the center reviews it, and an accepted report makes the subsidy owed at the share the
standard gives a terminated case. The case stays terminated and is never closed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aid_cases.models import Application
from assignments.choices import SubsidyAdjustmentKind
from assignments.models import ClosingReport, SubsidyAdjustment, SubsidyPayment, SubsidyStandard
from assignments.services import handling
from core.errors import Conflict
from directory.choices import AidForm, MatterCategory
from directory.models import AuditEvent
from tests.factories import region
from tests.world import answer, approved_case, assign, complete, status_of, tasks

pytestmark = pytest.mark.django_db

START = datetime.date(2020, 1, 1)


@pytest.fixture
def world(handling_world):
    SubsidyStandard.objects.create(
        region=region("zhushan"),
        matter_category=MatterCategory.CIVIL,
        aid_form=AidForm.REPRESENTATION,
        amount=Decimal("1200.00"),
        valid_from=START,
    )
    SubsidyAdjustment.objects.create(
        kind=SubsidyAdjustmentKind.TERMINATED, factor=Decimal("0.50"), valid_from=START
    )
    return handling_world


def handled_case(world) -> int:
    application_id = approved_case(world)
    assign(world, application_id, world.lawyers[0][1])
    assert answer(world, application_id, world.lawyers[0]).status_code == 200
    return application_id


def terminate(world, application_id):
    response = world.api(world.reviewer).post(
        f"/api/v1/applications/{application_id}/terminate/",
        {"ground": "own_lawyer", "reason": "受援人已自行委托律师"},
        format="json",
    )
    assert response.status_code == 200, response.content


def report(world, application_id, **fields):
    lawyer = world.lawyers[0][0]
    (task,) = tasks(world, lawyer, "inbox", application_id, "termination_report")
    body = {"summary": "已会见受援人并起草起诉状。", "hours": "6.5", **fields}
    return complete(world, lawyer, task["id"], **body)


def review(world, application_id, **fields):
    (task,) = tasks(world, world.reviewer, "queue", application_id, "review_termination_report")
    return complete(world, world.reviewer, task["id"], **fields)


def test_the_work_before_a_termination_is_paid_its_share_once_the_report_is_accepted(world):
    application_id = handled_case(world)
    terminate(world, application_id)
    # the case is not closed: no closing report, and nothing owed before the report is accepted
    assert tasks(world, world.lawyers[0][0], "inbox", application_id, "close_report") == []
    assert not SubsidyPayment.objects.exists()

    filed = report(world, application_id, stage="negotiation")
    assert filed.status_code == 200, filed.content
    assert filed.json()["next"] == ["review_termination_report"]
    assert status_of(application_id) == "terminated"
    stored = ClosingReport.objects.get(application_id=application_id)
    assert stored.outcome == "terminated" and stored.hours == Decimal("6.5")
    assert stored.ended_on == timezone.localdate()  # the day of the termination, by default
    assert Application.objects.get(pk=application_id).closure_due is not None

    # the default checklist's required items are missing: accepting needs a comment
    assert review(world, application_id, approve=True).status_code == 400
    assert not SubsidyPayment.objects.exists()
    accepted = review(world, application_id, approve=True, comment="终止前的工作材料已纸质归档。")
    assert accepted.status_code == 200, accepted.content
    assert status_of(application_id) == "terminated"
    payment = SubsidyPayment.objects.get(application_id=application_id)
    assert payment.amount == Decimal("600.00") and payment.status == "owed"
    assert payment.factors == [["terminated", "0.50"]]
    events = list(
        AuditEvent.objects.filter(action__startswith="termination_report")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert events == ["termination_report_file", "termination_report_approve"]
    # done: no task left, and the case still cannot be closed
    assert tasks(world, world.lawyers[0][0], "inbox", application_id) == []
    assert tasks(world, world.reviewer, "queue", application_id) == []


def test_a_returned_report_goes_back_to_the_provider(world):
    application_id = handled_case(world)
    terminate(world, application_id)
    assert report(world, application_id).status_code == 200
    returned = review(world, application_id, approve=False, comment="请补充会见笔录。")
    assert returned.status_code == 200, returned.content
    assert ClosingReport.objects.get(application_id=application_id).approved is False
    assert not SubsidyPayment.objects.exists()
    again = report(world, application_id, hours="8")
    assert again.status_code == 200, again.content
    assert ClosingReport.objects.get(application_id=application_id).hours == Decimal("8.0")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"hours": "-1"}, "hours"),
        ({"hours": "x"}, "hours"),
        ({"summary": " "}, "summary"),
        ({"stage": "moon"}, "stage"),
        ({"ended_on": "2999-01-01"}, "ended_on"),
    ],
)
def test_bad_report_is_refused_and_nothing_saved(world, fields, field):
    application_id = handled_case(world)
    terminate(world, application_id)
    response = report(world, application_id, **fields)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not ClosingReport.objects.exists()


def test_only_the_provider_reports_and_only_the_center_reviews(world):
    application_id = handled_case(world)
    terminate(world, application_id)
    # another lawyer of the firm sees no such task
    assert tasks(world, world.lawyers[1][0], "inbox", application_id) == []
    assert tasks(world, world.other_reviewer, "queue", application_id) == []
    assert report(world, application_id).status_code == 200
    assert tasks(world, world.other_reviewer, "queue", application_id) == []


def test_no_report_when_the_offer_was_never_accepted(world):
    application_id = approved_case(world)
    assign(world, application_id, world.lawyers[0][1])
    terminate(world, application_id)
    assert tasks(world, world.lawyers[0][0], "inbox", application_id) == []
    assert tasks(world, world.reviewer, "queue", application_id) == []


def test_the_report_waits_while_an_objection_is_with_the_bureau_and_ends_when_it_revokes(world):
    application_id = handled_case(world)
    terminate(world, application_id)
    objected = world.api(world.applicant).post(
        f"/api/v1/applications/{application_id}/objection/", {"reason": "并未自行委托律师"}, format="json"
    )
    assert objected.status_code == 201, objected.content
    assert report(world, application_id).status_code == 409
    assert not ClosingReport.objects.exists()
    (decide,) = tasks(world, world.bureau_officer, "queue", application_id, "decide_objection")
    decided = complete(
        world, world.bureau_officer, decide["id"], outcome="correct", reason="受援人并未另行委托"
    )
    assert decided.status_code == 200, decided.content
    # aid resumes with the same provider: the report of the work before the termination is gone,
    # the closing report is back
    assert status_of(application_id) == "in_progress"
    names = [t["name"] for t in tasks(world, world.lawyers[0][0], "inbox", application_id)]
    assert names == ["close_report"]


def test_a_share_still_owed_becomes_the_whole_subsidy_when_a_revoked_termination_ends_in_closure(world):
    application_id = handled_case(world)
    terminate(world, application_id)
    assert report(world, application_id).status_code == 200
    assert review(world, application_id, approve=True, comment="材料已纸质归档。").status_code == 200
    assert SubsidyPayment.objects.get().amount == Decimal("600.00")
    world.api(world.applicant).post(
        f"/api/v1/applications/{application_id}/objection/", {"reason": "并未自行委托律师"}, format="json"
    )
    (decide,) = tasks(world, world.bureau_officer, "queue", application_id, "decide_objection")
    assert (
        complete(world, world.bureau_officer, decide["id"], outcome="correct", reason="撤销").status_code
        == 200
    )
    lawyer = world.lawyers[0][0]
    (close,) = tasks(world, lawyer, "inbox", application_id, "close_report")
    filed = complete(world, lawyer, close["id"], outcome="mediated", summary="调解结案。", hours="20")
    assert filed.status_code == 200, filed.content
    (closure,) = tasks(world, world.reviewer, "queue", application_id, "review_closure")
    closed = complete(world, world.reviewer, closure["id"], approve=True, comment="已归档。")
    assert closed.status_code == 200, closed.content
    assert status_of(application_id) == "closed"
    payment = SubsidyPayment.objects.get()
    assert payment.amount == Decimal("1200.00") and payment.factors == []


def test_closing_a_terminated_case_is_refused(world):
    application_id = handled_case(world)
    terminate(world, application_id)
    application = Application.objects.get(pk=application_id)
    with pytest.raises(Conflict):
        handling.closing_report_file(
            acting_user=world.lawyers[0][0], application=application, outcome="won", summary="x", hours="1"
        )
    assert not ClosingReport.objects.exists()


def test_a_report_accepted_without_a_standard_is_recorded_at_the_share_later_and_closes_nothing(world):
    from assignments.selectors import closures_without_subsidy
    from assignments.services.payments import subsidy_record_for_closure
    from assignments.statistics import Period, closure_counts

    (row,) = SubsidyStandard.objects.all()
    SubsidyStandard.objects.all().delete()
    application_id = handled_case(world)
    terminate(world, application_id)
    assert report(world, application_id).status_code == 200
    assert review(world, application_id, approve=True, comment="材料已纸质归档。").status_code == 200
    assert not SubsidyPayment.objects.exists()  # no standard in force: the review still stands
    (waiting,) = closures_without_subsidy([world.center.pk])
    row.pk = None
    row.save()
    payment = subsidy_record_for_closure(acting_user=world.reviewer, report=waiting)
    assert payment.amount == Decimal("600.00")
    # the statistics' closed cases do not count it: the case was terminated, not closed
    today = timezone.localdate()
    assert closure_counts([world.center.pk], Period(today, today)) == {}
