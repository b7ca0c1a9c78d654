"""The one-time supplement on a phone: the task page lists the items and takes the files."""

import pytest
from playwright.sync_api import expect

from aid_cases.models import Application, ApplicationDocument
from tests.world import PDF_BYTES, application_payload

from .test_application_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supplement_with_upload_on_a_phone(live_server, browser, actors, tmp_path):
    filed = actors.api(actors.applicant).post("/api/v1/applications/", application_payload(), format="json")
    assert filed.status_code == 201
    application_id = filed.json()["id"]
    review = next(
        t
        for t in actors.api(actors.reviewer).get("/api/v1/tasks/", {"scope": "queue"}).json()["results"]
        if t["application_id"] == application_id
    )
    asked = actors.api(actors.reviewer).post(
        f"/api/v1/tasks/{review['id']}/complete/",
        {"outcome": "request_supplement", "missing_items": ["近三个月收入证明", "户口簿复印件"]},
        format="json",
    )
    assert asked.status_code == 200
    task_id = (
        actors.api(actors.applicant).get("/api/v1/tasks/", {"scope": "inbox"}).json()["results"][0]["id"]
    )

    page = login(browser, live_server, "applicant_01")
    page.goto(f"{live_server.url}/tasks/{task_id}/")
    main = page.locator("main")
    expect(main).to_contain_text("近三个月收入证明")
    expect(main).to_contain_text("户口簿复印件")

    # a note alone is not a supplement: the page says what is missing and nothing changes
    page.get_by_label("致审查人员的说明").fill("材料见附件")
    page.get_by_role("button", name="提交").click()
    expect(main).to_contain_text("请至少上传一份所缺材料")
    assert Application.objects.get(pk=application_id).status == "supplement_requested"

    # with the files, in the same form
    income = tmp_path / "收入证明.pdf"
    income.write_bytes(PDF_BYTES)
    household = tmp_path / "户口簿.pdf"
    household.write_bytes(PDF_BYTES)
    page.locator("input[type=file]").set_input_files([str(income), str(household)])
    page.get_by_label("致审查人员的说明").fill("材料见附件")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(f"{live_server.url}/tasks/")
    assert Application.objects.get(pk=application_id).status == "under_review"
    assert sorted(ApplicationDocument.objects.values_list("original_name", flat=True)) == [
        "户口簿.pdf",
        "收入证明.pdf",
    ]
