"""A citizen files on a phone, the reviewer approves, the citizen follows the timeline."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from aid_cases.models import Application, EconomicStandard
from directory.choices import OrganisationKind, Role
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, region, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_file_approve_and_follow(live_server, browser, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    center = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan")
    )
    OrganisationFactory(kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan"))
    EconomicStandard.objects.create(
        region=region("zhushan"),
        kind="low_income",
        monthly_amount=Decimal("1200.00"),
        valid_from=datetime.date(2020, 1, 1),
    )
    applicant = UserFactory(username="applicant_01")
    applicant.groups.add(Group.objects.get(name="applicant"))
    make_member(Role.REVIEWER, center, username="reviewer_zhushan")
    id_number = resident_id(datetime.date(1979, 3, 8))

    # the citizen files on a phone
    page = login(browser, live_server, "applicant_01")
    page.get_by_role("link", name="申请法律援助").first.click()
    page.get_by_label("申请人姓名").fill("吕春花")
    page.get_by_label("申请人居民身份证号码").fill(id_number)
    page.get_by_label("电话").fill("13907980001")
    page.get_by_label("地址").fill("珠山区新村路1号")
    page.get_by_label("农民工").check()
    page.locator("#id_matter_type").select_option("wage_arrears")
    page.get_by_label("案情经过及您的请求").fill("工地拖欠工资三个月")
    page.get_by_label("家庭人口数").fill("3")
    page.get_by_label("家庭月收入（元）").fill("2400")
    # the live preview answers before submitting
    expect(page.locator("#means-preview-result")).to_contain_text("免予核查经济困难状况")
    page.get_by_label("个人诚信承诺").check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("h1")).to_contain_text("JDZ-ZHUSHAN-")
    tracking_no = Application.objects.get().tracking_no

    # the reviewer takes the task from the queue and approves
    reviewer = login(browser, live_server, "reviewer_zhushan")
    reviewer.goto(f"{live_server.url}/tasks/")
    row = reviewer.locator("#tasks-queue tr", has_text=tracking_no)
    expect(row).to_contain_text("特殊群体")
    row.get_by_role("link").click()
    expect(reviewer.locator("main")).to_contain_text("免予")
    expect(reviewer.locator("main")).to_contain_text("证明材料待核实")  # Art 42: on proof
    reviewer.get_by_label("给予法律援助").check()
    reviewer.get_by_label("已核实免予核查经济困难状况所需的证明材料").check()
    reviewer.get_by_role("button", name="提交").click()
    reviewer.wait_for_url(f"{live_server.url}/tasks/")

    # the citizen sees the decision on the timeline
    page.goto(f"{live_server.url}/my/applications/")
    page.get_by_role("link", name=tracking_no).click()
    timeline = page.locator(".site-timeline")
    expect(timeline).to_contain_text("提交申请")
    expect(timeline).to_contain_text("决定给予法律援助")
    expect(page.locator("main")).to_contain_text("给予法律援助决定书")
