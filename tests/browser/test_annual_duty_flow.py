"""The annual duty in the browser: a lawyer logs public-interest hours on a phone, the center's reviewer
verifies them, and the firm administrator downloads the firm's annual-inspection report (PDF)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from assignments.models import ServiceLog
from directory.choices import Role
from tests.world import add_law_firm

from .test_application_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_verify_and_download_the_report(live_server, browser, actors, make_member, tmp_path):
    world = add_law_firm(actors, make_member)
    make_member(Role.FIRM_ADMIN, world.firm, username="firmadmin_01")
    day = timezone.localdate() - datetime.timedelta(days=3)

    # the lawyer logs 60 hours of hotline duty over three days, on a phone; 25 hours in a day is refused
    phone = login(browser, live_server, "lawyer_01")
    phone.goto(f"{live_server.url}/my/service-logs/")
    form = phone.locator("#log")

    def log(hours: str, on: datetime.date) -> None:
        form.get_by_label("服务类型").select_option("hotline")
        form.get_by_label("服务日期").fill(on.isoformat())
        form.get_by_label("工时（小时）").fill(hours)
        form.get_by_label("组织单位").fill("12348法律服务热线")
        form.get_by_label("办理情况").fill("接听来电，解答劳动争议咨询。")
        form.get_by_role("button", name="提交登记").click()

    log("25", day)
    expect(phone.locator("#log")).to_contain_text("24")
    assert not ServiceLog.objects.exists()
    for n in range(3):
        log("20", day - datetime.timedelta(days=n))
        expect(phone.locator("#logs")).to_contain_text("待核实")
    assert ServiceLog.objects.filter(status="pending").count() == 3

    # the reviewer verifies each from the task list
    page = login(browser, live_server, "reviewer_zhushan")
    for _ in range(3):
        page.goto(f"{live_server.url}/tasks/")
        page.locator("#tasks-queue tr", has_text="核实公益法律服务").get_by_role("link").first.click()
        expect(page.locator("main")).to_contain_text("12348法律服务热线")
        page.get_by_label("核实时长").check()
        page.get_by_role("button", name="提交").click()
        page.wait_for_url(f"{live_server.url}/tasks/")
    assert ServiceLog.objects.filter(status="verified").count() == 3

    # the lawyer's year is met: 60 verified hours
    phone.goto(f"{live_server.url}/my/duty/")
    expect(phone.locator("main")).to_contain_text("60")
    expect(phone.locator("main")).to_contain_text("已达标")

    # the firm administrator downloads the annual-inspection report
    admin = login(browser, live_server, "firmadmin_01")
    admin.goto(f"{live_server.url}/duty/firm/")
    expect(admin.locator("main")).to_contain_text("律师1")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="年度检查公益法律服务情况表（PDF）").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "").replace(" ", "")
    assert "年度检查公益法律服务情况表" in text and "江西景德律师事务所" in text
    assert "律师1" in text and "60.0" in text
