"""The complaint pages (site): a citizen files one and follows it on its status page, a clerk records a
caller's, the director asks once for missing information and the citizen supplies it, the reply and its
letter show to the complainant; the provider complained about sees no complainant."""

import pytest
from django.test import Client

from aid_cases.models import Application
from quality.models import Complaint
from workflows.complaints import complaint_submit

from .test_complaints_api import accept, decide, handled_case

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_citizen_files_a_complaint_and_reads_the_reply(handling_world):
    world = handling_world
    case_id = handled_case(world)
    case = Application.objects.get(pk=case_id)
    citizen = _client(world.applicant)
    page = citizen.get("/complaints/new/")
    assert page.status_code == 200
    assert case.tracking_no in page.content.decode()  # their case to choose
    assert 'name="complainant_name"' not in page.content.decode()  # online: the account complains
    # no ground: 400, the form again, nothing saved
    bad = citizen.post(
        "/complaints/new/",
        {"application": str(case_id), "about": "provider", "ground": "", "facts": "不联系"},
    )
    assert bad.status_code == 400 and Complaint.objects.count() == 0
    assert 'id="form-error-summary"' in bad.content.decode()
    sent = citizen.post(
        "/complaints/new/",
        {
            "application": str(case_id),
            "about": "provider",
            "ground": "neglect",
            "facts": "律师两个月不联系我。",
        },
    )
    complaint = Complaint.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/complaints/{complaint.pk}/"
    status = citizen.get(sent["Location"])
    html = status.content.decode()
    assert status.status_code == 200
    assert complaint.number in html and 'id="accept-due"' in html and "律师1" in html
    assert complaint.get_status_display() in html
    listed = citizen.get("/complaints/")
    assert listed.status_code == 200 and f"/complaints/{complaint.pk}/" in listed.content.decode()
    # the director accepts and decides; the citizen reads the outcome, the reply and the letter's link
    assert accept(world, complaint.pk).status_code == 200
    assert (
        decide(world, complaint.pk, outcome="founded", reply="已责令律师限期改正并向您说明情况。").status_code
        == 200
    )
    html = citizen.get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'id="complaint-outcome"' in html and "已责令律师限期改正并向您说明情况。" in html
    assert f"/api/v1/complaints/{complaint.pk}/reply-letter/" in html and 'id="complaint-route"' in html
    letter = citizen.get(f"/api/v1/complaints/{complaint.pk}/reply-letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    # the lawyer complained about: the complaint and its outcome, not who made it, nor the reply
    lawyer_page = _client(world.lawyers[0][0]).get(f"/complaints/{complaint.pk}/").content.decode()
    assert complaint.complainant_name not in lawyer_page and "reply-letter" not in lawyer_page
    assert "已责令律师限期改正" not in lawyer_page and 'id="complaint-outcome"' in lawyer_page
    # anyone else: 404
    assert _client(world.other_applicant).get(f"/complaints/{complaint.pk}/").status_code == 404
    assert _client(world.lawyers[1][0]).get(f"/complaints/{complaint.pk}/").status_code == 404


def test_a_clerk_records_a_callers_complaint_and_the_director_takes_it_from_the_page(handling_world):
    world = handling_world
    case = Application.objects.get(pk=handled_case(world))
    clerk = _client(world.clerk)
    page = clerk.get("/complaints/new/")
    assert page.status_code == 200 and 'name="complainant_name"' in page.content.decode()
    unknown = clerk.post(
        "/complaints/new/",
        {
            "tracking_no": "JDZ-ZHUSHAN-2099-999999",
            "about": "provider",
            "ground": "fees_taken",
            "facts": "收钱",
        },
    )
    assert unknown.status_code == 400 and Complaint.objects.count() == 0
    sent = clerk.post(
        "/complaints/new/",
        {
            "tracking_no": case.tracking_no.lower(),
            "about": "provider",
            "ground": "fees_taken",
            "facts": "来电反映律师收取500元。",
            "complainant_name": "吕春花",
            "complainant_phone": "13907980001",
        },
    )
    assert sent.status_code == 302, sent.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.source == "clerk" and complaint.complainant_name == "吕春花"
    director = _client(world.director)
    html = director.get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'id="complaint-task"' in html and 'id="notice"' in html and "13907980001" in html
    listed = director.get("/complaints/").content.decode()
    assert f"complaint-row-{complaint.pk}" in listed and "吕春花" in listed
    # the task page shows the complaint with who made it
    task_url = html.split('id="complaint-task"')[0].rsplit('href="', 1)[1].split('"')[0]
    task_page = director.get(task_url)
    assert task_page.status_code == 200 and "来电反映律师收取500元。" in task_page.content.decode()


def test_missing_information_asked_once_and_supplied_on_the_status_page(handling_world):
    world = handling_world
    citizen = _client(world.applicant)
    citizen.post(
        "/complaints/new/",
        {
            "application": str(handled_case(world)),
            "about": "staff",
            "ground": "misconduct",
            "facts": "态度恶劣",
        },
    )
    complaint = Complaint.objects.get()
    director = _client(world.director)
    empty = director.post(f"/complaints/{complaint.pk}/", {"action": "ask", "notice-missing": ""})
    assert empty.status_code == 400
    asked = director.post(
        f"/complaints/{complaint.pk}/",
        {"action": "ask", "notice-missing": "请说明发生的时间、地点和工作人员。"},
    )
    assert asked.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "supplement" and complaint.accept_due is None
    assert 'id="notice"' not in director.get(f"/complaints/{complaint.pk}/").content.decode()  # once only
    page = citizen.get(f"/complaints/{complaint.pk}/").content.decode()
    assert 'id="supply"' in page and "请说明发生的时间、地点和工作人员。" in page
    supplied = citizen.post(
        f"/complaints/{complaint.pk}/",
        {"action": "supply", "supply-information": "5月6日上午，窗口工作人员。"},
    )
    assert supplied.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "received" and complaint.accept_due is not None
    assert complaint.supplement == "5月6日上午，窗口工作人员。"
    # an action that is no longer possible changes nothing
    again = citizen.post(f"/complaints/{complaint.pk}/", {"action": "supply", "supply-information": "又一次"})
    assert again.status_code == 302
    complaint.refresh_from_db()
    assert complaint.supplement == "5月6日上午，窗口工作人员。"


def test_the_directors_quality_page_lists_the_open_complaints_with_the_due_date_of_their_step(handling_world):
    world = handling_world
    case_id = handled_case(world)
    complaint, _created = complaint_submit(
        acting_user=world.applicant,
        about="provider",
        application=Application.objects.get(pk=case_id),
        ground="neglect",
        facts="律师不联系我。",
        source="online",
    )
    html = _client(world.director).get("/quality/").content.decode()
    assert 'id="quality-complaints"' in html and complaint.number in html
    assert f"{complaint.accept_due:%Y}年{complaint.accept_due.month}月{complaint.accept_due.day}日" in html
    # accepted: the decision's due date is the one shown; decided: no longer listed
    assert accept(world, complaint.pk).status_code == 200
    complaint.refresh_from_db()
    html = _client(world.director).get("/quality/").content.decode()
    assert f"{complaint.decide_due.month}月{complaint.decide_due.day}日" in html
    assert decide(world, complaint.pk).status_code == 200
    assert complaint.number not in _client(world.director).get("/quality/").content.decode()
