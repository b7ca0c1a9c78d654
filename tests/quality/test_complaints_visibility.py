"""Who sees a complaint (docs/domain.md, who sees what; issue 12's permission matrix): the complainant
their own, the handling staff theirs, the bureau its region's, the provider complained about without
who complained, nobody else (404)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from viewflow.workflow.models import Task

from directory.choices import OrganisationKind, Role
from quality.models import Complaint, ComplaintRule
from tests.factories import OrganisationFactory, region

from .test_complaints_api import accept, decide, file_complaint, handled_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(handling_world, make_member):
    """A recipient's complaint about their lawyer, decided founded with a reply letter; and the people
    around it."""
    world = handling_world
    world.case_id = handled_case(world)
    world.complaint_id = file_complaint(world, application_id=world.case_id).json()["id"]
    assert accept(world, world.complaint_id).status_code == 200
    assert decide(world, world.complaint_id, outcome="founded", reply="已责令律师改正。").status_code == 200
    leping_center = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="乐平中心二", region=region("leping")
    )
    world.other_director = make_member(Role.DIRECTOR, leping_center, username="director_leping")
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    world.city_bureau_officer = make_member(Role.BUREAU_OFFICER, city_bureau, username="bureau_city")
    leping_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="乐平市司法局", region=region("leping")
    )
    world.leping_bureau_officer = make_member(Role.BUREAU_OFFICER, leping_bureau, username="bureau_leping")
    return world


def _get(world, user, path=""):
    return world.api(user).get(f"/api/v1/complaints/{world.complaint_id}/{path}")


def _listed(world, user) -> list[int]:
    response = world.api(user).get("/api/v1/complaints/")
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_the_permission_matrix(decided):
    world = decided
    lawyer_user = world.lawyers[0][0]
    full = [world.applicant, world.director, world.reviewer, world.bureau_officer, world.city_bureau_officer]
    for user in full:
        response = _get(world, user)
        assert response.status_code == 200, user.username
        body = response.json()
        assert body["complainant"]["name"] == Complaint.objects.get(pk=world.complaint_id).complainant_name
        assert body["reply"] == "已责令律师改正。" and body["reply_letter"] is not None, user.username
        assert _get(world, user, "reply-letter/").status_code == 200, user.username
        assert world.complaint_id in _listed(world, user), user.username
    # the provider complained about: what is said, not who said it, nor the reply addressed to them
    response = _get(world, lawyer_user)
    assert response.status_code == 200
    body = response.json()
    assert body["complainant"] is None and body["reply"] is None and body["reply_letter"] is None
    assert body["facts"] and body["outcome"] == "founded" and body["provider"]["id"] == world.lawyers[0][1].pk
    assert "吕春花" not in response.content.decode()
    assert _get(world, lawyer_user, "reply-letter/").status_code == 404
    assert world.complaint_id in _listed(world, lawyer_user)
    # nobody else: another citizen, another lawyer (even of the same firm), another center's director,
    # another region's bureau, the center's clerk who did not record it
    outsiders = [
        world.other_applicant,
        world.lawyers[1][0],
        world.other_director,
        world.other_reviewer,
        world.leping_bureau_officer,
        world.clerk,
    ]
    for user in outsiders:
        for path in ("", "reply-letter/"):
            assert _get(world, user, path).status_code == 404, (user.username, path)
        assert world.complaint_id not in _listed(world, user), user.username
        posted = world.api(user).post(
            f"/api/v1/complaints/{world.complaint_id}/supplement/", {"information": "x"}, format="json"
        )
        assert posted.status_code == 404, user.username


def test_the_list_filters_by_case(decided):
    world = decided
    other_case = handled_case(world, lawyer=1)
    other = file_complaint(world, application_id=other_case, ground="delay").json()["id"]
    rows = world.api(world.director).get("/api/v1/complaints/", {"application_id": world.case_id}).json()
    assert [r["id"] for r in rows["results"]] == [world.complaint_id] and rows["count"] == 1
    assert other in _listed(world, world.director)
    assert world.api(world.director).get("/api/v1/complaints/", {"application_id": "x"}).status_code == 400


def test_the_rule_may_reveal_the_complainant_to_the_provider(decided):
    world = decided
    complaint = Complaint.objects.get(pk=world.complaint_id)
    ComplaintRule.objects.create(
        region=region("zhushan"),
        valid_from=complaint.received_on - datetime.timedelta(days=1),
        reveal_complainant=True,
    )
    body = _get(world, world.lawyers[0][0]).json()
    assert body["complainant"]["name"] == complaint.complainant_name
    assert _get(world, world.lawyers[0][0], "reply-letter/").status_code == 200


def test_the_tasks_and_the_process_follow_the_complaint(handling_world):
    world = handling_world
    complaint_id = file_complaint(world, application_id=handled_case(world)).json()["id"]
    task = Task.objects.get(process__artifact_object_id=complaint_id, flow_task__isnull=False, status="NEW")
    User = get_user_model()
    fresh = lambda user: User.objects.get(pk=user.pk)  # noqa: E731  (as a request loads them)
    node = task.flow_task
    assert node.name == "accept_complaint"
    assert node.can_assign(fresh(world.director), task) is True
    for outsider in (world.reviewer, world.clerk, world.other_reviewer, world.lawyers[0][0], world.applicant):
        assert node.can_assign(fresh(outsider), task) is False, outsider.username
    assert node.can_view(fresh(world.reviewer), task) is True
    assert node.can_view(fresh(world.lawyers[0][0]), task) is True  # sees the complaint, not who made it
    assert node.can_view(fresh(world.other_reviewer), task) is False
    assert node.can_view(fresh(world.other_applicant), task) is False
    # the task page: the director takes it; the lawyer and other centers get 404
    from django.test import Client

    for user, code in ((world.director, 200), (world.lawyers[0][0], 404), (world.other_reviewer, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(f"/tasks/{task.pk}/").status_code == code, user.username


def test_the_reply_letter_goes_to_whom_sees_who_complained(decided):
    """``complaint_letter_visible``: the check a generic document download asks for a complaint's letter."""
    from quality.selectors.complaints import complaint_letter_visible

    world = decided
    letter = Complaint.objects.get(pk=world.complaint_id).reply_letter
    assert letter is not None and letter.subject_type == "quality.complaint"
    for user in (world.applicant, world.director, world.bureau_officer):
        assert complaint_letter_visible(user, letter) is True, user.username
    for user in (world.lawyers[0][0], world.lawyers[1][0], world.other_applicant, world.other_director):
        assert complaint_letter_visible(user, letter) is False, user.username
