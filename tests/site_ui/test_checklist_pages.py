"""The materials checklist on the pages: the application form's panel, the receipt (受理回执), the
applicant's page while the review is open, and the reviewer's ticks for the one-time supplement notice."""

import io
import re

import pytest
from pypdf import PdfReader

from aid_cases.models import Application, SupplementRequest
from documents.models import IssuedDocument
from documents.services import document_pdf
from tests.aid_cases.test_checklist import seed_demo_checklist
from tests.site_ui.test_application_pages import FORM, client_for, file_via_form, first_task_id

pytestmark = pytest.mark.django_db

IDENTITY = "申请人的居民身份证或者户口簿等有效身份证明"
EMPLOYMENT = "劳动关系或者务工证明（劳动合同、工资记录、工作证、考勤记录等）"
WAGES = "欠薪证据（工资欠条、工资条、银行流水、劳动监察或者仲裁文书等）"
PLEDGE = "经济困难状况个人诚信承诺（在申请表中如实说明并作出承诺）"
MEANS = "家庭收入或者经济困难的证明（工资收入证明、低收入家庭证明等，已有的可一并提交）"
# a low-income applicant's maintenance claim: means-tested
LOW_INCOME = {
    "categories": ["low_income"],
    "matter_type": "maintenance",
    "matter_summary": "子女拒付赡养费",
    "household_size": "2",
    "monthly_income": "1800.00",
}


@pytest.fixture
def world(actors):
    seed_demo_checklist()
    return actors


def receipt_text(application: Application) -> str:
    document = IssuedDocument.objects.get(subject_id=str(application.pk), kind="receipt")
    with document_pdf(document=document).open("rb") as pdf:
        pages = PdfReader(io.BytesIO(pdf.read())).pages
    # wrapped lines break words apart: compare without the line breaks
    return "".join(page.extract_text() for page in pages).replace("\n", "")


def test_the_form_has_the_panel_its_script_keeps_current(world):
    html = client_for(world.applicant).get("/apply/").content.decode()
    panel = re.search(r'<section[^>]*id="materials-checklist"[^>]*>', html).group(0)
    assert 'data-url="/api/v1/materials-checklist/"' in panel and 'aria-live="polite"' in panel
    assert "site_ui/checklist.js" in html
    # inside the form, before the submit button
    assert html.index('id="apply-form"') < html.index('id="materials-checklist"') < html.index("site-submit")


def test_without_the_script_a_failed_submit_shows_the_list_of_the_answers(world):
    response = client_for(world.applicant).post("/apply/", {**FORM, "applicant_name": ""})
    assert response.status_code == 400
    html = response.content.decode()
    panel = html[html.index('id="materials-checklist"') : html.index("site-submit")]
    # the migrant worker's wage claim: exempt from the means test, so no pledge or proof of income
    assert IDENTITY in panel and EMPLOYMENT in panel and WAGES in panel
    assert PLEDGE not in panel and MEANS not in panel
    low_income = client_for(world.applicant).post("/apply/", {**FORM, **LOW_INCOME, "applicant_name": ""})
    assert PLEDGE in low_income.content.decode() and MEANS in low_income.content.decode()


def test_the_receipt_lists_the_materials_to_bring(world):
    application = file_via_form(world)
    assert application.means_result == "exempt"
    text = receipt_text(application)
    assert "请携带或上传以下材料：" in text
    assert f"1. {IDENTITY}" in text and f"2. {EMPLOYMENT}" in text and f"3. {WAGES}" in text
    assert PLEDGE not in text


def test_the_receipt_of_a_means_tested_case_asks_for_the_pledge_and_proof_of_income_if_any(world):
    application = file_via_form(world, **LOW_INCOME)
    assert application.means_result == "eligible"
    text = receipt_text(application)
    assert PLEDGE in text and f"{MEANS}（如有）" in text


def test_the_applicants_page_shows_what_to_bring_while_the_review_is_open(world):
    application = file_via_form(world)
    html = client_for(world.applicant).get(f"/applications/{application.pk}/").content.decode()
    panel = html[html.index('id="materials-checklist"') :]
    assert EMPLOYMENT in panel and "data-url" not in panel[: panel.index(">")]
    Application.objects.filter(pk=application.pk).update(status="approved")
    decided = client_for(world.applicant).get(f"/applications/{application.pk}/").content.decode()
    assert 'id="materials-checklist"' not in decided


def test_the_review_offers_the_cases_items_as_ticks_for_the_supplement_notice(world):
    application = file_via_form(world, **LOW_INCOME)
    reviewer = client_for(world.reviewer)
    task_id = first_task_id(reviewer.get("/tasks/").content.decode())
    html = reviewer.get(f"/tasks/{task_id}/").content.decode()
    ticks = html[
        html.index('id="review-checklist"') : html.index("</fieldset>", html.index('id="review-checklist"'))
    ]
    for label in (IDENTITY, PLEDGE, MEANS):
        assert f'<input type="checkbox" value="{label}">' in ticks
    assert "name=" not in ticks  # the ticks fill the missing items: they are never sent themselves
    assert "site_ui/checklist.js" in html
    # the missing items stay a list of lines: a ticked label and a line of the reviewer's own
    response = reviewer.post(
        f"/tasks/{task_id}/",
        {"outcome": "request_supplement", "missing_items": f"{MEANS}\n近三个月的银行流水"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = SupplementRequest.objects.get(application=application)
    assert request.missing_items == [MEANS, "近三个月的银行流水"]
