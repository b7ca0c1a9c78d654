"""Apply at one center, decided at another (Art 38; 市域通办), on 390 px phones: a Leping clerk records a
walk-in's request for a dispute in Zhushan, the Leping reviewer is told Leping is not competent and
transfers it to Zhushan, and the Zhushan reviewer grants aid."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aid_cases.models import Application, EconomicStandard
from directory.choices import OrganisationKind, Role
from tests.browser.test_application_flow import login
from tests.factories import OrganisationFactory, region, resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_recorded_at_leping_transferred_and_granted_at_zhushan(
    live_server, browser, make_member, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    zhushan = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan")
    )
    leping = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="乐平市法律援助中心", region=region("leping")
    )
    EconomicStandard.objects.create(
        region=region("zhushan"),
        kind="low_income",
        monthly_amount=Decimal("1200.00"),
        valid_from=datetime.date(2020, 1, 1),
    )
    make_member(Role.CLERK, leping, username="clerk_leping")
    make_member(Role.REVIEWER, leping, username="reviewer_leping")
    make_member(Role.REVIEWER, zhushan, username="reviewer_zhushan")

    # the Leping clerk records a walk-in's request for a dispute in Zhushan
    clerk = login(browser, live_server, "clerk_leping")
    clerk.goto(f"{live_server.url}/apply/")
    clerk.locator("#id_channel").select_option("window")
    clerk.locator("#id_region").select_option("zhushan")
    clerk.locator("#id_applicant_name").fill("吕春花")
    clerk.locator("#id_applicant_id_number").fill(resident_id(datetime.date(1979, 3, 8)))
    clerk.locator("#id_applicant_phone").fill("13907980001")
    clerk.locator("#id_applicant_address").fill("珠山区新村路1号")
    clerk.locator("#id_matter_type").select_option("maintenance")
    clerk.locator("#id_matter_summary").fill("子女拒付赡养费")
    clerk.locator("#id_household_size").fill("2")
    clerk.locator("#id_monthly_income").fill("1800")
    clerk.locator("#id_pledge").check()
    clerk.locator("button.site-submit").click()
    expect(clerk.locator("h1")).to_contain_text("JDZ-LEPING-")
    application = Application.objects.get()
    assert application.center == leping and application.region.code == "zhushan"

    # the Leping reviewer is told where it belongs, and transfers it there
    reviewer = login(browser, live_server, "reviewer_leping")
    reviewer.goto(f"{live_server.url}/tasks/")
    reviewer.locator("#tasks-queue tr", has_text=application.tracking_no).get_by_role("link").click()
    notice = reviewer.locator("#transfer-notice")
    expect(notice).to_contain_text("珠山区")
    expect(notice).to_contain_text("珠山区法律援助中心")
    assert reviewer.evaluate(NO_SIDEWAYS_SCROLL)
    expect(reviewer.locator("#id_transfer-to_center")).to_have_value(str(zhushan.pk))  # the default
    reviewer.locator("#id_transfer-reason").fill("争议发生地在珠山区")
    reviewer.locator("#transfer button[type=submit]").click()
    reviewer.wait_for_url(f"{live_server.url}/tasks/")
    expect(reviewer.locator("main")).to_contain_text("珠山区法律援助中心")
    expect(reviewer.locator("#tasks-queue")).not_to_contain_text(application.tracking_no)

    # the Zhushan reviewer finds it in their queue and grants aid
    deciding = login(browser, live_server, "reviewer_zhushan")
    deciding.goto(f"{live_server.url}/tasks/")
    deciding.locator("#tasks-queue tr", has_text=application.tracking_no).get_by_role("link").click()
    expect(deciding.locator("#transfer-notice")).to_have_count(0)
    expect(deciding.locator("main")).to_contain_text(application.tracking_no)
    assert deciding.evaluate(NO_SIDEWAYS_SCROLL)
    deciding.locator("input[name=outcome][value=approve]").check()
    deciding.locator("#task-decision form.site-form button[type=submit]").click()
    deciding.wait_for_url(f"{live_server.url}/tasks/")
    application.refresh_from_db()
    assert application.center == zhushan and application.status in ("approved", "assigning")
    assert application.tracking_no.startswith("JDZ-LEPING-")  # the number given at the window stays
