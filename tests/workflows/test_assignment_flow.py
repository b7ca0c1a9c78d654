"""After the decision: assign → accept or decline → close_report → review_closure, through the API
(docs/api.md, Tasks), with replacement, termination and the rating."""

import pytest
from django.test import Client
from pypdf import PdfReader

from aid_cases.models import Application
from assignments.models import Assignment, ClosingChecklistItem, Rating
from directory.choices import OrganisationKind, ProviderKind
from documents.models import IssuedDocument
from tests.factories import OrganisationFactory, ProviderFactory, lawyer_licence, region
from tests.world import answer, approved_case, assign, complete, status_of, tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(handling_world):
    assert ClosingChecklistItem.objects.filter(code="judgment").exists()  # the default checklist (migration)
    return handling_world


def test_approval_sends_the_case_to_assignment_due_in_three_days(world):
    application_id = approved_case(world)
    application = Application.objects.get(pk=application_id)
    assert application.status == "assigning"
    (task,) = tasks(world, world.reviewer, "queue", application_id, "assign")
    assert task["due"] == application.assign_due.isoformat()
    assert application.assign_due > application.received_on
    # another center's reviewer does not see it; the lawyers neither
    assert tasks(world, world.other_reviewer, "queue", application_id) == []
    assert tasks(world, world.lawyers[0][0], "queue", application_id) == []


def test_the_whole_case_from_assignment_to_rating(world):
    application_id = approved_case(world)
    lawyer = world.lawyers[0]
    assert assign(world, application_id, lawyer[1]).json()["next"] == ["accept"]
    assert status_of(application_id) == "assigned"
    # the offer is in the lawyer's inbox only; before accepting they do not see the case
    assert world.api(lawyer[0]).get(f"/api/v1/applications/{application_id}/").status_code == 404
    assert answer(world, application_id, lawyer).json()["next"] == ["close_report"]
    assert status_of(application_id) == "in_progress"
    detail = world.api(lawyer[0]).get(f"/api/v1/applications/{application_id}/")
    assert detail.status_code == 200
    letter = IssuedDocument.objects.get(subject_id=str(application_id), kind="assignment_letter")
    text = "".join(p.extract_text() for p in PdfReader(letter.pdf.path).pages).replace("\n", "")
    assert "指派通知书" in text and lawyer[1].name in text and "江西景德律师事务所" in text

    (report,) = tasks(world, lawyer[0], "inbox", application_id, "close_report")
    done = complete(
        world,
        lawyer[0],
        report["id"],
        outcome="mediated",
        summary="经调解，被告按月支付赡养费。",
        hours="12.5",
    )
    assert done.status_code == 200, done.content
    assert done.json()["next"] == ["review_closure"]
    assert status_of(application_id) == "closing"
    (review,) = tasks(world, world.reviewer, "queue", application_id, "review_closure")
    # the default checklist's required items are missing: accepting needs a comment
    bad = complete(world, world.reviewer, review["id"], approve=True)
    assert bad.status_code == 400 and "comment" in bad.json()["errors"]
    assert status_of(application_id) == "closing"
    ok = complete(world, world.reviewer, review["id"], approve=True, comment="调解书已在案卷中纸质归档。")
    assert ok.status_code == 200, ok.content
    assert status_of(application_id) == "closed"

    rate = world.api(world.applicant).post(
        f"/api/v1/applications/{application_id}/rating/", {"score": 5, "comment": "很满意"}, format="json"
    )
    assert rate.status_code == 201, rate.content
    again = world.api(world.applicant).post(
        f"/api/v1/applications/{application_id}/rating/", {"score": 4}, format="json"
    )
    assert again.status_code == 409
    assert Rating.objects.get(application_id=application_id).score == 5


