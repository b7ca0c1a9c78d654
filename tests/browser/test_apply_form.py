"""The application form on a phone (390×844): the error summary takes the focus after a failed submit,
the means preview keeps its result, the matter types follow the category, and a first filing with
an attached PDF succeeds and shows the file on the application's page."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from playwright.sync_api import expect

from aid_cases.models import Application, EconomicStandard
from directory.choices import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory, region, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def citizen_page(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan"))
    EconomicStandard.objects.create(
        region=region("zhushan"),
        kind="low_income",
        monthly_amount=Decimal("1200.00"),
        valid_from=datetime.date(2020, 1, 1),
    )
    applicant = UserFactory(username="applicant_01")
    applicant.groups.add(Group.objects.get(name="applicant"))
    client = Client()
    client.force_login(applicant)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/apply/")
    yield page
    context.close()


def fill_in(page):
    page.locator("#id_applicant_name").fill("吕春花")
    page.locator("#id_applicant_id_number").fill(resident_id(datetime.date(1979, 3, 8)))
    page.locator("#id_applicant_phone").fill("13907980001")
    page.locator("#id_applicant_address").fill("珠山区新村路1号")
    page.get_by_label("农民工").check()
    page.locator("#id_matter_type").select_option("wage_arrears")
    page.locator("#id_matter_summary").fill("工地拖欠工资三个月")
    page.locator("#id_household_size").fill("3")
    page.locator("#id_monthly_income").fill("2400")


def test_a_failed_submit_focuses_the_summary_and_keeps_the_preview(citizen_page):
    page = citizen_page
    fill_in(page)
    page.locator("#id_monthly_income").fill("-5")
    page.locator("#id_household_size").fill("3")
    page.get_by_label("个人诚信承诺").check()
    page.get_by_role("button", name="提交申请").click()

    summary = page.locator(".site-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("请修改以下内容")
    link = summary.get_by_role("link", name="月收入不能为负数")
    expect(link).to_have_attribute("href", "#id_monthly_income")
    link.click()
    expect(page.locator("#id_monthly_income")).to_be_focused()
    assert Application.objects.count() == 0

    # corrected, but submitted without the pledge: the answers and the preview are still there
    page.locator("#id_monthly_income").fill("2400")
    page.get_by_label("个人诚信承诺").uncheck()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".site-error-summary")).to_be_focused()
    expect(page.locator(".site-error-summary")).to_contain_text("诚信承诺")
    expect(page.locator("#id_applicant_name")).to_have_value("吕春花")
    expect(page.locator("#id_monthly_income")).to_have_value("2400")
    # a migrant worker's wages: exempt from the means test
    expect(page.locator("#means-preview-result")).to_contain_text("免予核查经济困难状况")
    assert Application.objects.count() == 0


def test_the_matter_types_follow_the_category(citizen_page):
    page = citizen_page
    matter_type = page.locator("#id_matter_type")
    page.locator("#id_matter_category").select_option("criminal")
    values = matter_type.locator("option").evaluate_all("options => options.map(o => o.value)")
    # a victim's private prosecution takes abuse and domestic violence too (Art 32 (4))
    assert sorted(values) == ["abuse", "criminal_defence", "criminal_victim", "domestic_violence"]
    page.locator("#id_matter_category").select_option("civil")
    values = matter_type.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert "wage_arrears" in values and "criminal_defence" not in values


def test_the_reason_for_a_defender_is_asked_of_a_criminal_defence_only(citizen_page):
    page = citizen_page
    reason = page.get_by_label("其他原因")
    expect(reason).to_be_hidden()
    page.locator("#id_matter_category").select_option("criminal")
    page.locator("#id_matter_type").select_option("criminal_defence")
    expect(reason).to_be_visible()
    reason.check()
    page.locator("#id_matter_type").select_option("criminal_victim")
    expect(reason).to_be_hidden()
    expect(reason).not_to_be_checked()  # hidden, it is not sent


def test_a_first_filing_with_an_attached_pdf(citizen_page, live_server):
    page = citizen_page
    fill_in(page)
    page.locator("#id_files").set_input_files(
        files=[{"name": "收入证明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(page.locator("#means-preview-result")).to_contain_text("免予核查经济困难状况")
    page.get_by_label("个人诚信承诺").check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("h1")).to_contain_text("JDZ-ZHUSHAN-")

    application = Application.objects.get()
    assert [u.original_name for u in application.uploads.all()] == ["收入证明.pdf"]
    material = page.get_by_role("link", name="收入证明.pdf")
    expect(material).to_be_visible()
    response = page.request.get(live_server.url + material.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body() == PDF
    # nothing on the page is wider than the phone's screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
