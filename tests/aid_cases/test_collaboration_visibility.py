"""Who sees a collaboration letter (issue 13's permission matrix): the staff of the requesting center and of
the receiving center see the letter, its PDF and its page; a third center, the case's provider, the
applicant and the bureau get 404; the receiving center still gets 404 on the requesting case itself. The
lists cost the same queries for 1 letter and for many."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from aid_cases.models import Application, CollaborationLetter
from directory.models import AuditEvent
from tests.quality.test_complaints_api import handled_case
from tests.world import complete, tasks

from .test_collaboration_api import add_changjiang, changjiang_case, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(handling_world, make_member):
    """A case handled by a lawyer of the firm, and a letter about it from 珠山 to 昌江."""
    world = add_changjiang(handling_world, make_member)
    world.case_id = handled_case(world)
    response = send(world, world.case_id)
    assert response.status_code == 201, response.content
    world.letter_id = response.json()["id"]
    return world


def _site(user) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user.pk))
    return client


def _listed(world, user) -> list[int]:
    response = world.api(user).get("/api/v1/collaboration-letters/")
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_the_permission_matrix(world):
    api_paths = [
        f"/api/v1/collaboration-letters/{world.letter_id}/",
        f"/api/v1/collaboration-letters/{world.letter_id}/letter/",
    ]
    site_paths = [f"/collaboration/{world.letter_id}/", f"/collaboration/{world.letter_id}/letter.pdf"]
    requesting = [world.reviewer, world.reviewer2, world.director, world.clerk]
    receiving = [world.cj_reviewer, world.cj_director, world.cj_clerk]
    for user in requesting + receiving:
        for path in api_paths:
            assert world.api(user).get(path).status_code == 200, (user.username, path)
        for path in site_paths:
            assert _site(user).get(path).status_code == 200, (user.username, path)
        assert world.letter_id in _listed(world, user), user.username
    outsiders = [
        world.other_reviewer,  # a third center
        world.lawyers[0][0],  # the case's own provider
        world.applicant,
        world.other_applicant,
        world.bureau_officer,
    ]
    for user in outsiders:
        for path in api_paths:
            assert world.api(user).get(path).status_code == 404, (user.username, path)
        for path in site_paths:
            assert _site(user).get(path).status_code == 404, (user.username, path)
        assert world.letter_id not in _listed(world, user), user.username
        posted = world.api(user).post(
            f"/api/v1/collaboration-letters/{world.letter_id}/answer/",
            {"done": True, "result": "x"},
            format="json",
        )
        assert posted.status_code == 404, user.username
    # the receiving center sees the letter, never the requesting case
    for user in receiving:
        assert world.api(user).get(f"/api/v1/applications/{world.case_id}/").status_code == 404, user.username
        assert _site(user).get(f"/applications/{world.case_id}/").status_code == 404, user.username
        assert world.case_id not in [
            row["id"] for row in world.api(user).get("/api/v1/applications/").json()["results"]
        ], user.username
    # the requesting center opens its case from the letter's page; the receiving center has no link
    assert (
        f'href="/applications/{world.case_id}/"' in _site(world.reviewer).get(site_paths[0]).content.decode()
    )
    assert (
        f'href="/applications/{world.case_id}/"'
        not in _site(world.cj_reviewer).get(site_paths[0]).content.decode()
    )
    assert world.api(None).get(api_paths[0]).status_code == 401


def test_the_task_page_shows_the_letter_and_not_the_case(world):
    application = Application.objects.select_related("applicant").get(pk=world.case_id)
    (task,) = tasks(world, world.cj_reviewer, "queue", world.case_id, "answer_collaboration")
    page = _site(world.cj_reviewer).get(f"/tasks/{task['id']}/")
    assert page.status_code == 200
    html = page.content.decode()
    letter = CollaborationLetter.objects.get(pk=world.letter_id)
    due = f"{letter.due.year}年{letter.due.month}月{letter.due.day}日"
    for shown in (letter.number, application.tracking_no, "珠山区法律援助中心", letter.details, due):
        assert shown in html, shown
    assert f"/collaboration/{letter.pk}/letter.pdf" in html  # the letter's PDF from the task page
    assert 'id="task-case"' not in html  # no case block
    for hidden in (application.applicant.name, application.applicant.id_number, application.applicant.phone):
        assert hidden not in html, hidden
    # other centers, the requesting center and the case's provider cannot open the task
    for user in (world.other_reviewer, world.reviewer, world.lawyers[0][0], world.applicant):
        assert _site(user).get(f"/tasks/{task['id']}/").status_code == 404, user.username
        assert complete(world, user, task["id"], done=True, result="x").status_code == 404, user.username
    # the receiving center's clerk sees the letter but does not answer it
    assert _site(world.cj_clerk).get(f"/tasks/{task['id']}/").status_code == 404
    assert tasks(world, world.cj_clerk, "queue", world.case_id, "answer_collaboration") == []


def test_viewflow_sees_the_process_as_the_letter_is_seen(world):
    letter_type = ContentType.objects.get_for_model(CollaborationLetter)
    task = Task.objects.get(
        process__artifact_content_type=letter_type, process__artifact_object_id=world.letter_id, status="NEW"
    )
    User = get_user_model()
    fresh = lambda user: User.objects.get(pk=user.pk)  # noqa: E731  (as a request loads them)
    node = task.flow_task
    assert node.name == "answer_collaboration"
    for user in (world.cj_reviewer, world.cj_director):
        assert node.can_assign(fresh(user), task) is True, user.username
    for user in (world.cj_clerk, world.reviewer, world.director, world.other_reviewer, world.lawyers[0][0]):
        assert node.can_assign(fresh(user), task) is False, user.username
    for user in (world.cj_reviewer, world.cj_clerk, world.reviewer, world.clerk):
        assert node.can_view(fresh(user), task) is True, user.username
    for user in (world.other_reviewer, world.lawyers[0][0], world.applicant, world.bureau_officer):
        assert node.can_view(fresh(user), task) is False, user.username


def test_the_letters_history_is_its_own(world):
    (task,) = tasks(world, world.cj_reviewer, "queue", world.case_id, "answer_collaboration")
    assert complete(world, world.cj_reviewer, task["id"], done=True, result="已完成调查。").status_code == 200
    html = _site(world.cj_reviewer).get(f"/collaboration/{world.letter_id}/").content.decode()
    assert 'id="letter-history"' in html and "已完成调查。" in html
    # the letter's history holds its two rows, none of the case's other events
    from aid_cases.collaboration_selectors import letter_history

    events = [e["event"] for e in letter_history(CollaborationLetter.objects.get(pk=world.letter_id))]
    assert events == ["collaboration_send", "collaboration_done"]
    assert (
        AuditEvent.objects.filter(object_id=str(world.case_id), object_type="aid_cases.application").count()
        > 2
    )


# --- query counts --------------------------------------------------------------------------------------


def _count(call) -> tuple[int, list[str]]:
    call()  # warm: content types and the like, as on a running server
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _calls(user):
    fresh = get_user_model().objects.get(pk=user.pk)
    api = APIClient()
    api.force_authenticate(fresh)
    site = Client()
    site.force_login(fresh)
    return {
        "api": lambda: api.get("/api/v1/collaboration-letters/"),
        "site": lambda: site.get("/collaboration/"),
    }


def test_the_lists_do_not_grow_with_the_letters(world):
    viewers = {"requesting": world.reviewer, "receiving": world.cj_reviewer}
    one = {(who, what): _count(call) for who, user in viewers.items() for what, call in _calls(user).items()}
    for n in range(2, 8):
        assert send(world, world.case_id, details=f"第{n}项协助").status_code == 201
    # and letters the other way, one answered, one to a center outside the city
    cj_case = changjiang_case(world)
    for n in range(3):
        response = world.api(world.cj_reviewer).post(
            "/api/v1/collaboration-letters/",
            {
                "application_id": cj_case.pk,
                "to_center_id": world.center.pk,
                "request": "visit",
                "details": f"走访{n}",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
    send(world, world.case_id, to_center_id=None, to_outside_name="南昌市法律援助中心")
    (task,) = tasks(world, world.reviewer, "queue", cj_case.pk, "answer_collaboration")[:1]
    assert complete(world, world.reviewer, task["id"], done=True, result="已走访。").status_code == 200
    many = {(who, what): _count(call) for who, user in viewers.items() for what, call in _calls(user).items()}
    for key in one:
        assert one[key][0] == many[key][0], (key, one[key][1], many[key][1])
    assert len(_listed(world, world.reviewer)) == 11
