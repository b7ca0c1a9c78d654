"""A detention officer forwards a detainee's application on a phone (390 px) and sees it flagged late
on the unit's list; the center's reviewer finds it, with the counts per unit. No page scrolls sideways."""

import datetime

import pytest
from django.utils import timezone

from aid_cases.models import Application
from directory.choices import OrganisationKind, Role
from tests.factories import PASSWORD, OrganisationFactory, region, resident_id
from tests.world import Actors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(live_server, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    actors = Actors(make_member)
    detention = OrganisationFactory(
        kind=OrganisationKind.DETENTION, name="景德镇市珠山区看守所", region=region("zhushan")
    )
    actors.officer = make_member(Role.DETENTION_OFFICER, detention, username="detention_zhushan")
    return actors


def new_page(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.vf-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def assert_fits(page):
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{page.url} scrolls sideways: {width} > {inner}"


def test_an_officer_forwards_late_and_the_center_sees_it(live_server, browser, world):
    page = new_page(browser)
    log_in(page, live_server, world.officer.username)
    page.goto(f"{live_server.url}/forwarded/new/")
    assert_fits(page)
    received = timezone.localtime() - datetime.timedelta(hours=30)  # more than 24 hours ago: late
    page.locator("#id_received_at").fill(received.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_person_name").fill("周国强")
    page.locator("#id_person_id_number").fill(resident_id(datetime.date(1990, 3, 8), seq="456"))
    page.locator("#id_defence_reason_0").check()  # economic hardship
    page.locator("#id_matter_summary").fill("涉嫌盗窃罪被刑事拘留，家庭困难无力委托辩护人。" * 5)
    page.locator("#forward-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/forwarded/")
    application = Application.objects.get()
    assert application.forwarded_request.forwarded_late
    row = page.locator("#forwarded tbody tr").first
    assert application.tracking_no in row.inner_text()
    assert row.locator(".site-badge--overdue").count() == 1
    assert_fits(page)
    assert page.errors == []

    reviewer = new_page(browser)
    log_in(reviewer, live_server, world.reviewer.username)
    reviewer.goto(f"{live_server.url}/forwarded/")
    assert "景德镇市珠山区看守所" in reviewer.locator("#forwarding-counts").inner_text()
    assert application.tracking_no in reviewer.locator("#forwarded").inner_text()
    assert_fits(reviewer)
    reviewer.goto(f"{live_server.url}/applications/{application.pk}/")
    assert_fits(reviewer)
    assert reviewer.errors == []
