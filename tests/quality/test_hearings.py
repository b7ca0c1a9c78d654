"""Hearing observation (旁听庭审) and the handling agency's view (征询意见), Art 59: recorded by the
center on a case, a score out of range refused with nothing saved; the view asked of a court or
procuratorate and answered by its officer from the task inbox, once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from core.errors import Conflict, Forbidden
from directory.audit import AuditAction
from directory.choices import OrganisationKind, Role
from directory.models import AuditEvent
from quality.models import FeedbackRequest, HearingObservation
from quality.services import hearings
from tests.factories import OrganisationFactory, region
from tests.world import approved_case, complete, tasks

from .test_follow_ups import close, handled_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(waiver_world):
    return waiver_world


def observation(**overrides):
    body = {
        "date": timezone.localdate().isoformat(),
        "court_name": "珠山区人民法院",
        "preparation": 4,
        "examination": 5,
        "argument": 3,
        "conduct": 5,
        "comment": "举证充分，发问有针对性。",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def post_hearing(world, user, application_id, **overrides):
    return world.api(user).post(
        f"/api/v1/applications/{application_id}/hearing-observations/",
        observation(**overrides),
        format="json",
    )


# --- hearing observation ---------------------------------------------------------------------------


def test_a_reviewer_records_a_hearing_observation(world):
    application_id = handled_case(world)
    response = post_hearing(world, world.reviewer, application_id, court_name=None, court_id=world.court.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["court"] == {"id": world.court.pk, "name": world.court.name}
    assert body["court_name"] == world.court.name
    assert (body["preparation"], body["examination"], body["argument"], body["conduct"], body["total"]) == (
        4,
        5,
        3,
        5,
        17,
    )
    assert body["provider"]["id"] == world.lawyers[0][1].pk
    row = HearingObservation.objects.get(pk=body["id"])
    assert row.observer == world.reviewer and row.provider_id == world.lawyers[0][1].pk
    assert AuditEvent.objects.filter(
        action=AuditAction.HEARING_OBSERVE, object_id=str(application_id)
    ).exists()
    listed = world.api(world.director).get(f"/api/v1/applications/{application_id}/hearing-observations/")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    # by name, for a court outside the directory
    by_name = post_hearing(world, world.director, application_id)
    assert by_name.status_code == 201 and by_name.json()["court"] is None
    assert by_name.json()["court_name"] == "珠山区人民法院"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"preparation": 6}, "preparation"),
        ({"examination": 0}, "examination"),
        ({"argument": -1}, "argument"),
        ({"conduct": "5分"}, "conduct"),
        ({"conduct": True}, "conduct"),
        ({"preparation": 4.5}, "preparation"),
        ({"date": "2099-01-01"}, "date"),
        ({"date": "2020-01-01"}, "date"),  # before the case was received
        ({"date": "昨天"}, "date"),
        ({"court_name": ""}, "court_id"),
        ({"court_id": 999999, "court_name": None}, "court_id"),
        ({"court_id": "__procuratorate__", "court_name": None}, "court_id"),  # not a court
        ({"comment": "长" * 4001}, "comment"),
    ],
)
def test_bad_observations_are_400_and_save_nothing(world, overrides, field):
    if overrides.get("court_id") == "__procuratorate__":
        overrides = {**overrides, "court_id": world.procuratorate.pk}
    application_id = handled_case(world)
    response = post_hearing(world, world.reviewer, application_id, **overrides)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not HearingObservation.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.HEARING_OBSERVE).exists()


def test_who_may_record_and_see_observations(world):
    application_id = handled_case(world)
    lawyer = world.lawyers[0][0]
    # the provider and the applicant see the case, but never write nor read its observations
    assert post_hearing(world, lawyer, application_id).status_code == 403
    assert post_hearing(world, world.applicant, application_id).status_code == 403
    assert (
        world.api(lawyer).get(f"/api/v1/applications/{application_id}/hearing-observations/").status_code
        == 404
    )
    # another center and the court's officer do not see the case at all
    assert post_hearing(world, world.other_reviewer, application_id).status_code == 404
    assert post_hearing(world, world.court_staff, application_id).status_code == 404
    assert not HearingObservation.objects.exists()


def test_no_observation_before_a_provider_handles_the_case(world):
    application_id = approved_case(world)
    assert post_hearing(world, world.reviewer, application_id).status_code == 409


def test_the_service_takes_the_same_checks(world):
    from aid_cases.models import Application

    application = Application.objects.get(pk=handled_case(world))
    with pytest.raises(ValidationError) as raised:
        hearings.hearing_observation_record(
            acting_user=world.reviewer,
            application=application,
            date=timezone.localdate(),
            court_id=world.court.pk,
            preparation=5,
            examination=5,
            argument=5,
            conduct=9,
        )
    assert set(raised.value.message_dict) == {"conduct"}
    with pytest.raises(Forbidden):
        hearings.hearing_observation_record(
            acting_user=world.court_staff,
            application=application,
            date=timezone.localdate(),
            court_id=world.court.pk,
            preparation=5,
            examination=5,
            argument=5,
            conduct=5,
        )


# --- the agency's view -----------------------------------------------------------------------------


def ask(world, application_id, agency=None, user=None, **extra):
    body = {
        "agency_id": (agency or world.court).pk,
        "question": "请对承办律师在庭审中的表现提出意见。",
        **extra,
    }
    return world.api(user or world.reviewer).post(
        f"/api/v1/applications/{application_id}/feedback-requests/", body, format="json"
    )


def test_the_court_answers_from_its_inbox_once(world):
    application_id = handled_case(world)
    asked = ask(world, application_id)
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert body["status"] == "open" and body["agency"]["kind"] == "court" and body["assessment"] is None
    assert body["due_on"] == (timezone.localdate() + datetime.timedelta(days=15)).isoformat()
    # the court's officer has it in their queue, with the case's id; nobody else of the case does
    (task,) = tasks(world, world.court_staff, "queue", application_id, "answer_feedback")
    assert task["due"] == body["due_on"]
    for user in (world.procuratorate_staff, world.reviewer, world.lawyers[0][0], world.notary_city_staff):
        assert tasks(world, user, "queue", application_id, "answer_feedback") == []
    # the page shows the request, not the case the court may not open
    client = Client()
    client.force_login(world.court_staff)
    html = client.get(f"/tasks/{task['id']}/").content.decode()
    assert "请对承办律师在庭审中的表现提出意见" in html and 'id="task-case"' not in html
    assert world.lawyers[0][1].name in html
    # not satisfied needs comments: 400, nothing saved
    bad = complete(world, world.court_staff, task["id"], assessment="not_satisfied")
    assert bad.status_code == 400 and "answer" in bad.json()["errors"]
    assert complete(world, world.court_staff, task["id"], assessment="unsure").status_code == 400
    assert FeedbackRequest.objects.get().status == "open"
    done = complete(
        world, world.court_staff, task["id"], assessment="satisfied", answer="准备充分，辩护有力。"
    )
    assert done.status_code == 200, done.content
    feedback = FeedbackRequest.objects.get()
    assert (feedback.status, feedback.assessment, feedback.answered_by) == (
        "answered",
        "satisfied",
        world.court_staff,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.FEEDBACK_ANSWER, object_id=str(application_id)
    ).exists()
    # a second answer: the task is finished (409), and the service refuses it too
    again = complete(world, world.court_staff, task["id"], assessment="not_satisfied", answer="改主意了")
    assert again.status_code == 409
    with pytest.raises(Conflict):
        hearings.feedback_answer(
            acting_user=world.court_staff, feedback=feedback, assessment="not_satisfied", answer="x"
        )
    assert FeedbackRequest.objects.get().assessment == "satisfied"
    # the center reads the answer on the case
    listed = world.api(world.reviewer).get(f"/api/v1/applications/{application_id}/feedback-requests/").json()
    assert (
        listed["results"][0]["assessment"] == "satisfied"
        and listed["results"][0]["answer"] == "准备充分，辩护有力。"
    )


def test_another_agencys_officer_cannot_answer(world, make_member):
    other_court = OrganisationFactory(
        kind=OrganisationKind.COURT, name="乐平市人民法院", region=region("leping")
    )
    other_officer = make_member(Role.AGENCY_OFFICER, other_court, username="court_leping")
    application_id = handled_case(world)
    ask(world, application_id)
    (task,) = tasks(world, world.court_staff, "queue", application_id, "answer_feedback")
    for user in (other_officer, world.procuratorate_staff):
        assert complete(world, user, task["id"], assessment="satisfied").status_code == 404
        assert world.api(user).post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 404
        assert Client().get(f"/tasks/{task['id']}/").status_code in (302, 404)
    with pytest.raises(Forbidden):
        hearings.feedback_answer(
            acting_user=other_officer, feedback=FeedbackRequest.objects.get(), assessment="satisfied"
        )
    assert FeedbackRequest.objects.get().status == "open"


def test_a_procuratorate_is_asked_too_and_the_case_may_be_closed(world):
    application_id = handled_case(world)
    close(world, application_id)
    asked = ask(world, application_id, agency=world.procuratorate)
    assert asked.status_code == 201, asked.content
    (task,) = tasks(world, world.procuratorate_staff, "queue", application_id, "answer_feedback")
    assert (
        complete(world, world.procuratorate_staff, task["id"], assessment="basically_satisfied").status_code
        == 200
    )


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"question": ""}, "question"),
        ({"due_on": "2000-01-01"}, "due_on"),
        ({"due_on": "2999-01-01"}, "due_on"),
    ],
)
def test_bad_requests_are_400_and_save_nothing(world, extra, field):
    application_id = handled_case(world)
    response = ask(world, application_id, **extra)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not FeedbackRequest.objects.exists()


def test_a_notary_office_is_no_agency_to_ask(world):
    application_id = handled_case(world)
    response = ask(world, application_id, agency=world.notary_city)
    assert response.status_code == 400 and "agency_id" in response.json()["errors"]


def test_a_second_question_while_the_first_is_open_is_409(world):
    application_id = handled_case(world)
    assert ask(world, application_id).status_code == 201
    assert ask(world, application_id).status_code == 409
    assert FeedbackRequest.objects.count() == 1
    assert ask(world, application_id, agency=world.procuratorate).status_code == 201


def test_only_the_centers_deciders_ask(world):
    application_id = handled_case(world)
    assert ask(world, application_id, user=world.lawyers[0][0]).status_code == 403
    assert ask(world, application_id, user=world.other_reviewer).status_code == 404
    assert ask(world, application_id, user=world.court_staff).status_code == 404
    assert not FeedbackRequest.objects.exists()
