"""A fee waiver in the browser: the assigned lawyer asks on a phone for a notarisation fee to be waived,
the reviewer approves it on the task page, the city's notary office records the fee from its inbox."""

import pytest
from playwright.sync_api import expect

from aid_cases.models import Application
from tests.world import add_institutions, add_law_firm, answer, approved_case, assign
from waivers.models import FeeWaiver

from .test_application_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_approve_and_confirm_a_notary_waiver(live_server, browser, actors, make_member):
    world = add_institutions(add_law_firm(actors, make_member), make_member)
    application_id = approved_case(world)
    assert assign(world, application_id, world.lawyers[0][1]).status_code == 200
    assert answer(world, application_id, world.lawyers[0]).status_code == 200
    tracking_no = Application.objects.get(pk=application_id).tracking_no

    # the lawyer, on a phone, asks from the case page; a reduce without its fee is refused first
    phone = login(browser, live_server, "lawyer_01")
    phone.goto(f"{live_server.url}/applications/{application_id}/")
    form = phone.locator("#waiver-form")
    form.get_by_label("费用类别").select_option("notary")
    form.get_by_label("机构").select_option(label="景德镇市公证处")
    form.get_by_label("服务事项").fill("继承权公证")
    form.get_by_label("收费标准（元）").fill("800.00")
    form.get_by_role("radio", name="减收").check()
    form.get_by_role("button", name="提交申请").click()
    expect(phone.locator("#waiver-form")).to_contain_text("请填写以元为单位的金额")
    assert not FeeWaiver.objects.exists()
    form = phone.locator("#waiver-form")
    form.get_by_role("radio", name="免收").check()
    form.get_by_role("button", name="提交申请").click()
    expect(phone.locator("#waiver-lines")).to_contain_text("待中心审查")
    waiver = FeeWaiver.objects.get()
    assert (waiver.treatment_requested, str(waiver.standard_fee)) == ("waive", "800.00")

    # the reviewer approves it from the task list
    page = login(browser, live_server, "reviewer_zhushan")
    page.goto(f"{live_server.url}/tasks/")
    page.locator("#tasks-queue tr", has_text=tracking_no).filter(has_text="审查费用减免申请").get_by_role(
        "link"
    ).first.click()
    expect(page.locator("main")).to_contain_text("继承权公证")
    page.get_by_label("同意并出具减免函").check()
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(f"{live_server.url}/tasks/")
    waiver.refresh_from_db()
    assert waiver.status == "approved" and waiver.letter is not None

    # the city's notary office records the fee from its inbox, without seeing the case
    notary = login(browser, live_server, "notary_city")
    notary.goto(f"{live_server.url}/waivers/")
    row = notary.locator("tr", has_text=tracking_no)
    expect(row).to_contain_text("继承权公证")
    expect(row.get_by_role("link", name="减免函")).to_be_visible()
    row.get_by_role("link", name="登记收费情况").click()
    expect(notary.locator("main")).not_to_contain_text(world.applicant.username)
    notary.get_by_label("实收费用（元）").fill("0")
    notary.get_by_label("减免金额（元）").fill("800")
    notary.get_by_role("button", name="提交").click()
    notary.wait_for_url(f"{live_server.url}/waivers/")
    expect(notary.locator("main")).to_contain_text("¥800.00")
    waiver.refresh_from_db()
    assert (waiver.status, str(waiver.charged_fee), str(waiver.waived_amount)) == (
        "completed",
        "0.00",
        "800.00",
    )

    # the lawyer sees the fee recorded on the case
    phone.goto(f"{live_server.url}/applications/{application_id}/")
    expect(phone.locator("#waiver-lines")).to_contain_text("已登记收费")
