"""On a phone (390×844): the public home page, registration, and a registered citizen's first filing.

Attaching a file while filing is covered by the upload tests of the application form.
"""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aid_cases.models import Application, EconomicStandard
from directory.choices import OrganisationKind
from directory.models import Citizen
from tests.factories import OrganisationFactory, region, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "jingdezhen-kiln-2026"
PHONE = "13907980001"


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _register(page, live_server, id_number: str) -> None:
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("景德镇法律援助")
    for name in ("查询申请进展", "核验文书", "法律服务查询"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    _no_sideways_scroll(page)
    page.locator("#home-register").click()
    expect(page.locator("h1")).to_contain_text("注册账号")
    _no_sideways_scroll(page)

    page.get_by_label("姓名").fill("吕春花")
    page.get_by_label("居民身份证号码").fill(id_number)
    page.get_by_label("手机号码").fill(PHONE)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="注册并登录").click()


def test_register_from_the_public_home_and_land_logged_in(live_server, page):
    future = resident_id(datetime.date.today() + datetime.timedelta(days=30))  # noqa: DTZ011
    _register(page, live_server, future)
    # a future birth date says so, next to the field, and what was typed stays
    expect(page.locator("#id_id_number_error")).to_contain_text("不能晚于今天")
    expect(page.get_by_label("姓名")).to_have_value("吕春花")
    assert not Citizen.objects.exists()

    id_number = resident_id(datetime.date(1985, 6, 12), seq="002")
    page.get_by_label("居民身份证号码").fill(id_number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="注册并登录").click()

    page.wait_for_url(f"{live_server.url}/apply/")
    expect(page.locator(".site-content")).to_contain_text("注册成功")
    expect(page.locator("h1")).to_contain_text("申请法律援助")
    assert Citizen.objects.get().user.username == PHONE


def test_a_new_citizen_files_their_first_application(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan"))
    OrganisationFactory(kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan"))
    EconomicStandard.objects.create(
        region=region("zhushan"),
        kind="low_income",
        monthly_amount=Decimal("1200.00"),
        valid_from=datetime.date(2020, 1, 1),
    )
    id_number = resident_id(datetime.date(1979, 3, 8))
    _register(page, live_server, id_number)
    page.wait_for_url(f"{live_server.url}/apply/")

    page.get_by_label("申请人姓名").fill("吕春花")
    page.get_by_label("申请人居民身份证号码").fill(id_number)
    page.get_by_label("电话").fill(PHONE)
    page.get_by_label("地址").fill("珠山区新村路1号")
    page.get_by_label("农民工").check()
    page.locator("#id_matter_type").select_option("wage_arrears")
    page.get_by_label("案情经过及您的请求").fill("工地拖欠工资三个月")
    page.get_by_label("家庭人口数").fill("3")
    page.get_by_label("家庭月收入（元）").fill("2400")
    page.get_by_label("个人诚信承诺").check()
    page.get_by_role("button", name="提交申请").click()

    expect(page.locator("h1")).to_contain_text("JDZ-ZHUSHAN-")
    application = Application.objects.get()
    assert application.filed_by.username == PHONE
    _no_sideways_scroll(page)

    # the new citizen finds it under their applications
    page.goto(f"{live_server.url}/my/applications/")
    expect(page.get_by_role("link", name=application.tracking_no)).to_be_visible()
