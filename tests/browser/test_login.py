import pytest
from playwright.sync_api import expect

from directory.choices import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_logs_in_and_sees_the_chinese_home_page(live_server, page, make_member, zhushan_center):
    make_member(Role.REVIEWER, zhushan_center, username="reviewer_zhushan")

    page.goto(f"{live_server.url}/")
    # not logged in: the public home page, in Chinese, and its way to the login page
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.locator("a.site-toolbar-link", has_text="登录").click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("用户名").fill("reviewer_zhushan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("欢迎")
    main = page.locator("main")
    expect(main).to_contain_text("审查人员")
    expect(main).to_contain_text("珠山区法律援助中心")


def test_wrong_password_shows_a_chinese_error(live_server, page, make_member, zhushan_center):
    make_member(Role.REVIEWER, zhushan_center, username="reviewer_b")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("reviewer_b")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("body")).to_contain_text("请输入一个正确的")
    assert "/accounts/login/" in page.url


def test_public_lookup_needs_no_login(live_server, page):
    page.goto(f"{live_server.url}/lookup/?category=centers")
    assert "/accounts/login/" not in page.url
    expect(page.locator("h1")).to_contain_text("法律服务查询")