def test_a_returned_report_goes_back_to_the_provider(world):
    application_id = approved_case(world)
    lawyer = world.lawyers[0]
    assign(world, application_id, lawyer[1])
    answer(world, application_id, lawyer)
    (report,) = tasks(world, lawyer[0], "inbox", application_id, "close_report")
    complete(world, lawyer[0], report["id"], outcome="won", summary="胜诉", hours="20")
    (review,) = tasks(world, world.reviewer, "queue", application_id, "review_closure")
    assert complete(world, world.reviewer, review["id"], approve=False).status_code == 400  # reasons
    back = complete(world, world.reviewer, review["id"], approve=False, comment="请补交判决书")
    assert back.json()["next"] == ["close_report"]
    assert status_of(application_id) == "in_progress"
    assert tasks(world, lawyer[0], "inbox", application_id, "close_report")


def test_decline_returns_to_assignment_and_the_decliner_is_not_offered_again(world):
    application_id = approved_case(world)
    first = world.lawyers[0]
    assign(world, application_id, first[1])
    assert answer(world, application_id, first, accept=False).status_code == 400  # a reason is required
    declined = answer(world, application_id, first, accept=False, reason="与对方当事人有亲属关系")
    assert declined.json()["next"] == ["assign"]
    assert status_of(application_id) == "assigning"
    # offered again to the decliner: refused, nothing saved
    again = assign(world, application_id, first[1])
    assert again.status_code == 400 and "provider_id" in again.json()["errors"]
    assert Assignment.objects.filter(application_id=application_id).count() == 1
    # the assign page tells the reviewer who declined, and why
    page = Client()
    page.force_login(world.reviewer)
    (task,) = tasks(world, world.reviewer, "queue", application_id, "assign")
    html = page.get(f"/tasks/{task['id']}/").content.decode()
    assert "与对方当事人有亲属关系" in html and world.lawyers[0][1].name in html
    assert assign(world, application_id, world.lawyers[1][1]).status_code == 200


def test_bad_assignments_are_refused_and_save_nothing(world):
    from assignments.models import PartyConflict

    application_id = approved_case(world)
    inactive = world.lawyers[2][1]
    inactive.active = False
    inactive.save()
    # the firm acts for the opposing party (王某) in its own register: its lawyers may not take the case
    other_firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="冲突律师事务所", region=region("zhushan")
    )
    conflicted = ProviderFactory(
        name="冲突律师",
        organisation=other_firm,
        licence_no=lawyer_licence(990),
        regions_served=[region("zhushan")],
    )
    PartyConflict.objects.create(organisation=other_firm, party_name="王某")
    for provider_id in (inactive.pk, conflicted.pk, 999999, "abc"):
        (task,) = tasks(world, world.reviewer, "queue", application_id, "assign")
        response = complete(world, world.reviewer, task["id"], provider_id=provider_id)
        assert response.status_code == 400, (provider_id, response.content)
    assert not Assignment.objects.filter(application_id=application_id).exists()
    assert status_of(application_id) == "assigning"


def test_only_the_assigned_provider_answers(world):
    application_id = approved_case(world)
    assign(world, application_id, world.lawyers[0][1])
    (task,) = tasks(world, world.lawyers[0][0], "inbox", application_id, "accept")
    other = world.lawyers[1][0]
    assert complete(world, other, task["id"], accept=True).status_code == 404
    assert complete(world, world.reviewer, task["id"], accept=True).status_code == 404
    assert status_of(application_id) == "assigned"


def test_a_replaced_provider_loses_the_case(world):
    application_id = approved_case(world)
    old = world.lawyers[0]
    assign(world, application_id, old[1])
    answer(world, application_id, old)
    replaced = world.api(world.reviewer).post(
        f"/api/v1/applications/{application_id}/reassign/",
        {"reason": "受援人投诉，申请更换（第55条）"},
        format="json",
    )
    assert replaced.status_code == 200, replaced.content
    assert status_of(application_id) == "assigning"
    assert world.api(old[0]).get(f"/api/v1/applications/{application_id}/").status_code == 404
    assert tasks(world, old[0], "inbox", application_id) == []
    new = world.lawyers[1]
    assign(world, application_id, new[1])
    answer(world, application_id, new)
    assert Application.objects.get(pk=application_id).provider == new[1]
    assert world.api(new[0]).get(f"/api/v1/applications/{application_id}/").status_code == 200
    # the case counts for the new provider's year, not for the replaced one's
    from assignments.recommend import recommendations_for

    other = Application.objects.get(pk=approved_case(world))
    years = {r.provider.pk: r.year_cases for r in recommendations_for(other)}
    assert years[new[1].pk] == 1 and years[old[1].pk] == 0


