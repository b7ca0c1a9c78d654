"""The center staff's case list: search, visibility, pages, and a constant number of statements."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aid_cases.models import Application
from aid_cases.services import ApplicantData, MatterData, application_submit
from tests.factories import resident_id
from tests.site_ui.test_application_pages import client_for

pytestmark = pytest.mark.django_db


def file(user, *, name="吕春花", id_number=None, region="zhushan", received_on=None, channel="online"):
    application = application_submit(
        acting_user=user,
        channel=channel,
        region=region,
        applicant=ApplicantData(
            name=name,
            id_number=id_number or resident_id(datetime.date(1985, 6, 15)),
            phone="13907980001",
            address="珠山区新村路1号",
        ),
        representative=None,
        categories=[],
        matter=MatterData(category="civil", type="wage_arrears", summary="工地拖欠工资"),
        household_size=3,
        monthly_income=Decimal("2400.00"),
        pledge=True,
    )
    if received_on is not None:
        Application.objects.filter(pk=application.pk).update(received_on=received_on)
    return application


def listed(user, **params) -> str:
    response = client_for(user).get("/cases/", params)
    assert response.status_code == 200, response.content.decode()[:2000]
    table = response.content.decode()
    return table[table.index('id="cases"') :]


@pytest.fixture
def cases(actors):
    wang_id = resident_id(datetime.date(1990, 1, 2), seq="456")
    return {
        "lv": file(actors.applicant, received_on=datetime.date(2026, 3, 1)),
        "wang": file(
            actors.applicant, name="王小明", id_number=wang_id, received_on=datetime.date(2026, 5, 20)
        ),
        "window": file(actors.clerk, name="窗口申请人", channel="window"),
        "leping": file(actors.applicant, name="乐平人", region="leping"),
    }


def test_the_staff_see_their_centers_cases_with_full_id_numbers(actors, cases):
    table = listed(actors.reviewer)
    for key in ("lv", "wang", "window"):
        assert cases[key].tracking_no in table
    assert cases["leping"].tracking_no not in table
    assert cases["wang"].applicant.id_number in table  # the handling center sees the full number


def test_search_by_tracking_number_name_id_number_status_and_date(actors, cases):
    lv, wang = cases["lv"], cases["wang"]

    def only(table, hit, *misses):
        return hit.tracking_no in table and all(m.tracking_no not in table for m in misses)

    assert only(listed(actors.reviewer, tracking_no=wang.tracking_no.lower()), wang, lv)
    assert only(listed(actors.reviewer, name="小明"), wang, lv)
    assert only(listed(actors.reviewer, id_number=wang.applicant.id_number), wang, lv)
    assert only(listed(actors.reviewer, id_number=wang.applicant.id_number[-4:]), wang, lv)
    assert only(listed(actors.reviewer, received_from="2026-05-01", received_to="2026-05-31"), wang, lv)
    assert only(listed(actors.reviewer, received_to="2026-03-01"), lv, wang)
    Application.objects.filter(pk=lv.pk).update(status="approved")
    assert only(listed(actors.reviewer, status="approved"), lv, wang)
    assert "没有符合条件的申请" in listed(actors.reviewer, name="无此人")


def test_a_reversed_date_range_is_a_form_error(actors, cases):
    response = client_for(actors.reviewer).get(
        "/cases/", {"received_from": "2026-06-01", "received_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "site-error-summary" in response.content.decode()


def test_another_centers_staff_see_none_of_these_cases(actors, cases):
    table = listed(actors.other_reviewer)
    assert cases["leping"].tracking_no in table
    assert all(cases[key].tracking_no not in table for key in ("lv", "wang", "window"))
    assert "没有符合条件的申请" in listed(actors.other_reviewer, id_number=cases["wang"].applicant.id_number)
    # nor does a search by tracking number open the door
    assert cases["wang"].tracking_no not in listed(
        actors.other_reviewer, tracking_no=cases["wang"].tracking_no
    )


@pytest.mark.parametrize("who", ["applicant", "other_applicant", "bureau_officer"])
def test_people_who_are_not_center_staff_get_404(actors, cases, who):
    assert client_for(getattr(actors, who)).get("/cases/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(actors):
    response = Client().get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_is_paged(actors):
    for n in range(27):
        file(actors.applicant, name=f"申请人{n:02d}")
    first = client_for(actors.reviewer).get("/cases/", {"name": "申请人"}).content.decode()
    assert "27" in first[first.index('class="site-count"') :][:80]
    assert first.count("<tr>") - 1 == 25  # the header row, then 25 rows
    second = client_for(actors.reviewer).get("/cases/", {"name": "申请人", "page": 2}).content.decode()
    assert second.count("<tr>") - 1 == 2
    assert "name=%E7%94%B3%E8%AF%B7%E4%BA%BA&amp;page=1" in second  # the search survives paging


def _statements(user) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/")
    assert response.status_code == 200
    return len(captured)


def test_the_number_of_statements_does_not_grow_with_the_rows(actors):
    file(actors.applicant)
    one = _statements(actors.reviewer)
    for n in range(30):
        file(actors.applicant, name=f"申请人{n:02d}", channel="online")
    Application.objects.filter(pk__in=Application.objects.values("pk")[:5]).update(status="approved")
    many = _statements(actors.reviewer)
    assert one == many
