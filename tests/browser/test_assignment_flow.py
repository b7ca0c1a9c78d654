"""After the grant, in the browser: the reviewer assigns from the recommendations, the lawyer accepts
and closes the case on a phone, the reviewer accepts the report, the applicant rates the aid."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from aid_cases import services
from aid_cases.models import Application, EconomicStandard
from assignments.models import Rating
from directory.choices import OrganisationKind, ProviderKind, Role
from tests.factories import (
    OrganisationFactory,
    ProviderFactory,
    UserFactory,
    lawyer_licence,
    region,
    resident_id,
)
from workflows import tasks
from workflows.services import application_file

from .test_application_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _approved_case(applicant, reviewer) -> Application:
    application = application_file(
        acting_user=applicant,
        base_url="http://testserver",
        channel="online",
        region=region("zhushan"),
        applicant=services.ApplicantData(
            name="吕春花",
            id_number=resident_id(datetime.date(1979, 3, 8)),
            phone="13907980001",
            address="珠山区",
        ),
        representative=None,
        categories=[],
        matter=services.MatterData(
            category="civil", type="maintenance", summary="子女拒付赡养费", opposing_party="王某"
        ),
        household_size=2,
        monthly_income=Decimal("1800.00"),
        pledge=True,
    )
    review = next(t for t in tasks.tasks_queue(reviewer) if t.process.seed_object_id == application.pk)
    tasks.task_complete(
        user=reviewer, task_id=review.pk, data={"outcome": "approve"}, base_url="http://testserver"
    )
    return application


def test_assign_accept_close_and_rate(live_server, browser, make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    center = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan")
    )
    OrganisationFactory(kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan"))
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM,
        name="江西瓷都律师事务所",
        region=region("zhushan"),
        phone="0798-8200001",
    )
    EconomicStandard.objects.create(
        region=region("zhushan"),
        kind="low_income",
        monthly_amount=Decimal("1200.00"),
        valid_from=datetime.date(2020, 1, 1),
    )
    applicant = UserFactory(username="applicant_01")
    applicant.groups.add(Group.objects.get(name="applicant"))
    reviewer = make_member(Role.REVIEWER, center, username="reviewer_zhushan")
    lawyer = make_member(Role.PROVIDER, firm, username="lawyer_01")
    ProviderFactory(
        name="张伟",
        kind=ProviderKind.LAWYER,
        organisation=firm,
        licence_no=lawyer_licence(801),
        practice_start=datetime.date(2010, 9, 1),
        specialties=["maintenance"],
        regions_served=[region("zhushan")],
        user=lawyer,
    )
    application = _approved_case(applicant, reviewer)
    tracking_no = application.tracking_no

    # the reviewer assigns from the ranked recommendations, each with its reasons
    page = login(browser, live_server, "reviewer_zhushan")
    page.goto(f"{live_server.url}/tasks/")
    page.locator("#tasks-queue tr", has_text=tracking_no).filter(has_text="指派法律援助人员").get_by_role(
        "link"
    ).first.click()
    row = page.locator("#recommendations li", has_text="张伟")
    expect(row).to_contain_text("追索赡养费")  # the specialty, as a reason
    row.get_by_role("button", name="指派给此人").click()
    page.wait_for_url(f"{live_server.url}/tasks/")
    assert Application.objects.get(pk=application.pk).status == "assigned"

    # the lawyer, on a phone, accepts from "my cases"
    phone = login(browser, live_server, "lawyer_01")
    phone.goto(f"{live_server.url}/my/cases/")
    phone.get_by_role("link", name="接受或拒绝指派").first.click()
    phone.get_by_label("接受指派").check()
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url(f"{live_server.url}/tasks/")
    phone.goto(f"{live_server.url}/my/cases/")
    phone.get_by_role("link", name=tracking_no).click()
    expect(phone.locator("main")).to_contain_text("指派通知书")  # the letter, issued on acceptance
    # a progress note, then the closing report
    phone.get_by_label("办理情况").fill("会见受援人，调取赡养协议。")
    phone.get_by_label("工时（小时）").fill("2.5")
    phone.get_by_role("button", name="保存记录").click()
    expect(phone.locator("main")).to_contain_text("会见受援人")
    phone.get_by_role("link", name="提交结案报告").first.click()
    phone.locator("#id_outcome").select_option("mediated")
    phone.get_by_label("累计工时（小时）").fill("12")
    phone.get_by_label("办理情况摘要").fill("经调解，子女按月支付赡养费。")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url(f"{live_server.url}/tasks/")
    assert Application.objects.get(pk=application.pk).status == "closing"

    # the reviewer accepts the report; required documents are missing, so a comment is needed
    page.goto(f"{live_server.url}/tasks/")
    page.locator("#tasks-queue tr", has_text=tracking_no).get_by_role("link").first.click()
    expect(page.locator("#closing-checklist")).to_contain_text("判决书、裁定书或调解书")
    page.get_by_label("通过结案报告：结案").check()
    page.get_by_role("button", name="提交").click()
    expect(page.locator("main")).to_contain_text("必须填写")  # the comment is missing: nothing saved
    assert Application.objects.get(pk=application.pk).status == "closing"
    page.get_by_label("通过结案报告：结案").check()
    page.get_by_label("审查意见").fill("调解书纸质件已归档。")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(f"{live_server.url}/tasks/")
    assert Application.objects.get(pk=application.pk).status == "closed"

    # the applicant sees the provider's contact and rates the aid
    citizen = login(browser, live_server, "applicant_01")
    citizen.goto(f"{live_server.url}/applications/{application.pk}/")
    expect(citizen.locator("main")).to_contain_text("0798-8200001")
    citizen.get_by_label("非常满意").check()
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.locator("#rating")).to_contain_text("非常满意")
    assert Rating.objects.get(application=application).score == 5