def test_terminating_a_handled_case_cancels_its_tasks_and_it_cannot_be_closed(world):
    application_id = approved_case(world)
    lawyer = world.lawyers[0]
    assign(world, application_id, lawyer[1])
    answer(world, application_id, lawyer)
    (report,) = tasks(world, lawyer[0], "inbox", application_id, "close_report")
    terminated = world.api(world.reviewer).post(
        f"/api/v1/applications/{application_id}/terminate/",
        {"ground": "own_lawyer", "reason": "受援人已自行委托律师"},
        format="json",
    )
    assert terminated.status_code == 200, terminated.content
    assert status_of(application_id) == "terminated"
    # the closing report is gone; the report of the work before the termination takes its place
    assert [t["name"] for t in tasks(world, lawyer[0], "inbox", application_id)] == ["termination_report"]
    late = complete(world, lawyer[0], report["id"], outcome="won", summary="x", hours="1")
    assert late.status_code in (404, 409)
    assert status_of(application_id) == "terminated"
    # the provider keeps seeing the case they worked on
    assert world.api(lawyer[0]).get(f"/api/v1/applications/{application_id}/").status_code == 200


def test_rating_rules(world):
    application_id = approved_case(world)
    url = f"/api/v1/applications/{application_id}/rating/"
    assert world.api(world.applicant).post(url, {"score": 5}, format="json").status_code == 409  # not closed
    for score in (0, 6, "x", None):
        response = world.api(world.applicant).post(url, {"score": score}, format="json")
        assert response.status_code == 400, score
    assert world.api(world.other_applicant).post(url, {"score": 5}, format="json").status_code == 404
    assert not Rating.objects.exists()


def test_recommendations_for_the_center_only_paginated_with_reasons_at_a_fixed_cost(
    world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application_id = approved_case(world)
    url = f"/api/v1/applications/{application_id}/recommendations/"
    response = world.api(world.reviewer).get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    top = body["results"][0]
    assert top["provider"]["name"] == "律师1"  # the maintenance specialist first
    assert any("赡养" in reason for reason in top["reasons"])
    for outsider in (world.other_reviewer, world.applicant, world.lawyers[0][0]):
        assert world.api(outsider).get(url).status_code == 404
    with CaptureQueriesContext(connection) as few:
        world.api(world.reviewer).get(url)
    for n in range(12):
        ProviderFactory(
            name=f"增补律师{n}",
            kind=ProviderKind.LAWYER,
            organisation=world.firm,
            licence_no=lawyer_licence(950 + n),
            regions_served=[region("zhushan")],
        )
    with CaptureQueriesContext(connection) as many:
        assert world.api(world.reviewer).get(url).json()["count"] == 15
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_case_cannot_be_closed_without_its_report(world):
    """The center's review of the closure exists only once the provider filed the report, and the
    service refuses a closure of a case still in progress."""
    import pytest as _pytest

    from assignments.services import handling
    from core.errors import Conflict

    application_id = approved_case(world)
    lawyer = world.lawyers[0]
    assign(world, application_id, lawyer[1])
    answer(world, application_id, lawyer)
    assert tasks(world, world.reviewer, "queue", application_id, "review_closure") == []
    with _pytest.raises(Conflict):
        handling.closure_review(
            acting_user=world.reviewer,
            application=Application.objects.get(pk=application_id),
            approve=True,
            comment="x",
        )
    assert status_of(application_id) == "in_progress"
