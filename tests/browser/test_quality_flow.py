"""Quality supervision in the browser (Arts 55, 57, 59; Order No. 149): the director samples a closed file
for peer review, a reviewer of another center scores it on the task page, the director sees the grade on
the quality page; a recipient files a complaint about their lawyer on a phone, the director accepts and
decides it, and the recipient reads the reply and downloads the reply letter."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from aid_cases.models import Application
from quality.models import Complaint, PeerReview
from tests.quality.peer_review_world import add_peer_reviewers, closed_case, scorecard_rows
from tests.quality.test_complaints_api import handled_case
from tests.world import add_law_firm

from .test_application_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 9 + 18 + 22 + 17 + 12 + 8 = 86 points: 良好 (75 to under 90)
SCORES = {
    "intake": "9",
    "evidence": "18",
    "documents": "22",
    "hearing": "17",
    "closing": "12",
    "contact": "8",
}


def test_peer_review_and_a_complaint_answered(live_server, browser, actors, make_member):
    world = add_law_firm(actors, make_member)
    scorecard_rows()
    add_peer_reviewers(world, make_member)
    today = timezone.localdate()
    closed = closed_case(world, closed_on=today - datetime.timedelta(days=20))

    # the director samples the closed files of the last month from the quality page (a fixed count)
    director = login(browser, live_server, world.director.username)
    director.goto(f"{live_server.url}/quality/")
    form = director.locator("#sampling-form")
    form.locator('[name="period_from"]').fill((today - datetime.timedelta(days=30)).isoformat())
    form.locator('[name="period_to"]').fill(today.isoformat())
    form.locator('[name="count"]').fill("1")
    form.locator('[name="seed"]').fill("2026")
    form.locator("button[type=submit]").click()
    expect(director.locator("main")).to_contain_text(closed.tracking_no)
    review = PeerReview.objects.select_related("reviewer").get(application=closed)
    # never the reviewer who decided the case or the one who closed it
    assert review.reviewer not in (world.reviewer, world.reviewer2)

    # the reviewer it went to scores the file from their task list; a score above an item's maximum
    # is refused first
    reviewer = login(browser, live_server, review.reviewer.username)
    reviewer.goto(f"{live_server.url}/tasks/")
    reviewer.locator("tr", has_text=closed.tracking_no).get_by_role("link").first.click()
    expect(reviewer.locator("main")).to_contain_text("证据收集")
    for code, points in SCORES.items():
        reviewer.locator(f'input[name="scores__{code}"]').fill(points)
    reviewer.locator('input[name="scores__intake"]').fill("15")  # the item's maximum is 10
    reviewer.locator('input[name="scores__intake"]').evaluate("input => input.removeAttribute('max')")
    reviewer.get_by_role("button", name="提交").click()
    expect(reviewer.locator("#form-error-summary")).to_be_visible()
    review.refresh_from_db()
    assert review.grade == ""
    reviewer.locator('input[name="scores__intake"]').fill(SCORES["intake"])
    reviewer.get_by_role("button", name="提交").click()
    reviewer.wait_for_url(f"{live_server.url}/tasks/")
    review.refresh_from_db()
    assert (review.total, review.grade) == (86, "good")

    # the director sees the grade on the quality page
    director.goto(f"{live_server.url}/quality/")
    expect(director.locator("main")).to_contain_text("良好")

    # a recipient complains on a phone that their lawyer neglects the case
    case_id = handled_case(world)
    tracking_no = Application.objects.get(pk=case_id).tracking_no
    phone = login(browser, live_server, world.applicant.username)
    phone.goto(f"{live_server.url}/complaints/new/")
    form = phone.locator("#complaint-form")
    form.locator('select[name="application"]').select_option(str(case_id))
    form.locator('input[name="about"][value="provider"]').check()
    form.locator("button[type=submit]").click()
    expect(phone.locator("#form-error-summary")).to_be_visible()  # no ground, no facts: the form again
    assert not Complaint.objects.exists()
    form = phone.locator("#complaint-form")
    form.locator('select[name="ground"]').select_option("neglect")
    form.locator('textarea[name="facts"]').fill("律师接受指派后两个月没有联系我，开庭时间也没有告知。")
    form.locator("button[type=submit]").click()
    complaint = Complaint.objects.get()
    phone.wait_for_url(f"{live_server.url}/complaints/{complaint.pk}/")
    expect(phone.locator("#accept-due")).to_be_visible()

    # the director accepts it, then decides it: founded, with the reply the recipient will read
    for step in ("accept", "decide"):
        director.goto(f"{live_server.url}/tasks/")
        director.locator("tr", has_text=tracking_no).filter(has_text="投诉").get_by_role("link").first.click()
        if step == "accept":
            director.get_by_label("受理投诉").check()
        else:
            director.locator('select[name="outcome"]').select_option("founded")
            director.locator('textarea[name="reply"]').fill(
                "经核查投诉属实，已责令律师限期改正，并在三日内与您联系。"
            )
        director.get_by_role("button", name="提交").click()
        director.wait_for_url(f"{live_server.url}/tasks/")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == ("decided", "founded")

    # the recipient reads the reply on the status page and downloads the reply letter
    phone.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    expect(phone.locator("#complaint-reply")).to_contain_text("已责令律师限期改正")
    letter = phone.request.get(live_server.url + phone.locator("#reply-letter").get_attribute("href"))
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    text = "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(letter.body())).pages
    )
    assert "限期改正" in text
