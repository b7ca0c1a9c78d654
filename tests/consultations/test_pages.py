"""The consultation pages: a citizen asks and reads the answer (and applies from it, pre-filled); a
center's staff keep the log with the year's reply rate and record hotline and window consultations;
other roles get 403."""

import re

import pytest
from django.test import Client

from aid_cases.models import Application
from consultations.models import Consultation
from tests.site_ui.test_application_pages import FORM

from .consultation_world import QUESTION, answer, asked

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_citizen_asks_on_the_page_and_reads_the_answer(world):
    client = client_for(world.applicant)
    page = client.get("/consultations/")
    assert page.status_code == 200
    assert 'id="consultation-form"' in page.content.decode()
    response = client.post(
        "/consultations/", {"region": "zhushan", "matter_type": "wage_arrears", "question": QUESTION}
    )
    assert response.status_code == 302 and response["Location"] == "/consultations/"
    consultation = Consultation.objects.get()
    assert (consultation.asker, consultation.channel) == (world.applicant, "online")
    html = client.get("/consultations/").content.decode()
    assert QUESTION in html and consultation.number in html
    assert f'id="consultation-answer-{consultation.pk}"' not in html

    assert answer(world, world.reviewer, consultation.pk).status_code == 200
    html = client.get("/consultations/").content.decode()
    assert "可以申请劳动仲裁，也可以申请法律援助。" in html
    # referred to apply: the answer links to the application form, pre-filled
    assert f'href="/apply/?consultation={consultation.pk}"' in html
    # another citizen sees none of it
    assert QUESTION not in client_for(world.other_applicant).get("/consultations/").content.decode()


def test_a_question_without_a_matter_type_is_refused_on_the_page_and_nothing_is_saved(world):
    response = client_for(world.applicant).post(
        "/consultations/", {"region": "zhushan", "matter_type": "", "question": QUESTION}
    )
    assert response.status_code == 400
    assert 'id="id_matter_type_error"' in response.content.decode()
    assert not Consultation.objects.exists()


