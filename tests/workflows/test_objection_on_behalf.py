"""Written objections recorded on a citizen's behalf (Art 49; issue 8, item 3)."""

import pytest
from django.test import Client

from aid_cases.models import Objection
from tests.world import application_payload

from .test_aid_flow_api import complete, queue, review_task

pytestmark = pytest.mark.django_db


def window_refused(actors) -> int:
    recorded = actors.api(actors.clerk).post(
        "/api/v1/applications/",
        application_payload(channel="window", household={"size": 1, "monthly_income": "5000.00"}),
        format="json",
    )
    assert recorded.status_code == 201, recorded.content
    application_id = recorded.json()["id"]
    task = review_task(actors, application_id)
    assert (
        complete(actors, actors.reviewer, task["id"], outcome="refuse", reason="收入超标").status_code == 200
    )
    return application_id


def object_for(actors, user, application_id, **body):
    return actors.api(user).post(f"/api/v1/applications/{application_id}/objection/", body, format="json")


def test_the_clerk_records_a_written_objection_for_the_applicant(actors):
    application_id = window_refused(actors)
    # without on_behalf the clerk is not the applicant
    assert object_for(actors, actors.clerk, application_id, reason="x").status_code == 403
    response = object_for(
        actors, actors.clerk, application_id, reason="申请人书面异议：收入证明有误", on_behalf=True
    )
    assert response.status_code == 201, response.content
    objection = Objection.objects.get(application_id=application_id)
    assert objection.on_behalf is True and objection.filed_by == actors.clerk
    assert [t["name"] for t in queue(actors, actors.bureau_officer)] == ["decide_objection"]
    detail = actors.api(actors.clerk).get(f"/api/v1/applications/{application_id}/").json()
    assert detail["timeline"][-1]["event"] == "objection_record_on_behalf"
    # one objection per decision still holds, whoever records it
    assert (
        object_for(actors, actors.bureau_officer, application_id, reason="再次", on_behalf=True).status_code
        == 409
    )


def test_the_deciding_reviewers_and_directors_never_object_for_anyone(actors):
    application_id = window_refused(actors)
    for user in (actors.reviewer, actors.reviewer2, actors.director):
        assert object_for(actors, user, application_id, reason="x", on_behalf=True).status_code == 403
    # nor a stranger or another center (they do not see the case)
    assert (
        object_for(actors, actors.other_applicant, application_id, reason="x", on_behalf=True).status_code
        == 404
    )
    assert (
        object_for(actors, actors.other_reviewer, application_id, reason="x", on_behalf=True).status_code
        == 404
    )
    assert not Objection.objects.exists()


def test_the_bureau_officer_of_the_region_records_it(actors):
    application_id = window_refused(actors)
    response = object_for(
        actors, actors.bureau_officer, application_id, reason="当面提出书面异议", on_behalf=True
    )
    assert response.status_code == 201, response.content
    objection = Objection.objects.get(application_id=application_id)
    assert objection.on_behalf is True and objection.filed_by == actors.bureau_officer
    assert object_for(actors, actors.clerk, application_id, reason="再次", on_behalf=True).status_code == 409


def test_the_application_page_offers_the_clerk_the_form(actors):
    application_id = window_refused(actors)
    reviewer = Client()
    reviewer.force_login(actors.reviewer)
    assert (
        'value="objection_on_behalf"' not in reviewer.get(f"/applications/{application_id}/").content.decode()
    )
    clerk = Client()
    clerk.force_login(actors.clerk)
    page = clerk.get(f"/applications/{application_id}/").content.decode()
    assert 'value="objection_on_behalf"' in page
    # a reviewer posting it anyway is refused, nothing stored
    reviewer.post(f"/applications/{application_id}/", {"action": "objection_on_behalf", "reason": "x"})
    assert not Objection.objects.exists()
    empty = clerk.post(f"/applications/{application_id}/", {"action": "objection_on_behalf", "reason": " "})
    assert empty.status_code == 200 and not Objection.objects.exists()
    sent = clerk.post(
        f"/applications/{application_id}/", {"action": "objection_on_behalf", "reason": "申请人书面异议"}
    )
    assert sent.status_code == 302
    assert Objection.objects.get().on_behalf is True
    page = clerk.get(f"/applications/{application_id}/").content.decode()
    assert 'value="objection_on_behalf"' not in page
    assert "Written objection recorded on the applicant" in page or "代申请人记录书面异议" in page
