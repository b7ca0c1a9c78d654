"""The application form after a failed submit, its matter types, its attached files, its messages."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aid_cases import services
from aid_cases.models import Application, ApplicationDocument
from tests.site_ui.test_application_pages import FORM, client_for
from tests.world import application_payload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="身份证.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def post(actors, files=None, **overrides):
    data = {**FORM, **overrides}
    if files is not None:
        data["files"] = files
    return client_for(actors.applicant).post("/apply/", data)


def summary_of(html: str) -> str:
    match = re.search(r'<div class="site-error-summary".*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_a_failed_submit_shows_a_focused_summary_linking_to_each_field(actors):
    response = post(actors, monthly_income="-5", household_size="0", assets="-1", applicant_phone="")
    assert response.status_code == 400
    html = response.content.decode()
    summary = summary_of(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "请修改以下内容" in summary
    # the form's own check (a required phone) comes first; the service is not asked yet
    assert 'href="#id_applicant_phone"' in summary
    # the summary takes the focus when the page loads
    assert re.search(r"summary\.focus\(\)", html)
    # it sits at the top of the form, before the first field
    assert html.index("site-error-summary") < html.index('id="id_region"')


def test_means_figures_get_specific_messages_from_the_service(actors):
    html = post(actors, monthly_income="-5", household_size="0", assets="-1").content.decode()
    summary = summary_of(html)
    assert 'href="#id_monthly_income"' in summary and "月收入不能为负数" in summary
    assert 'href="#id_household_size"' in summary and "家庭人口数至少为1人" in summary
    assert 'href="#id_assets"' in summary and "家庭资产不能为负数" in summary
    assert "Ensure this value" not in html and "确保该值" not in html
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("household", "path", "message"),
    [
        ({"monthly_income": "-1.00"}, "monthly_income", "月收入不能为负数"),
        ({"size": 0}, "size", "家庭人口数至少为1人"),
        ({"assets": "-0.01"}, "assets", "家庭资产不能为负数"),
    ],
)
def test_the_api_says_the_same(actors, household, path, message):
    response = actors.api(actors.applicant).post(
        "/api/v1/applications/", application_payload(household=household), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["household"][path] == [message]


def test_a_field_of_radio_buttons_is_linked_to_its_first_button(actors):
    summary = summary_of(post(actors, fixed_income="maybe").content.decode())
    assert 'href="#id_fixed_income_0"' in summary


def test_a_matter_type_of_another_category_is_linked_to_the_list(actors):
    summary = summary_of(post(actors, matter_category="criminal").content.decode())
    assert 'href="#id_matter_type"' in summary


def test_the_means_preview_keeps_its_result_after_a_failed_submit(actors):
    data = {k: v for k, v in FORM.items() if k != "pledge"}
    response = client_for(actors.applicant).post("/apply/", data)
    assert response.status_code == 400
    html = response.content.decode()
    preview = html[html.index('id="means-preview"') :]
    assert "免予核查经济困难状况" in preview  # a migrant worker's wages: exempt (Art 42)
    assert "site-means--exempt" in preview


def test_the_matter_types_of_each_category_come_from_the_one_rule(actors):
    html = client_for(actors.applicant).get("/apply/").content.decode()
    fits = json.loads(
        re.search(r'<script id="matter-types" type="application/json">(.*?)</script>', html).group(1)
    )
    # a victim's private prosecution (Art 32 (4)) takes abuse and domestic violence too
    assert sorted(fits["criminal"]) == ["abuse", "criminal_defence", "criminal_victim", "domestic_violence"]
    assert "abuse" in fits["civil"] and "domestic_violence" in fits["civil"]
    assert "wage_arrears" in fits["civil"] and "criminal_defence" not in fits["civil"]
    assert "criminal_victim" not in fits["administrative"]


def test_files_attached_when_filing_are_saved_with_the_application(actors):
    response = post(actors, files=[pdf(), SimpleUploadedFile("收入证明.png", PNG, content_type="image/png")])
    assert response.status_code == 302
    application = Application.objects.get()
    uploads = list(application.uploads.all())
    assert [(u.original_name, u.content_type) for u in uploads] == [
        ("身份证.pdf", "application/pdf"),
        ("收入证明.png", "image/png"),
    ]
    assert all(u.uploaded_by == actors.applicant for u in uploads)
    page = client_for(actors.applicant).get(response["Location"]).content.decode()
    assert "身份证.pdf" in page and "收入证明.png" in page


def test_a_bad_file_is_an_error_on_the_form_and_nothing_is_saved(actors):
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post(actors, files=[pdf(), fake])
    assert response.status_code == 400
    assert "files" in response.context["form"].errors
    summary = summary_of(response.content.decode())
    assert 'href="#id_files"' in summary and "合同.pdf" in summary
    assert not Application.objects.exists() and not ApplicationDocument.objects.exists()


def test_a_file_refused_by_the_service_after_filing_rolls_the_filing_back(actors, monkeypatch):
    """The application and its files are one step: a failure on the second file leaves nothing."""
    real = services.application_document_add
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs["upload"].name)
        if len(calls) == 2:
            from django.core.exceptions import ValidationError

            raise ValidationError({"file": ["refused"]})
        return real(**kwargs)

    monkeypatch.setattr(services, "application_document_add", second_fails)
    response = post(actors, files=[pdf("a.pdf"), pdf("b.pdf")])
    assert response.status_code == 400
    assert response.context["form"].errors["files"] == ["refused"]
    assert not Application.objects.exists() and not ApplicationDocument.objects.exists()


def test_more_files_than_an_application_takes_are_refused_before_filing(actors):
    response = post(actors, files=[pdf(f"{n}.pdf") for n in range(31)])
    assert response.status_code == 400
    assert "30" in " ".join(response.context["form"].errors["files"])
    assert not Application.objects.exists()


def test_chosen_files_must_be_chosen_again_after_another_error(actors):
    response = post(actors, files=[pdf()], monthly_income="-5")
    assert response.status_code == 400
    assert "请重新选择文件" in " ".join(response.context["form"].errors["files"])
    assert not ApplicationDocument.objects.exists()
