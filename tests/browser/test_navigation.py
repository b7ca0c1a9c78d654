"""The page frame on a phone: no script errors, a menu that opens and closes, logout, no sideways scroll."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from viewflow.workflow.models import Task

from aid_cases import services
from directory.choices import OrganisationKind, Role
from documents.models import IssuedDocument
from tests.factories import PASSWORD, OrganisationFactory, ProviderFactory, region
from tests.world import ADULT_ID, Actors
from workflows import tasks
from workflows.flows import AidApplicationFlow
from workflows.services import application_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}

# Every page a citizen visits, signed out and signed in. "{...}" is filled from the world below.
# Add a page here when the site gains one a citizen sees.
CITIZEN_PAGES_ANONYMOUS = [
    "/",
    "/accounts/login/",
    "/accounts/register/",
    "/track/",
    "/track/?tracking_no={tracking_no}&id_tail={id_tail}",
    "/lookup/",
    "/lookup/?category=firms",
    "/lookup/?category=notary",
    "/lookup/?category=forensic",
    "/verify/",
    "/verify/{code}",
]
CITIZEN_PAGES_SIGNED_IN = [
    "/",
    "/apply/",
    "/my/applications/",
    "/applications/{application}/",
    "/tasks/",
    "/tasks/{supplement_task}/",
    "/track/",
    "/lookup/",
    "/verify/",
]
# Pages of the staff a citizen deals with (an organisation's record is not shown to citizens).
STAFF_PAGES = ["/", "/organisations/{organisation}/", "/tasks/", "/lookup/"]


@pytest.fixture
def world(live_server, make_member, settings, tmp_path):
    """An applicant whose application waits for their missing materials, and a firm with its admin."""
    settings.MEDIA_ROOT = tmp_path
    actors = Actors(make_member)
    actors.applicant.last_name, actors.applicant.first_name = "吕", "春花"
    actors.applicant.save()
    application = application_file(
        acting_user=actors.applicant,
        base_url=live_server.url,
        channel="online",
        region=region("zhushan"),
        applicant=services.ApplicantData(
            name="吕春花", id_number=ADULT_ID, phone="13907980001", address="珠山区新村路1号"
        ),
        representative=None,
        categories=["migrant_worker"],
        matter=services.MatterData(
            category="civil",
            type="wage_arrears",
            summary="工地拖欠工资三个月，" * 20,  # a long text wraps instead of widening the page
            opposing_party="景德镇某某建筑劳务有限公司第一分公司",
        ),
        household_size=3,
        monthly_income=Decimal("2400.00"),
        assets=None,
        fixed_income=True,
        urgent_deadline=None,
        pledge=True,
    )
    review = Task.objects.get(process__artifact_object_id=application.pk, flow_task=AidApplicationFlow.review)
    tasks.task_complete(
        user=actors.reviewer,
        task_id=review.pk,
        data={"outcome": "request_supplement", "missing_items": "户口簿\n近三个月的收入证明"},
        base_url=live_server.url,
    )
    supplement = Task.objects.get(
        process__artifact_object_id=application.pk, flow_task=AidApplicationFlow.supplement
    )
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM,
        name="江西瓷都律师事务所",
        address="珠山区瓷都示范大道66号5楼",
        phone="0798-8200301",
    )
    ProviderFactory(name="张伟", organisation=firm, specialties=["wage_arrears", "maintenance"])
    firm_admin = make_member(Role.FIRM_ADMIN, firm, username="firmadmin_1")
    values = {
        "tracking_no": application.tracking_no,
        "id_tail": ADULT_ID[-4:],
        "code": IssuedDocument.objects.first().display_code,
        "application": application.pk,
        "supplement_task": supplement.pk,
        "organisation": firm.pk,
    }
    return actors, firm_admin, values


def new_page(browser, viewport=PHONE):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    return page


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.vf-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def test_the_menu_opens_closes_and_logs_out_on_a_phone(live_server, browser, world):
    actors, _firm_admin, _values = world
    page = new_page(browser)
    log_in(page, live_server, actors.applicant.username)
    menu = page.locator("#site-menu")
    logout = menu.get_by_role("button", name="退出登录")
    expect(logout).not_to_be_visible()  # the drawer is closed on a phone

    page.get_by_role("button", name="菜单").click()
    expect(logout).to_be_visible()
    expect(menu.get_by_role("link", name="我的申请")).to_be_visible()
    page.get_by_role("button", name="关闭菜单").click()
    expect(logout).not_to_be_visible()

    page.get_by_role("button", name="菜单").click()
    expect(logout).to_be_visible()
    expect(menu).not_to_have_class(re.compile("mdc-drawer--animate"))  # its opening slide is over
    page.keyboard.press("Escape")
    expect(logout).not_to_be_visible()

    # the title leads home; the menu's links work
    page.goto(f"{live_server.url}/lookup/")
    page.get_by_role("link", name="景德镇法律援助").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="菜单").click()
    menu.get_by_role("link", name="我的申请").click()
    page.wait_for_url(f"{live_server.url}/my/applications/")

    page.get_by_role("button", name="菜单").click()
    logout.click()
    page.goto(f"{live_server.url}/my/applications/")
    assert "/accounts/login/" in page.url  # logged out
    assert page.errors == []


def test_logout_is_visible_on_a_desktop_without_opening_anything(live_server, browser, world):
    actors, _firm_admin, _values = world
    page = new_page(browser, {"width": 1366, "height": 900})
    log_in(page, live_server, actors.reviewer.username)
    expect(page.locator("#site-menu").get_by_role("button", name="退出登录")).to_be_visible()
    expect(page.locator(".site-toolbar-logout").get_by_role("button", name="退出登录")).to_be_visible()
    expect(page.locator("#site-menu")).to_contain_text("登记申请")
    expect(page.locator("#site-menu")).not_to_contain_text("我的申请")
    page.locator(".site-toolbar-logout").get_by_role("button", name="退出登录").click()
    page.goto(f"{live_server.url}/tasks/")
    assert "/accounts/login/" in page.url
    assert page.errors == []


def _assert_fits(page, url=None):
    if url is not None:
        page.goto(url)
        page.wait_for_load_state("load")
    url = page.url
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width > inner:
        culprits = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
        )
        pytest.fail(f"{url} scrolls sideways: {width} > {inner}: {culprits}")


def test_no_page_a_citizen_visits_scrolls_sideways_at_360_px(live_server, browser, world):
    actors, firm_admin, values = world
    page = new_page(browser, NARROW)
    for path in CITIZEN_PAGES_ANONYMOUS:
        _assert_fits(page, live_server.url + path.format(**values))
    log_in(page, live_server, actors.applicant.username)
    for path in CITIZEN_PAGES_SIGNED_IN:
        _assert_fits(page, live_server.url + path.format(**values))
    page.get_by_role("button", name="菜单").click()  # the open menu fits too
    expect(page.locator("#site-menu").get_by_role("button", name="退出登录")).to_be_visible()
    _assert_fits(page)
    assert page.errors == []

    staff = new_page(browser, NARROW)
    log_in(staff, live_server, firm_admin.username)
    for path in STAFF_PAGES:
        _assert_fits(staff, live_server.url + path.format(**values))
    assert staff.errors == []
