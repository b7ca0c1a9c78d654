"""A filing and a task's completion are each one step: all of it happens, audit rows included, or none."""

import pytest

from aid_cases.models import Application
from directory.models import AuditEvent

from .test_aid_flow_api import complete, file, review_task

pytestmark = pytest.mark.django_db


def _actions(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("at", "pk").values_list("action", flat=True))


def test_a_filing_writes_its_audit_rows_in_the_order_things_happened(actors):
    filed = file(actors)
    assert _actions(object_type="aid_cases.application", object_id=str(filed["id"])) == ["application_submit"]
    receipt = AuditEvent.objects.get(action="document_issue")
    submitted = AuditEvent.objects.get(action="application_submit")
    assert (submitted.at, submitted.pk) < (receipt.at, receipt.pk)
    assert receipt.new["subject"] == f"aid_cases.application#{filed['id']}"


def test_a_task_completed_without_a_claim_is_one_step_on_the_timeline(actors):
    filed = file(actors)
    task = review_task(actors, filed["id"])
    assert complete(actors, actors.reviewer, task["id"], outcome="approve").status_code == 200
    # no "review started" a moment before the decision: the decision says who took it
    assert _actions(object_type="aid_cases.application", object_id=str(filed["id"])) == [
        "application_submit",
        "review_approve",
        "assignment_begin",
    ]
    timeline = actors.api(actors.applicant).get(f"/api/v1/applications/{filed['id']}/").json()["timeline"]
    assert [(e["event"], e["label"]) for e in timeline] == [
        ("application_submit", "提交申请"),
        ("review_approve", "决定给予法律援助"),
        ("assignment_begin", "转入指派"),
    ]


def test_a_claim_starts_the_review_and_says_so(actors):
    filed = file(actors)
    task = review_task(actors, filed["id"])
    assert actors.api(actors.reviewer).post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 200
    assert Application.objects.get(pk=filed["id"]).status == "under_review"
    assert _actions(object_type="aid_cases.application", object_id=str(filed["id"]))[-1] == "review_claim"


def test_a_refused_step_writes_nothing(actors):
    filed = file(actors)
    task = review_task(actors, filed["id"])
    before = AuditEvent.objects.count()
    refused = complete(actors, actors.reviewer, task["id"], outcome="refuse", reason="")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    assert AuditEvent.objects.count() == before
    application = Application.objects.get(pk=filed["id"])
    assert application.status == "submitted" and not application.decisions.exists()
    # and the task is still there to be done
    assert review_task(actors, filed["id"])["id"] == task["id"]
