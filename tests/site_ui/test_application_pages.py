"""The process through the site's pages (the task views), as a citizen and a reviewer use it."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from aid_cases.models import Application, ApplicationDocument
from tests.world import ADULT_ID

pytestmark = pytest.mark.django_db


def first_task_id(html: str) -> int:
    return int(re.search(r'href="/tasks/(\d+)/"', html).group(1))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FORM = {
    "region": "zhushan",
    "applicant_name": "吕春花",
    "applicant_id_number": ADULT_ID,
    "applicant_phone": "13907980001",
    "applicant_address": "珠山区新村路1号",
    "matter_category": "civil",
    "matter_type": "wage_arrears",
    "matter_summary": "工地拖欠工资",
    "opposing_party": "某建筑公司",
    "household_size": "3",
    "monthly_income": "2400.00",
    "fixed_income": "yes",
    "categories": ["migrant_worker"],
    "pledge": "on",
}


def file_via_form(actors, **overrides):
    response = client_for(actors.applicant).post("/apply/", {**FORM, **overrides})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Application.objects.latest("pk")


def test_form_page_renders_in_chinese_with_the_pledge(actors):
    html = client_for(actors.applicant).get("/apply/").content.decode()
    assert "申请法律援助" in html and "个人诚信承诺" in html and 'id="means-preview"' in html


def test_preview_shows_the_means_test_live(actors):
    response = client_for(actors.applicant).post("/apply/preview/", FORM)
    body = response.json()
    assert body["result"] == "exempt" and body["reasons"]
    above = client_for(actors.applicant).post(
        "/apply/preview/",
        {
            **FORM,
            "categories": [],
            "matter_type": "other",
            "household_size": "1",
            "monthly_income": "1200.01",
        },
    )
    assert above.json()["result"] == "not_eligible"
    assert client_for(actors.applicant).post("/apply/preview/", {"region": "atlantis"}).json() == {
        "result": None
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"applicant_id_number": ADULT_ID[:-1] + ("0" if ADULT_ID[-1] != "0" else "1")},
            "applicant_id_number",
        ),
        ({"household_size": "0"}, "household_size"),
        ({"monthly_income": "-5"}, "monthly_income"),
        ({"pledge": ""}, "pledge"),
        ({"region": "atlantis"}, "region"),
        ({"matter_type": "astrology"}, "matter_type"),
        ({"matter_summary": "字" * 10_000}, "matter_summary"),
    ],
)
def test_bad_form_input_is_a_chinese_field_error_and_saves_nothing(actors, overrides, field):
    data = {**FORM, **overrides}
    if overrides.get("pledge") == "":
        del data["pledge"]
    response = client_for(actors.applicant).post("/apply/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not Application.objects.exists()


def test_reviewer_takes_and_approves_through_the_task_views(actors):
    application = file_via_form(actors)
    reviewer = client_for(actors.reviewer)
    tasks_page = reviewer.get("/tasks/").content.decode()
    assert application.tracking_no in tasks_page and "特殊群体" in tasks_page  # a migrant worker: priority
    task_id = first_task_id(tasks_page)
    detail = reviewer.get(f"/tasks/{task_id}/").content.decode()
    assert "经济困难审查" in detail and "免予" in detail and ADULT_ID in detail
    reviewer.post(f"/tasks/{task_id}/", {"action": "claim"})
    assert "reviewer_zhushan" in reviewer.get("/tasks/").content.decode()
    refuse_without_reason = reviewer.post(f"/tasks/{task_id}/", {"outcome": "refuse", "reason": ""})
    assert refuse_without_reason.status_code == 400
    # a migrant worker's exemption stands on its proof (Art 42): confirmed here, or reasons given
    assert "证明材料待核实" in detail
    assert reviewer.post(f"/tasks/{task_id}/", {"outcome": "approve"}).status_code == 400
    done = reviewer.post(f"/tasks/{task_id}/", {"outcome": "approve", "proof_confirmed": "on"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == "assigning"
    # the applicant's page shows the timeline and the letters
    page = client_for(actors.applicant).get(f"/applications/{application.pk}/").content.decode()
    assert "决定给予法律援助" in page and "给予法律援助决定书" in page and "受理回执" in page
    # other people's pages answer 404
    assert client_for(actors.other_applicant).get(f"/applications/{application.pk}/").status_code == 404
    assert client_for(actors.other_reviewer).get(f"/tasks/{task_id}/").status_code == 404


def test_supplement_through_the_applicant_page_refuses_an_exe(actors):
    application = file_via_form(actors)
    reviewer = client_for(actors.reviewer)
    task_id = first_task_id(reviewer.get("/tasks/").content.decode())
    reviewer.post(
        f"/tasks/{task_id}/", {"outcome": "request_supplement", "missing_items": "户口簿\n收入证明"}
    )
    applicant = client_for(actors.applicant)
    page = applicant.get(f"/applications/{application.pk}/").content.decode()
    assert "户口簿" in page and "收入证明" in page
    exe = SimpleUploadedFile("工资条.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")
    applicant.post(
        f"/applications/{application.pk}/", {"action": "supplement", "materials": exe, "note": "x"}
    )
    application.refresh_from_db()
    assert application.status == "supplement_requested" and not ApplicationDocument.objects.exists()
    pdf = SimpleUploadedFile("工资条.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    applicant.post(
        f"/applications/{application.pk}/", {"action": "supplement", "materials": pdf, "note": "已补"}
    )
    application.refresh_from_db()
    assert application.status == "under_review" and ApplicationDocument.objects.count() == 1


def test_objection_through_the_page_and_the_bureau_task_view(actors):
    application = file_via_form(
        actors, categories=[], matter_type="other", household_size="1", monthly_income="9000"
    )
    reviewer = client_for(actors.reviewer)
    task_id = first_task_id(reviewer.get("/tasks/").content.decode())
    reviewer.post(f"/tasks/{task_id}/", {"outcome": "refuse", "reason": "收入高于标准"})
    applicant = client_for(actors.applicant)
    assert "异议" in applicant.get(f"/applications/{application.pk}/").content.decode()
    applicant.post(f"/applications/{application.pk}/", {"action": "objection", "reason": "收入计算有误"})
    application.refresh_from_db()
    assert application.status == "objection"
    bureau = client_for(actors.bureau_officer)
    page = bureau.get("/tasks/").content.decode()
    objection_task = first_task_id(page)
    detail = bureau.get(f"/tasks/{objection_task}/").content.decode()
    assert "收入计算有误" in detail and ADULT_ID not in detail  # the bureau sees the ID masked
    bureau.post(f"/tasks/{objection_task}/", {"outcome": "correct", "reason": "应重新审查"})
    application.refresh_from_db()
    assert application.status == "under_review"


def test_public_track_page(actors):
    application = file_via_form(actors)
    public = Client()
    ok = public.get("/track/", {"tracking_no": application.tracking_no, "id_tail": ADULT_ID[-4:]})
    assert ok.status_code == 200
    html = ok.content.decode()
    assert "已提交" in html and "吕春花" not in html and ADULT_ID not in html
    miss = public.get("/track/", {"tracking_no": application.tracking_no, "id_tail": "0000"})
    assert miss.status_code == 404 and 'role="alert"' in miss.content.decode()


def test_my_applications_lists_only_mine(actors):
    mine = file_via_form(actors)
    html = client_for(actors.applicant).get("/my/applications/").content.decode()
    assert mine.tracking_no in html
    assert (
        mine.tracking_no not in client_for(actors.other_applicant).get("/my/applications/").content.decode()
    )


def test_clerk_records_a_window_request(actors):
    clerk = client_for(actors.clerk)
    assert "窗口" in clerk.get("/apply/").content.decode()
    response = clerk.post("/apply/", {**FORM, "channel": "window"})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.channel == "window" and application.filed_by == actors.clerk


def test_overdue_review_is_flagged(actors, monkeypatch):
    application = file_via_form(actors)
    later = timezone.now() + datetime.timedelta(days=30)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    html = client_for(actors.reviewer).get("/tasks/").content.decode()
    assert application.tracking_no in html and "已逾期" in html


def test_task_page_costs_the_same_queries_for_1_and_many(actors):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    file_via_form(actors)
    reviewer = client_for(actors.reviewer)
    reviewer.get("/tasks/")
    with CaptureQueriesContext(connection) as one:
        reviewer.get("/tasks/")
    for _ in range(10):
        file_via_form(actors)
    with CaptureQueriesContext(connection) as many:
        html = reviewer.get("/tasks/").content.decode()
    assert html.count('href="/tasks/') >= 11
    assert len(many.captured_queries) == len(one.captured_queries)


def test_provisional_aid_then_refused_confirmation_through_the_task_views(actors):
    soon = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    application = file_via_form(actors, urgent_deadline=soon)
    reviewer = client_for(actors.reviewer)
    task_id = first_task_id(reviewer.get("/tasks/").content.decode())
    assert reviewer.post(f"/tasks/{task_id}/", {"outcome": "provisional"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "assigning" and application.provisional
    from viewflow.workflow.models import Task

    # the confirming review waits beside the assignment (due sooner, so listed first)
    confirm_id = next(t.pk for t in Task.objects.filter(status="NEW") if t.flow_task.name == "confirm_review")
    assert f'href="/tasks/{confirm_id}/"' in reviewer.get("/tasks/").content.decode()
    page = reviewer.get(f"/tasks/{confirm_id}/").content.decode()
    assert "先行援助后审查确认" in page
    assert reviewer.post(f"/tasks/{confirm_id}/", {"confirm": "false", "reason": ""}).status_code == 400
    assert (
        reviewer.post(f"/tasks/{confirm_id}/", {"confirm": "false", "reason": "经核查收入超标"}).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == "terminated" and not application.provisional
    page = client_for(actors.applicant).get(f"/applications/{application.pk}/").content.decode()
    assert "终止法律援助决定书" in page and "提出异议" in page
