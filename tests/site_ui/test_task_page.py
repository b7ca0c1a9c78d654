"""The reviewer's pages: queue rows that say whose case it is, and a task page with the case, its
materials (openable by those who may see the case, 404 for anyone else) and the decision beside them."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aid_cases.models import ApplicationDocument
from tests.site_ui.test_application_pages import FORM, client_for, first_task_id

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def file_with_material(actors, name="吕春花"):
    response = client_for(actors.applicant).post(
        "/apply/",
        {
            **FORM,
            "applicant_name": name,
            "files": [SimpleUploadedFile("收入证明.pdf", PDF, "application/pdf")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ApplicationDocument.objects.select_related("application").latest("pk")


def test_queue_rows_show_the_applicant_the_matter_and_the_dates(actors):
    application = file_with_material(actors).application
    page = client_for(actors.reviewer).get("/tasks/").content.decode()
    queue = page[page.index('id="tasks-queue"') :]
    row = re.search(r"<tr class=\"[^\"]*\">.*?</tr>", queue, re.S).group(0)
    assert application.tracking_no in row and "吕春花" in row and "追索劳动报酬" in row
    received = application.received_on
    assert f"{received.year}年{received.month}月{received.day}日" in row  # the intake date
    due = application.decision_due
    assert f"{due.year}年{due.month}月{due.day}日" in row  # the due date


def test_the_task_page_shows_the_case_and_its_materials_before_the_decision(actors):
    material = file_with_material(actors)
    reviewer = client_for(actors.reviewer)
    task_id = first_task_id(reviewer.get("/tasks/").content.decode())
    html = reviewer.get(f"/tasks/{task_id}/").content.decode()
    link = f"/applications/{material.application_id}/materials/{material.pk}/"
    assert f'href="{link}"' in html and "收入证明.pdf" in html
    # the case (summary, means test, materials) comes first; the decision after it, beside it on a wide screen
    assert "site-task--with-case" in html
    case, decision = html.index('id="task-case"'), html.index('id="task-decision"')
    assert (
        case
        < html.index('id="means-h"')
        < html.index('id="materials-h"')
        < decision
        < html.index('id="task-h"')
    )
    opened = reviewer.get(link)
    assert opened.status_code == 200
    assert opened["Content-Type"] == "application/pdf"
    assert b"".join(opened.streaming_content) == PDF
    assert opened["Content-Disposition"].startswith("inline")  # opened in the browser, not only saved
    assert opened["Cache-Control"] == "private, no-store"


def test_the_applicant_opens_their_own_material_from_their_application_page(actors):
    material = file_with_material(actors)
    applicant = client_for(actors.applicant)
    page = applicant.get(f"/applications/{material.application_id}/").content.decode()
    link = f"/applications/{material.application_id}/materials/{material.pk}/"
    assert f'href="{link}"' in page
    assert applicant.get(link).status_code == 200


@pytest.mark.parametrize("who", ["other_reviewer", "other_applicant"])
def test_anyone_who_may_not_see_the_case_gets_404(actors, who):
    material = file_with_material(actors)
    response = client_for(getattr(actors, who)).get(
        f"/applications/{material.application_id}/materials/{material.pk}/"
    )
    assert response.status_code == 404


def test_a_material_of_another_application_is_not_found_under_this_one(actors):
    first = file_with_material(actors)
    second = file_with_material(actors, name="王小明")
    reviewer = client_for(actors.reviewer)
    assert reviewer.get(f"/applications/{first.application_id}/materials/{second.pk}/").status_code == 404
    assert reviewer.get(f"/applications/{first.application_id}/materials/999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(actors):
    material = file_with_material(actors)
    response = Client().get(f"/applications/{material.application_id}/materials/{material.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_task_page_without_materials_says_so(actors):
    response = client_for(actors.applicant).post("/apply/", FORM)
    assert response.status_code == 302
    reviewer = client_for(actors.reviewer)
    html = reviewer.get(f"/tasks/{first_task_id(reviewer.get('/tasks/').content.decode())}/").content.decode()
    assert "尚未上传材料" in html


def _statements(user) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/tasks/").status_code == 200
    return len(captured)


def test_the_queue_reads_the_same_number_of_statements_for_one_row_and_many(actors):
    file_with_material(actors)
    client_for(actors.reviewer).get("/tasks/")  # warm caches (content types, reference data)
    one = _statements(actors.reviewer)
    for n in range(4):
        file_with_material(actors, name=f"申请人{n}")
    assert _statements(actors.reviewer) == one
