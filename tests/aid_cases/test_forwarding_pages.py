"""The forwarding pages (Art 39): the unit officer's form, the list with its late flags and the counts
per unit for the unit, the center and the bureau; the menus that lead there."""

import re

import pytest
from django.test import Client

from aid_cases.models import Application, ForwardedRequest
from directory import services
from directory.choices import Role

from .forwarding_world import DETAINEE_ID, at, counts, forwarded, set_clock

pytestmark = pytest.mark.django_db

FORM = {
    "received_at": "2026-12-04T23:00",
    "person_name": "周国强",
    "person_id_number": DETAINEE_ID,
    "place": "景德镇市珠山区看守所 三监区",
    "region": "zhushan",
    "matter_category": "criminal",
    "matter_type": "criminal_defence",
    "defence_reason": "economic_hardship",
    "matter_summary": "涉嫌盗窃罪被刑事拘留，家庭困难无力委托辩护人。",
    "opposing_party": "",
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))


def menu_of(html: str) -> str:
    return re.search(r'<aside class="vf-page__menu.*?</aside>', html, re.S).group(0)


def test_the_form_offers_the_fields_with_the_units_defaults(forwarding_world):
    response = client_for(forwarding_world.officer).get("/forwarded/new/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in FORM:
        assert f'name="{name}"' in html, name
    assert 'name="unit_id"' not in html  # one unit: nothing to choose
    assert 'value="景德镇市珠山区看守所"' in html  # the place defaults to the detention center
    assert 'type="datetime-local"' in html and "csrfmiddlewaretoken" in html


def test_an_officer_of_two_units_chooses_the_unit(forwarding_world):
    services.membership_grant(
        acting_user=None,
        user=forwarding_world.officer,
        organisation=forwarding_world.other_detention,
        role=Role.DETENTION_OFFICER,
    )
    client = client_for(forwarding_world.officer)
    html = client.get("/forwarded/new/").content.decode()
    assert 'name="unit_id"' in html and "乐平市看守所" in html
    response = client.post(
        "/forwarded/new/", {**FORM, "unit_id": forwarding_world.other_detention.pk, "region": "leping"}
    )
    assert response.status_code == 302
    assert ForwardedRequest.objects.get().unit == forwarding_world.other_detention
    # a unit that is not one of theirs is not a choice
    before = counts()
    response = client.post("/forwarded/new/", {**FORM, "unit_id": forwarding_world.police.pk})
    assert response.status_code == 400 and counts() == before


def test_a_forward_in_time_goes_to_the_list(forwarding_world):
    response = client_for(forwarding_world.officer).post("/forwarded/new/", FORM)
    assert response.status_code == 302 and response["Location"] == "/forwarded/"
    application = Application.objects.get()
    assert application.channel == "forwarded" and not application.forwarded_request.forwarded_late
    page = client_for(forwarding_world.officer).get("/forwarded/").content.decode()
    assert application.tracking_no in page and "site-badge--overdue" not in page


def test_a_late_forward_is_flagged_on_the_list(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 23, 30))
    client = client_for(forwarding_world.officer)
    response = client.post("/forwarded/new/", FORM, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    application = Application.objects.get()
    assert application.forwarded_request.forwarded_late
    row = re.search(
        r'<table class="site-table site-forward-table" id="forwarded">.*?</table>', html, re.S
    ).group(0)
    assert application.tracking_no in row and "site-badge--overdue" in row
    assert "12月5日 23:00" in row  # when it was due
    counts_table = re.search(
        r'<table class="site-table" id="forwarding-counts">.*?</table>', html, re.S
    ).group(0)
    assert "景德镇市珠山区看守所" in counts_table and "<td" in counts_table


def test_bad_input_comes_back_on_the_form_and_saves_nothing(forwarding_world):
    before = counts()
    response = client_for(forwarding_world.officer).post(
        "/forwarded/new/",
        {
            **FORM,
            "person_id_number": "36020319900308456X",
            "matter_category": "civil",
            "received_at": "2026-12-06T09:00",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    # the service's errors, every one at once, on the form's fields
    for field in ("person_id_number", "matter_type", "received_at"):
        assert f'id="id_{field}_error"' in html, field
    assert counts() == before


@pytest.mark.parametrize("who", ["reviewer", "clerk", "applicant", "lawyer", "bureau_officer"])
def test_roles_that_never_forward_get_403_from_the_form(forwarding_world, who):
    client = client_for(getattr(forwarding_world, who))
    assert client.get("/forwarded/new/").status_code == 403
    assert client.post("/forwarded/new/", FORM).status_code == 403


def test_the_center_sees_its_forwards_and_the_counts_per_unit(forwarding_world, monkeypatch):
    forwarded(forwarding_world)
    set_clock(monkeypatch, at(6, 9, 0))
    late = forwarded(forwarding_world, user=forwarding_world.police_officer, place="珠山分局执法办案中心")
    html = client_for(forwarding_world.reviewer).get("/forwarded/").content.decode()
    counts_table = re.search(r'id="forwarding-counts">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", counts_table.split("<tbody>")[1].split("</tbody>")[0], re.S)
    cells = [re.findall(r"<td[^>]*>([^<]*)", row) for row in rows]
    assert [(c[0], c[1], c[2].strip()) for c in cells] == [
        ("景德镇市公安局珠山分局", "1", "1"),
        ("景德镇市珠山区看守所", "1", "0"),
    ]
    assert late.tracking_no in html and "珠山分局执法办案中心" in html
    # the other center's reviewer: an empty page, not another center's forwards
    other = client_for(forwarding_world.other_reviewer).get("/forwarded/")
    assert other.status_code == 200 and late.tracking_no not in other.content.decode()


def test_the_bureau_sees_the_counts_but_no_case(forwarding_world):
    application = forwarded(forwarding_world)
    response = client_for(forwarding_world.bureau_officer).get("/forwarded/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "景德镇市珠山区看守所" in html and application.tracking_no not in html
    assert 'id="forwarded"' not in html


def test_a_year_without_forwards_and_a_bad_year(forwarding_world):
    forwarded(forwarding_world)
    client = client_for(forwarding_world.officer)
    past = client.get("/forwarded/?year=2025").content.decode()
    counts_table = re.search(r'id="forwarding-counts">.*?</table>', past, re.S).group(0)
    assert "景德镇市珠山区看守所" not in counts_table
    for bad in ("abc", "1999", "99999999999999999999"):
        assert client.get(f"/forwarded/?year={bad}").status_code == 200


@pytest.mark.parametrize("who", ["applicant", "lawyer"])
def test_roles_without_forwards_get_403_from_the_list(forwarding_world, who):
    assert client_for(getattr(forwarding_world, who)).get("/forwarded/").status_code == 403


def test_the_menus_lead_to_the_forwarding_pages(forwarding_world):
    detention = menu_of(client_for(forwarding_world.officer).get("/lookup/").content.decode())
    assert 'href="/forwarded/new/"' in detention and 'href="/forwarded/"' in detention
    police = menu_of(client_for(forwarding_world.police_officer).get("/lookup/").content.decode())
    assert 'href="/forwarded/new/"' in police
    # the home page's cards: the detention officer's work is here now; the center's and the bureau's
    # cards lead to the forwards and their counts
    for who in ("officer", "reviewer", "director", "bureau_officer"):
        home = client_for(getattr(forwarding_world, who)).get("/").content.decode()
        assert 'href="/forwarded/"' in home, who
    assert 'href="/forwarded/"' not in client_for(forwarding_world.applicant).get("/").content.decode()
