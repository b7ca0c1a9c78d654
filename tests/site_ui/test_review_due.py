"""The decision's due date shows while the review is open, and nowhere once it is decided."""

import pytest
from django.test import Client

from aid_cases.models import Application
from tests.workflows.test_aid_flow_api import complete, file, review_task

pytestmark = pytest.mark.django_db


def test_the_due_date_leaves_every_page_once_decided(actors):
    filed = file(actors)
    application = Application.objects.get(pk=filed["id"])
    due = application.decision_due.strftime("%Y年%-m月%-d日")
    page = Client()
    page.force_login(actors.applicant)

    def shown() -> tuple:
        detail = actors.api(actors.applicant).get(f"/api/v1/applications/{filed['id']}/").json()
        listed = actors.api(actors.applicant).get("/api/v1/applications/").json()["results"][0]
        return (
            detail["due"],
            listed["due"],
            due in page.get(f"/applications/{filed['id']}/").content.decode(),
            due in page.get("/my/applications/").content.decode(),
        )

    assert shown() == (filed["decision_due"], filed["decision_due"], True, True)
    refused = complete(
        actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="refuse", reason="不符合"
    )
    assert refused.status_code == 200
    assert shown() == (None, None, False, False)
