"""No raw action code reaches a person: the application page, the task page and /track/ show labels."""

import re

import pytest
from django.test import Client

from aid_cases.models import Application
from directory.audit import AuditAction
from tests.workflows.test_aid_flow_api import file, review_task

pytestmark = pytest.mark.django_db

CODES = re.compile("|".join(re.escape(action.value) for action in AuditAction))


def test_pages_show_labels_never_codes(actors):
    filed = file(actors)
    task = review_task(actors, filed["id"])
    assert actors.api(actors.reviewer).post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 200
    application = Application.objects.get(pk=filed["id"])

    applicant, reviewer = Client(), Client()
    applicant.force_login(actors.applicant)
    reviewer.force_login(actors.reviewer)
    pages = {
        "application page": applicant.get(f"/applications/{application.pk}/"),
        "task page": reviewer.get(f"/tasks/{task['id']}/"),
        "progress query": Client().get(
            "/track/",
            {"tracking_no": application.tracking_no, "id_tail": application.applicant.id_number[-4:]},
        ),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        html = page.content.decode()
        assert "提交申请" in html and "开始审查" in html, name  # application_submit, review_claim
        assert not CODES.search(html), (name, CODES.search(html).group())
    timeline = actors.api(actors.applicant).get(f"/api/v1/applications/{application.pk}/").json()["timeline"]
    assert [entry["label"] for entry in timeline] == ["提交申请", "开始审查"]
    assert all(entry["label"] != entry["event"] for entry in timeline)
