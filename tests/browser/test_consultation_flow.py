"""Consultations in the browser (Legal Aid Law Art 23): a citizen asks a legal question online on a phone,
a reviewer of the region's center answers it on the task page and refers them to legal aid, the citizen
reads the answer and opens the application form pre-filled with the question."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from consultations.models import Consultation, ConsultationRule

from .test_application_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "公司拖欠我三个月工资共一万二千元，没有签劳动合同，怎么维权？"
ANSWER = "可以用工资条、考勤记录证明劳动关系，先申请劳动仲裁；您可以申请法律援助。"


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_citizen_asks_online_and_reads_the_answer(live_server, browser, actors):
    ConsultationRule.objects.create(
        region=None, reply_days=2, reply_rate_target=Decimal("1.0000"), valid_from=datetime.date(2022, 1, 1)
    )

    # the citizen asks on a phone: without a matter type first, which is refused
    phone = login(browser, live_server, actors.applicant.username)
    phone.goto(f"{live_server.url}/consultations/")
    form = phone.locator("#consultation-form")
    form.locator('select[name="region"]').select_option("zhushan")
    form.locator('textarea[name="question"]').fill(QUESTION)
    form.locator("button[type=submit]").click()
    expect(phone.locator("#form-error-summary")).to_be_visible()
    assert not Consultation.objects.exists()
    form = phone.locator("#consultation-form")
    form.locator('select[name="matter_type"]').select_option("wage_arrears")
    form.locator("button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/consultations/")
    consultation = Consultation.objects.get()
    card = phone.locator(f"#consultation-{consultation.pk}")
    expect(card).to_contain_text(QUESTION)
    expect(phone.locator(f"#consultation-answer-{consultation.pk}")).to_have_count(0)
    assert no_horizontal_scroll(phone)

    # a reviewer of the center opens it from the consultation log and answers on the task page
    reviewer = login(browser, live_server, actors.reviewer.username)
    reviewer.goto(f"{live_server.url}/consultations/")
    reviewer.locator(f"#consultation-task-{consultation.pk}").click()
    expect(reviewer.locator("main")).to_contain_text(QUESTION)
    decision = reviewer.locator("#task-decision form.site-form")
    decision.locator('textarea[name="answer"]').fill(ANSWER)
    decision.locator('select[name="referral"]').select_option("aid_application")
    decision.locator('input[name="minutes"]').fill("15")
    decision.locator("button[type=submit]").click()
    reviewer.wait_for_url(f"{live_server.url}/tasks/")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.answered_by) == ("answered", actors.reviewer)

    # the citizen reads the answer and applies from it, the form filled in with the question
    phone.goto(f"{live_server.url}/consultations/")
    expect(phone.locator(f"#consultation-answer-{consultation.pk}")).to_contain_text("先申请劳动仲裁")
    assert no_horizontal_scroll(phone)
    phone.locator(f"#consultation-apply-{consultation.pk}").click()
    phone.wait_for_url(f"{live_server.url}/apply/?consultation={consultation.pk}")
    expect(phone.locator('textarea[name="matter_summary"]')).to_have_value(QUESTION)
    expect(phone.locator('select[name="matter_type"]')).to_have_value("wage_arrears")
