"""Termination by the center (Art 48) through the API, and the objection against it (issue 8, item 7)."""

import pytest
from django.test import Client

from aid_cases.models import Application, Termination

from .test_aid_flow_api import complete, file, pdf_text, queue, review_task

pytestmark = pytest.mark.django_db


def approved(actors) -> dict:
    filed = file(actors)
    assert (
        complete(
            actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="approve"
        ).status_code
        == 200
    )
    return filed


def terminate(actors, user, application_id, **body):
    return actors.api(user).post(f"/api/v1/applications/{application_id}/terminate/", body, format="json")


def test_a_reviewer_terminates_with_a_letter_and_the_applicant_may_object(actors):
    filed = approved(actors)
    response = terminate(
        actors, actors.reviewer2, filed["id"], ground="own_lawyer", reason="受援人已自行委托律师"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "terminated" and body["ground"] == "own_lawyer" and body["document"]
    assert Application.objects.get(pk=filed["id"]).status == "terminated"
    text = pdf_text(filed["id"], "termination")
    assert "受援人已自行委托律师" in text and "异议" in text
    detail = actors.api(actors.applicant).get(f"/api/v1/applications/{filed['id']}/").json()
    assert detail["timeline"][-1]["event"] == "application_terminate"
    # the objection route: one objection against this termination
    objected = actors.api(actors.applicant).post(
        f"/api/v1/applications/{filed['id']}/objection/", {"reason": "并未自行委托律师"}, format="json"
    )
    assert objected.status_code == 201
    assert [t["name"] for t in queue(actors, actors.bureau_officer)] == ["decide_objection"]
    again = actors.api(actors.applicant).post(
        f"/api/v1/applications/{filed['id']}/objection/", {"reason": "再次"}, format="json"
    )
    assert again.status_code == 409


def test_who_may_terminate(actors, make_member):
    filed = approved(actors)
    for user in (actors.clerk, actors.applicant):
        assert terminate(actors, user, filed["id"], ground="deception", reason="x").status_code == 403
    # a reviewer of another center does not see the case at all
    assert (
        terminate(actors, actors.other_reviewer, filed["id"], ground="deception", reason="x").status_code
        == 404
    )
    assert Application.objects.get(pk=filed["id"]).status == "assigning"
    assert not Termination.objects.exists()
    # a director may
    assert (
        terminate(
            actors, actors.director, filed["id"], ground="finances_improved", reason="收入已大幅提高"
        ).status_code
        == 200
    )


def test_bureau_staff_never_terminate(actors):
    filed = approved(actors)
    terminate(actors, actors.reviewer, filed["id"], ground="deception", reason="以欺骗手段获得法律援助")
    actors.api(actors.applicant).post(
        f"/api/v1/applications/{filed['id']}/objection/", {"reason": "不服"}, format="json"
    )
    # the bureau now sees the case (it decides the objection) but may not terminate anything
    assert actors.api(actors.bureau_officer).get(f"/api/v1/applications/{filed['id']}/").status_code == 200
    assert (
        terminate(actors, actors.bureau_officer, filed["id"], ground="other", reason="x").status_code == 403
    )


def test_only_an_approved_case_and_bad_input(actors):
    filed = file(actors)
    assert terminate(actors, actors.reviewer, filed["id"], ground="deception", reason="x").status_code == 409
    done = approved(actors)
    bad = terminate(actors, actors.reviewer, done["id"], ground="bored", reason="x")
    assert bad.status_code == 400 and "ground" in bad.json()["errors"]
    # a refused provisional review has its own task, not this endpoint
    assert (
        terminate(actors, actors.reviewer, done["id"], ground="provisional_refused", reason="x").status_code
        == 400
    )
    no_reason = terminate(actors, actors.reviewer, done["id"], ground="deception", reason=" ")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    assert Application.objects.get(pk=done["id"]).status == "assigning"
    assert (
        terminate(actors, actors.reviewer, done["id"], ground="deception", reason="伪造证明材料").status_code
        == 200
    )
    # terminated already: 409
    assert terminate(actors, actors.reviewer, done["id"], ground="deception", reason="x").status_code == 409


def test_the_application_page_offers_the_reviewer_the_termination(actors):
    filed = approved(actors)
    clerk = Client()
    clerk.force_login(actors.clerk)
    assert 'value="terminate"' not in clerk.get(f"/applications/{filed['id']}/").content.decode()
    reviewer = Client()
    reviewer.force_login(actors.reviewer2)
    assert 'value="terminate"' in reviewer.get(f"/applications/{filed['id']}/").content.decode()
    missing = reviewer.post(f"/applications/{filed['id']}/", {"action": "terminate", "ground": "deception"})
    assert missing.status_code == 200 and Application.objects.get(pk=filed["id"]).status == "assigning"
    done = reviewer.post(
        f"/applications/{filed['id']}/",
        {"action": "terminate", "ground": "recipient_request", "reason": "受援人书面申请终止"},
    )
    assert done.status_code == 302 and Application.objects.get(pk=filed["id"]).status == "terminated"
    assert Termination.objects.get().ground == "recipient_request"