def test_an_anonymous_question_from_the_page_keeps_no_personal_data(world):
    client = client_for(world.applicant)
    response = client.post(
        "/consultations/",
        {"region": "zhushan", "matter_type": "maintenance", "question": QUESTION, "anonymous": "on"},
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert (consultation.anonymous, consultation.asker_id, consultation.asker_name) == (True, None, "")


def test_an_application_is_prefilled_from_a_consultation_the_user_may_see(world):
    consultation_id = asked(world, matter_type="maintenance", question="子女不付赡养费，能否申请法律援助？")
    html = client_for(world.applicant).get(f"/apply/?consultation={consultation_id}").content.decode()
    assert "子女不付赡养费，能否申请法律援助？</textarea>" in html
    assert re.search(r'<option value="maintenance" selected>', html)
    assert re.search(r'<option value="zhushan" selected>', html)
    # the center's clerk records the application from it as well
    html = client_for(world.clerk).get(f"/apply/?consultation={consultation_id}").content.decode()
    assert "子女不付赡养费，能否申请法律援助？</textarea>" in html
    # another citizen, a bad id: the empty form, the same page
    for client, query in (
        (client_for(world.other_applicant), consultation_id),
        (client_for(world.applicant), "abc"),
        (client_for(world.applicant), "99999999999999999999"),
    ):
        response = client.get(f"/apply/?consultation={query}")
        assert response.status_code == 200
        assert "子女不付赡养费" not in response.content.decode()


def test_an_application_filed_from_the_prefilled_form_is_recorded_on_its_consultation(world):
    consultation_id = asked(world, matter_type="wage_arrears", question="老板拖欠工资三个月，怎么办？")
    page = client_for(world.applicant).get(f"/apply/?consultation={consultation_id}").content.decode()
    assert f'name="consultation" value="{consultation_id}"' in page
    form = {**FORM, "matter_summary": "老板拖欠工资三个月，怎么办？", "consultation": str(consultation_id)}
    response = client_for(world.applicant).post("/apply/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.latest("pk")
    assert Consultation.objects.get(pk=consultation_id).application == application
    # another citizen's consultation id sent with a filing links nothing, and the filing still stands
    theirs = asked(world, user=world.other_applicant)
    response = client_for(world.applicant).post("/apply/", {**FORM, "consultation": str(theirs)})
    assert response.status_code == 302
    assert Consultation.objects.get(pk=theirs).application is None


def test_the_centers_log_shows_the_reply_rate_and_the_open_question_to_answer(world):
    consultation_id = asked(world)
    html = client_for(world.reviewer).get("/consultations/").content.decode()
    assert 'id="consultation-figures"' in html and 'id="reply-rate"' in html
    match = re.search(rf'href="/tasks/(\d+)/" id="consultation-task-{consultation_id}"', html)
    assert match, html
    task_page = client_for(world.reviewer).get(f"/tasks/{match.group(1)}/")
    assert task_page.status_code == 200 and QUESTION in task_page.content.decode()
    assert client_for(world.reviewer).get("/consultations/?year=abc").status_code == 200
    # the bureau sees the region's log and figures
    html = client_for(world.bureau_officer).get("/consultations/").content.decode()
    assert QUESTION in html and 'id="consultation-figures"' in html


def test_the_task_page_answers_the_question(world):
    consultation_id = asked(world)
    client = client_for(world.duty_lawyer)
    html = client.get("/consultations/").content.decode()
    task_id = re.search(rf'href="/tasks/(\d+)/" id="consultation-task-{consultation_id}"', html).group(1)
    response = client.post(
        f"/tasks/{task_id}/", {"answer": "建议先申请劳动仲裁。", "referral": "", "minutes": "10"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation = Consultation.objects.get(pk=consultation_id)
    assert (consultation.status, consultation.answered_by, consultation.minutes) == (
        "answered",
        world.duty_lawyer,
        10,
    )


def test_staff_record_a_window_consultation(world):
    client = client_for(world.clerk)
    assert client.get("/consultations/record/").status_code == 200
    form = {
        "channel": "window",
        "region": "",
        "matter_type": "wage_arrears",
        "question": "包工头跑了，工资找谁要？",
        "answer": "可以向劳动保障监察部门投诉。",
        "referral": "other_authority",
        "minutes": "20",
        "anonymous": "on",
    }
    response = client.post("/consultations/record/", form)
    assert response.status_code == 302 and response["Location"] == "/consultations/"
    consultation = Consultation.objects.get()
    assert (consultation.channel, consultation.status, consultation.anonymous) == ("window", "answered", True)
    assert consultation.region == world.center.region
    # no matter type: the form again, nothing more saved
    response = client.post("/consultations/record/", {**form, "matter_type": ""})
    assert response.status_code == 400 and Consultation.objects.count() == 1
    html = client.get("/consultations/").content.decode()
    assert "包工头跑了，工资找谁要？" in html and 'id="recorded">1<' in html


@pytest.mark.parametrize("who", ["firm_lawyer", "firm_admin"])
def test_other_roles_get_403(world, who):
    client = client_for(getattr(world, who))
    assert client.get("/consultations/").status_code == 403
    assert client.get("/consultations/record/").status_code == 403


def test_citizens_do_not_record_and_the_bureau_does_not_ask(world):
    assert client_for(world.applicant).get("/consultations/record/").status_code == 403
    response = client_for(world.bureau_officer).post(
        "/consultations/", {"region": "zhushan", "matter_type": "other", "question": "问"}
    )
    assert response.status_code == 403 and not Consultation.objects.exists()


def test_the_menus_and_the_public_home_link_to_the_consultations(world):
    assert 'href="/consultations/"' in Client().get("/").content.decode()
    for who in ("applicant", "clerk", "reviewer", "bureau_officer"):
        assert 'href="/consultations/"' in client_for(getattr(world, who)).get("/lookup/").content.decode(), (
            who
        )
