"""A flow defined only in the tests (tests/flowkit) runs through the API's list, claim and complete.

It has its own module, task spec and template, and nothing in the generic task layer names it. Its
human node is called ``review``, like the application flow's: tasks are told apart by node.
"""

import datetime

import pytest
from django.test import Client
from viewflow.workflow.models import Process, Task

from aid_cases.models import Application
from tests.flowkit.flows import PeerCheckFlow

from .test_aid_flow_api import complete, file, queue

pytestmark = pytest.mark.django_db

TITLE = "Peer check of the decision"


def _start(actors) -> tuple[Application, dict]:
    filed = file(actors)
    application = Application.objects.get(pk=filed["id"])
    PeerCheckFlow.start.run(application=application)
    rows = [r for r in queue(actors, actors.reviewer) if r["application_id"] == application.pk]
    return application, rows


def test_the_test_flow_lists_claims_and_completes_through_the_api(actors):
    application, rows = _start(actors)
    # two tasks named "review" on one application: the application's own and the peer check
    assert [r["name"] for r in rows] == ["review", "review"]
    assert sorted(r["title"] for r in rows) == sorted([TITLE, "审查申请"])  # the application's, in Chinese
    peer = next(r for r in rows if r["title"] == TITLE)
    assert peer["due"] == (application.received_on + datetime.timedelta(days=30)).isoformat()
    assert peer["owner"] is None and peer["status"] == "new"

    # who may claim is what the node's Permission stamped: the center's reviewers, nobody else
    assert actors.api(actors.other_reviewer).post(f"/api/v1/tasks/{peer['id']}/claim/").status_code == 404
    assert actors.api(actors.applicant).post(f"/api/v1/tasks/{peer['id']}/claim/").status_code == 404
    claimed = actors.api(actors.reviewer).post(f"/api/v1/tasks/{peer['id']}/claim/")
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["owner"] == "reviewer_zhushan" and claimed.json()["title"] == TITLE
    assert Application.objects.get(pk=application.pk).status == "submitted"  # no review was started
    inbox = actors.api(actors.reviewer).get("/api/v1/tasks/", {"scope": "inbox", "name": "review"}).json()
    assert [r["id"] for r in inbox["results"]] == [peer["id"]]

    # the spec's form parses, its handler decides: a disagreement needs a note
    refused = complete(actors, actors.reviewer, peer["id"], agree=False)
    assert refused.status_code == 400 and "note" in refused.json()["errors"], refused.content
    assert complete(actors, actors.reviewer, peer["id"], agree="perhaps").status_code == 400
    done = complete(actors, actors.reviewer, peer["id"], agree=True, note="同意")
    assert done.status_code == 200 and done.json() == {"next": []}
    process = Process.objects.get(pk=Task.objects.get(pk=peer["id"]).process_id)
    assert process.data == {"agree": True, "note": "同意", "by": "reviewer_zhushan"}
    assert process.finished is not None
    assert complete(actors, actors.reviewer, peer["id"], agree=True).status_code == 409

    # the application's own review is untouched and still waits in the queue
    left = [r for r in queue(actors, actors.reviewer) if r["application_id"] == application.pk]
    assert [(r["name"], r["title"]) for r in left] == [("review", "审查申请")]


def test_the_test_flow_has_its_own_task_page(actors):
    application, rows = _start(actors)
    peer = next(r for r in rows if r["title"] == TITLE)
    client = Client()
    client.force_login(actors.reviewer)
    page = client.get(f"/tasks/{peer['id']}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Check the decision on {application.tracking_no} made by a colleague." in html
    assert 'name="agree"' in html
    other = Client()
    other.force_login(actors.other_reviewer)
    assert other.get(f"/tasks/{peer['id']}/").status_code == 404
