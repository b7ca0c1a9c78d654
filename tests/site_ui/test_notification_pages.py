"""The notified-defence pages: an agency officer's notice form and their unit's list (通知辩护)."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from aid_cases.models import Application, DefenceNotification
from directory.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, region, resident_id

pytestmark = pytest.mark.django_db

MINOR_ID = resident_id(datetime.date(2009, 6, 1))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def units(actors, make_member):
    police = OrganisationFactory(
        kind=OrganisationKind.POLICE, name="景德镇市公安局珠山分局", region=region("zhushan")
    )
    other = OrganisationFactory(kind=OrganisationKind.POLICE, name="乐平市公安局", region=region("leping"))
    actors.police_officer = make_member(Role.AGENCY_OFFICER, police, username="police_zhushan")
    actors.other_officer = make_member(Role.AGENCY_OFFICER, other, username="police_leping")
    return actors


FORM = {
    "agency_case_no": "珠公（刑）立字〔2026〕1138号",
    "received_at": "2026-11-13T10:00",
    "region": "zhushan",
    "stage": "investigation",
    "person_name": "程小军",
    "person_id_number": MINOR_ID,
    "person_birth_date": "",
    "grounds": ["blind_deaf_mute"],
    "charge": "盗窃罪",
}


def test_the_form_offers_every_field_with_the_units_own_stage_and_grounds(units):
    response = client_for(units.police_officer).get("/notifications/new/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "agency_case_no",
        "received_at",
        "region",
        "stage",
        "person_name",
        "person_id_number",
        "person_birth_date",
        "charge",
    ):
        assert f'name="{name}"' in html, name
    assert html.count('type="checkbox" name="grounds"') == 5  # the police: not the court's three grounds
    assert 'value="compulsory_treatment"' not in html and 'value="minor"' in html
    # received_at: a datetime-local field set to now; the unit's region chosen
    now = timezone.localtime()
    value = re.search(r'type="datetime-local" name="received_at" value="([^"]+)"', html).group(1)
    assert value.startswith(now.strftime("%Y-%m-%dT"))
    assert re.search(r'<option value="zhushan" selected>', html)
    assert '<option value="trial"' not in html  # the police notify at investigation
    assert "景德镇市公安局珠山分局" in html


def test_posting_the_form_records_the_notice_and_lists_it(units):
    client = client_for(units.police_officer)
    response = client.post("/notifications/new/", FORM)
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    notification = DefenceNotification.objects.get()
    application = notification.application
    assert application.status == "assigning" and application.assign_due == datetime.date(2026, 11, 16)
    assert application.defence_grounds == ["minor", "blind_deaf_mute"]
    page = client.get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert application.tracking_no in html and f'href="/applications/{application.pk}/"' in html
    assert "珠公（刑）立字〔2026〕1138号" in html and "程小军" in html
    assert "2026年11月16日" in html
    assert application.tracking_no in "".join(str(m) for m in page.context["messages"])
    # the case page opens for the officer
    assert client.get(f"/applications/{application.pk}/").status_code == 200


def test_bad_input_is_shown_in_chinese_and_saves_nothing(units):
    client = client_for(units.police_officer)
    bad_id = client.post("/notifications/new/", {**FORM, "person_id_number": "36020320090601123X"})
    assert bad_id.status_code == 400
    assert "身份证号码最后一位（校验码）不符" in bad_id.content.decode()
    no_name = client.post("/notifications/new/", {**FORM, "person_name": ""})
    assert no_name.status_code == 400 and "此项为必填项" in no_name.content.decode()
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post("/notifications/new/", {**FORM, "received_at": future}).status_code == 400
    assert client.post("/notifications/new/", {**FORM, "grounds": []}).status_code == 400
    assert not Application.objects.exists() and not DefenceNotification.objects.exists()


def test_the_same_notice_twice_names_the_first_case(units):
    client = client_for(units.police_officer)
    client.post("/notifications/new/", FORM)
    first = Application.objects.get()
    again = client.post("/notifications/new/", FORM)
    assert again.status_code == 409 and first.tracking_no in again.content.decode()
    assert Application.objects.count() == 1


def test_the_list_shows_only_the_units_own_notices(units):
    client_for(units.police_officer).post("/notifications/new/", FORM)
    client_for(units.other_officer).post(
        "/notifications/new/",
        {**FORM, "region": "leping", "agency_case_no": "乐公刑字2026-77号", "person_name": "吴某"},
    )
    own, other = (Application.objects.get(applicant__name=name) for name in ("程小军", "吴某"))
    html = client_for(units.police_officer).get("/notifications/").content.decode()
    assert own.tracking_no in html and other.tracking_no not in html and "吴某" not in html
    html = client_for(units.other_officer).get("/notifications/").content.decode()
    assert other.tracking_no in html and own.tracking_no not in html
    assert client_for(units.other_officer).get(f"/applications/{own.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["reviewer", "applicant", "bureau_officer"])
def test_other_roles_get_403(units, who):
    client = client_for(getattr(units, who))
    assert client.get("/notifications/new/").status_code == 403
    assert client.post("/notifications/new/", FORM).status_code == 403
    assert client.get("/notifications/").status_code == 403
    assert not DefenceNotification.objects.exists()


def test_the_officers_menu_and_home_link_to_the_pages(units):
    client = client_for(units.police_officer)
    html = client.get("/").content.decode()
    assert 'href="/notifications/new/"' in html and 'href="/notifications/"' in html
    for href in ("/notifications/new/", "/notifications/"):
        assert client.get(href).status_code == 200
