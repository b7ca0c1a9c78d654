"""Permission matrix for tasks: role × task → visible (may act) or 404 (docs/domain.md, who does what)."""

import pytest

from directory.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, UserFactory, region

from .test_aid_flow_api import complete, file, queue, review_task

pytestmark = pytest.mark.django_db

ROLES = [
    "applicant",
    "other_applicant",
    "clerk",
    "reviewer",
    "director",
    "other_reviewer",
    "bureau_officer",
    "lawyer",
    "firm_admin",
    "notary_staff",
    "police",
    "admin",
]
# who may see (claim or act on) each kind of task
SEES = {
    "review": {"reviewer", "director"},
    "supplement": {"applicant"},
    "decide_objection": {"bureau_officer"},
}


@pytest.fixture
def people(actors, make_member):
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="瓷都律师事务所", region=region("zhushan")
    )
    notary = OrganisationFactory(kind=OrganisationKind.NOTARY, name="景德镇市公证处", region=region("jdz"))
    police = OrganisationFactory(kind=OrganisationKind.POLICE, name="珠山分局", region=region("zhushan"))
    return {
        "applicant": actors.applicant,
        "other_applicant": actors.other_applicant,
        "clerk": actors.clerk,
        "reviewer": actors.reviewer,
        "director": actors.director,
        "other_reviewer": actors.other_reviewer,
        "bureau_officer": actors.bureau_officer,
        "lawyer": make_member(Role.PROVIDER, firm),
        "firm_admin": make_member(Role.FIRM_ADMIN, firm),
        "notary_staff": make_member(Role.INSTITUTION_STAFF, notary),
        "police": make_member(Role.AGENCY_OFFICER, police),
        "admin": UserFactory(username="root", is_superuser=True, is_staff=True),
    }


def _tasks(actors):
    review = file(actors)
    review_id = review_task(actors, review["id"])["id"]
    supplemented = file(actors)
    complete(
        actors,
        actors.reviewer,
        review_task(actors, supplemented["id"])["id"],
        outcome="request_supplement",
        missing_items=["收入证明"],
    )
    supplement_id = (
        actors.api(actors.applicant).get("/api/v1/tasks/", {"scope": "inbox"}).json()["results"][0]["id"]
    )
    refused = file(actors)
    complete(
        actors, actors.reviewer, review_task(actors, refused["id"])["id"], outcome="refuse", reason="不符合"
    )
    actors.api(actors.applicant).post(
        f"/api/v1/applications/{refused['id']}/objection/", {"reason": "不服"}, format="json"
    )
    objection_id = queue(actors, actors.bureau_officer)[0]["id"]
    return {"review": review_id, "supplement": supplement_id, "decide_objection": objection_id}


@pytest.mark.parametrize("who", ROLES)
def test_task_matrix(actors, people, who):
    task_ids = _tasks(actors)
    api = actors.api(people[who])
    listed = {
        row["id"]
        for scope in ("inbox", "queue")
        for row in api.get("/api/v1/tasks/", {"scope": scope}).json()["results"]
    }
    for name, task_id in task_ids.items():
        # claiming: 200, or 409 for a task already in its owner's inbox, when visible; else 404
        claim = api.post(f"/api/v1/tasks/{task_id}/claim/")
        if who in SEES[name]:
            assert claim.status_code in (200, 409), (who, name, claim.content)
            assert task_id in listed
        else:
            assert claim.status_code == 404, (who, name)
            assert task_id not in listed
            assert api.post(f"/api/v1/tasks/{task_id}/complete/", {}, format="json").status_code == 404


def test_anonymous_gets_401(actors):
    assert actors.api(None).get("/api/v1/tasks/").status_code == 401
    assert actors.api(None).post("/api/v1/tasks/1/claim/").status_code == 401


def test_task_lists_cost_the_same_queries_for_1_and_many(actors, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    file(actors)
    api = actors.api(actors.reviewer)
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/tasks/", {"scope": "queue"})
    for _ in range(15):
        file(actors)
    with CaptureQueriesContext(connection) as many:
        response = api.get("/api/v1/tasks/", {"scope": "queue"})
    assert response.json()["count"] == 16
    assert len(many.captured_queries) == len(one.captured_queries)


def test_viewflow_process_permissions_follow_case_visibility(actors, people):
    """A global permission never shows another center's process (docs/architecture.md, viewflow)."""
    from django.contrib.auth.models import Permission
    from viewflow.workflow.models import Process

    from workflows.flows import AidApplicationFlow

    filed = file(actors)
    process = Process.objects.get(artifact_object_id=filed["id"]).coerced
    flow_instance = AidApplicationFlow.instance
    # give the other center's reviewer every global permission on processes
    people["other_reviewer"].user_permissions.add(
        *Permission.objects.filter(content_type__app_label="workflow")
    )
    for who in ROLES:
        user = type(people[who]).objects.get(pk=people[who].pk)
        expected = who in {"applicant", "reviewer", "director", "clerk", "admin"}
        assert flow_instance.has_view_permission(user, process) is expected, who
        assert flow_instance.has_view_permission(user) is (who == "admin"), who
        assert flow_instance.has_manage_permission(user, process) is (who == "admin"), who


def test_viewflow_task_links_lead_to_the_site_task_page(actors, rf):
    from workflows.views import task_page

    response = task_page(rf.get("/"), process_pk=1, task_pk=42)
    assert response.status_code == 302 and response["Location"] == "/tasks/42/"
