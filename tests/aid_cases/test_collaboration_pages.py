"""The site's pages of collaboration letters: the case page's link for its center's reviewers, the form (a
chosen Sunday moves to Monday and the page says so; bad input is 400 with nothing saved), the list with
its overdue flag, the letter's page with the task for the receiving center and the form for a center
outside the city, and the menu entry of the centers' staff."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from aid_cases.models import CollaborationLetter
from demo.collaboration import seed_collaboration_rule
from tests.world import approved_case, tasks

from .test_collaboration_api import add_changjiang, counts, send

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(handling_world, make_member):
    world = add_changjiang(handling_world, make_member)
    world.case_id = approved_case(world)
    return world


def _site(user) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user.pk))
    return client


def _form(world, **overrides):
    data = {
        "to_center": str(world.changjiang.pk),
        "to_outside_name": "",
        "request": "evidence",
        "details": "请协助调取工资发放记录。",
        "due": "",
    }
    data.update(overrides)
    return data


def test_the_case_page_offers_the_form_to_its_reviewers_only(world):
    new = f"/applications/{world.case_id}/collaboration/new/"
    for user in (world.reviewer, world.director):
        html = _site(user).get(f"/applications/{world.case_id}/").content.decode()
        assert f'href="{new}"' in html, user.username
        assert _site(user).get(new).status_code == 200, user.username
    for user in (world.clerk, world.applicant):
        html = _site(user).get(f"/applications/{world.case_id}/").content.decode()
        assert f'href="{new}"' not in html and 'id="collaboration"' not in html, user.username
    for user in (world.clerk, world.applicant, world.cj_reviewer, world.other_reviewer, world.lawyers[0][0]):
        assert _site(user).get(new).status_code == 404, user.username
        assert _site(user).post(new, _form(world)).status_code == 404, user.username
    # the form offers the other centers of the city and one outside it, never the case's own
    html = _site(world.reviewer).get(new).content.decode()
    assert f'value="{world.changjiang.pk}"' in html and f'value="{world.center.pk}"' not in html


def test_a_sunday_moves_to_monday_and_the_page_says_so(world, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime.datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)
    )
    client = _site(world.reviewer)
    response = client.post(
        f"/applications/{world.case_id}/collaboration/new/", _form(world, due="2026-03-15"), follow=True
    )
    assert response.status_code == 200
    letter = CollaborationLetter.objects.get()
    assert (letter.due, letter.due_requested) == (datetime.date(2026, 3, 16), datetime.date(2026, 3, 15))
    assert response.redirect_chain[-1][0] == f"/collaboration/{letter.pk}/"
    html = response.content.decode()
    assert 'id="letter-due-moved"' in html and "2026年3月15日" in html and "2026年3月16日" in html
    assert "2026年3月15日" in str(list(response.context["messages"])[0])
    # the case page lists the letter for its center
    case_page = client.get(f"/applications/{world.case_id}/").content.decode()
    assert f'href="/collaboration/{letter.pk}/"' in case_page


def test_bad_input_is_400_on_the_page_and_nothing_is_saved(world):
    before = counts()
    client = _site(world.reviewer)
    response = client.post(
        f"/applications/{world.case_id}/collaboration/new/",
        _form(world, to_center="", to_outside_name="", details="", request="", due="2020-01-01"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"to_center", "details", "request", "due"} <= set(form.errors)
    assert counts() == before


def test_a_center_outside_the_city_by_name_on_the_form(world):
    client = _site(world.reviewer)
    new = f"/applications/{world.case_id}/collaboration/new/"
    # a center of the city and a name outside it at once: 400, nothing saved
    before = counts()
    both = client.post(new, _form(world, to_outside_name="南昌市法律援助中心"))
    assert both.status_code == 400 and "to_outside_name" in both.context["form"].errors
    assert counts() == before
    sent = client.post(new, _form(world, to_center="outside", to_outside_name="南昌市法律援助中心"))
    assert sent.status_code == 302
    letter = CollaborationLetter.objects.get()
    assert letter.to_center is None and letter.to_outside_name == "南昌市法律援助中心"


def test_the_list_flags_overdue_letters_and_links_the_task(world, monkeypatch):
    sent_id = send(world, world.case_id).json()["id"]
    later = CollaborationLetter.objects.get(pk=sent_id).due + datetime.timedelta(days=1)
    monkeypatch.setattr(
        "django.utils.timezone.now",
        lambda: datetime.datetime(later.year, later.month, later.day, 9, 0, tzinfo=SHANGHAI),
    )
    html = _site(world.cj_reviewer).get("/collaboration/").content.decode()
    assert f'id="letter-row-{sent_id}" class="site-overdue"' in html and 'id="overdue-count"' in html
    (task,) = tasks(world, world.cj_reviewer, "queue", world.case_id, "answer_collaboration")
    assert f'href="/tasks/{task["id"]}/"' in html
    # the requesting center sees it too, sent, without the receiving center's task
    html = _site(world.reviewer).get("/collaboration/?direction=sent").content.decode()
    assert f'id="letter-row-{sent_id}"' in html and f'href="/tasks/{task["id"]}/"' not in html
    assert (
        f'id="letter-row-{sent_id}"'
        not in _site(world.reviewer).get("/collaboration/?direction=received").content.decode()
    )
    # and the letter's page for the receiving center opens the task
    page = _site(world.cj_reviewer).get(f"/collaboration/{sent_id}/").content.decode()
    assert f'id="letter-task" href="/tasks/{task["id"]}/"' in page or f'href="/tasks/{task["id"]}/"' in page


def test_the_answer_of_a_center_outside_the_city_is_recorded_on_the_letters_page(world):
    letter_id = send(world, world.case_id, to_center_id=None, to_outside_name="南昌市法律援助中心").json()[
        "id"
    ]
    path = f"/collaboration/{letter_id}/"
    assert 'id="record-answer"' in _site(world.reviewer).get(path).content.decode()
    assert 'id="record-answer"' not in _site(world.clerk).get(path).content.decode()
    assert _site(world.clerk).post(path, {"done": "true", "result": "x"}).status_code == 302
    assert CollaborationLetter.objects.get(pk=letter_id).status == "sent"
    client = _site(world.reviewer)
    missing = client.post(path, {"done": "false", "reason": ""})
    assert missing.status_code == 400 and "reason" in missing.context["form"].errors
    assert client.post(path, {"done": "false", "reason": "对方回函称无法联系到证人。"}).status_code == 302
    letter = CollaborationLetter.objects.get(pk=letter_id)
    assert letter.status == "refused" and letter.reason == "对方回函称无法联系到证人。"
    assert 'id="record-answer"' not in client.get(path).content.decode()


def test_the_menu_has_the_letters_for_the_centers_staff(world):
    for user in (world.reviewer, world.director, world.clerk, world.cj_reviewer):
        assert 'href="/collaboration/"' in _site(user).get("/").content.decode(), user.username
    for user in (world.applicant, world.lawyers[0][0], world.bureau_officer):
        assert 'href="/collaboration/"' not in _site(user).get("/").content.decode(), user.username


def test_the_demo_rule_is_seeded_once():
    from aid_cases.models import CollaborationRule

    assert seed_collaboration_rule() == 1 and seed_collaboration_rule() == 0
    row = CollaborationRule.objects.get()
    assert row.region is None and row.answer_days == 10 and row.is_demo
