"""The site's quality pages: /quality/follow-ups/ (a center's calls to make and its rates per provider,
a bureau's rates per center, a year selector) and a case's quality page (calls, hearing observations,
agencies' views, with their forms), through the test client."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.choices import OrganisationKind, Role
from quality.models import FeedbackRequest, FollowUp, HearingObservation
from tests.factories import OrganisationFactory, ProviderFactory, region

from .test_follow_ups import closed_case, follow_up_task, handled_case
from .test_follow_ups_rates import YEAR, call, case_row, rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(waiver_world):
    return waiver_world


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<(section|form|table)[^>]*id="{element_id}".*?</\1>', html, re.S)
    return match.group(0) if match else ""


# --- /quality/follow-ups/ --------------------------------------------------------------------------


def test_a_reviewer_sees_the_calls_to_make_with_links_to_their_tasks(world):
    application_id = closed_case(world)
    task = follow_up_task(world, application_id)
    html = client_for(world.reviewer).get("/quality/follow-ups/").content.decode()
    calls = section(html, "open-calls")
    assert "吕春花" in calls and f'href="/tasks/{task["id"]}/"' in calls
    assert f'href="/applications/{application_id}/"' in calls
    # recorded: no longer to make, and counted in the year's rates per provider
    from tests.world import complete

    complete(world, world.reviewer, task["id"], reached=True, satisfaction=5)
    html = client_for(world.reviewer).get("/quality/follow-ups/").content.decode()
    assert "吕春花" not in section(html, "open-calls")
    providers = section(html, "providers")
    assert world.lawyers[0][1].name in providers and "100.0%" in providers


def test_the_year_selector_and_the_rates_per_provider(world):
    first, second = world.lawyers[0][1], world.lawyers[1][1]
    when = datetime.datetime(YEAR, 6, 1, 10, tzinfo=timezone.get_current_timezone())
    call(world, case_row(world, provider=first), score=4, when=when)
    call(world, case_row(world, provider=first), score=3, when=when)
    call(world, case_row(world, provider=second), reached=False, when=when)
    rating(world, case_row(world, provider=second), 5, when=when)
    html = client_for(world.director).get("/quality/follow-ups/", {"year": YEAR}).content.decode()
    assert f'<option value="{YEAR}" selected>' in html
    rates = section(html, "rates")
    assert "66.7%" in rates  # 2 of 3 calls reached
    assert "66.7%" in rates  # 2 of 3 opinions satisfied (4, 3, the rating 5)
    providers = section(html, "providers")
    assert first.name in providers and second.name in providers and "50.0%" in providers
    # another year: nothing counted
    other = client_for(world.director).get("/quality/follow-ups/", {"year": YEAR - 1}).content.decode()
    assert first.name not in section(other, "providers") and "—" in section(other, "rates")
    # a year out of range falls back to this one
    assert client_for(world.director).get("/quality/follow-ups/", {"year": "1900"}).status_code == 200


def test_a_bureau_sees_its_centers_and_not_the_calls(world, make_member):
    leping = world.other_reviewer.memberships.get().organisation
    when = datetime.datetime(YEAR, 6, 1, 10, tzinfo=timezone.get_current_timezone())
    call(world, case_row(world, provider=world.lawyers[0][1]), score=5, when=when)
    call(world, case_row(world, center=leping, provider=world.lawyers[0][1]), score=1, when=when)
    html = client_for(world.bureau_officer).get("/quality/follow-ups/", {"year": YEAR}).content.decode()
    centers = section(html, "centers")
    assert world.center.name in centers and leping.name not in centers
    assert 'id="open-calls"' not in html and 'id="providers"' not in html
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    city = make_member(Role.BUREAU_OFFICER, city_bureau)
    centers = section(
        client_for(city).get("/quality/follow-ups/", {"year": YEAR}).content.decode(), "centers"
    )
    assert world.center.name in centers and leping.name in centers and "50.0%" not in centers


@pytest.mark.parametrize("who", ["applicant", "court_staff", "notary_city_staff"])
def test_the_page_is_404_for_others(world, who):
    assert client_for(getattr(world, who)).get("/quality/follow-ups/").status_code == 404
    assert client_for(world.lawyers[0][0]).get("/quality/follow-ups/").status_code == 404


def test_the_page_works_on_a_phone_and_in_chinese(world):
    closed_case(world)
    client = client_for(world.reviewer)
    html = client.get("/quality/follow-ups/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="viewport"' in html and 'data-label="' in html and 'class="site-table"' in html


def _statements(user, path, **params) -> int:
    client = client_for(user)
    client.get(path, params)  # warm: the session, the content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(captured)


def _many(world, n: int):
    when = datetime.datetime(YEAR, 6, 1, 10, tzinfo=timezone.get_current_timezone())
    for i in range(n):
        center = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name=f"页面中心{n}-{i}", region=region("zhushan")
        )
        provider = ProviderFactory(
            name=f"页面律师{n}-{i}", organisation=world.firm, regions_served=[region("zhushan")]
        )
        call(world, case_row(world, provider=provider), score=4, when=when)  # the reviewer's center
        call(world, case_row(world, center=center, provider=provider), score=5, when=when)
        call(world, case_row(world, provider=provider), status="open")


def test_the_page_costs_the_same_for_1_and_10_providers_and_centers(world):
    _many(world, 1)
    reviewer_one = _statements(world.reviewer, "/quality/follow-ups/", year=YEAR)
    bureau_one = _statements(world.bureau_officer, "/quality/follow-ups/", year=YEAR)
    _many(world, 10)
    assert FollowUp.objects.filter(status="open").count() == 11
    assert reviewer_one == _statements(world.reviewer, "/quality/follow-ups/", year=YEAR)
    assert bureau_one == _statements(world.bureau_officer, "/quality/follow-ups/", year=YEAR)


# --- /cases/<id>/quality/ --------------------------------------------------------------------------


def test_the_case_quality_page_records_a_hearing_and_asks_the_court(world):
    application_id = handled_case(world)
    client = client_for(world.reviewer)
    url = f"/cases/{application_id}/quality/"
    html = client.get(url).content.decode()
    assert 'id="hearing-form"' in html and 'id="feedback-form"' in html
    assert 'id="call-form"' not in html  # the rule in force: calls after closure only
    today = timezone.localdate().isoformat()
    bad = client.post(
        url,
        {
            "action": "hearing",
            "hearing-date": "2099-01-01",
            "hearing-court_id": str(world.court.pk),
            "hearing-preparation": "4",
            "hearing-examination": "4",
            "hearing-argument": "4",
            "hearing-conduct": "5",
        },
    )
    assert bad.status_code == 400 and not HearingObservation.objects.exists()
    ok = client.post(
        url,
        {
            "action": "hearing",
            "hearing-date": today,
            "hearing-court_id": str(world.court.pk),
            "hearing-preparation": "4",
            "hearing-examination": "4",
            "hearing-argument": "3",
            "hearing-conduct": "5",
            "hearing-comment": "质证到位",
        },
    )
    assert ok.status_code == 302, ok.content.decode()[:2000]
    assert HearingObservation.objects.get().total == 16
    asked = client.post(
        url,
        {
            "action": "feedback",
            "feedback-agency_id": str(world.court.pk),
            "feedback-question": "请评价承办律师",
        },
    )
    assert asked.status_code == 302
    assert FeedbackRequest.objects.get().agency == world.court
    html = client.get(url).content.decode()
    assert "质证到位" in section(html, "hearings") and "16" in section(html, "hearings")
    assert world.court.name in section(html, "feedback")


def test_the_case_quality_page_opens_a_mid_case_call_when_the_rule_says_so(world):
    from .test_follow_ups import rule

    rule(mid_case=True)
    application_id = handled_case(world)
    client = client_for(world.director)
    url = f"/cases/{application_id}/quality/"
    assert 'id="call-form"' in client.get(url).content.decode()
    opened = client.post(url, {"action": "call", "call-point": "mid_case"})
    assert opened.status_code == 302
    (call_row,) = FollowUp.objects.filter(application_id=application_id)
    assert call_row.point == "mid_case" and call_row.opened_by == world.director
    html = client_for(world.reviewer).get(url).content.decode()
    assert "/tasks/" in section(html, "calls")


def test_the_case_quality_page_is_the_centers_only(world):
    application_id = closed_case(world)
    url = f"/cases/{application_id}/quality/"
    assert client_for(world.clerk).get(url).status_code == 200  # the center's staff read it
    assert 'id="hearing-form"' not in client_for(world.clerk).get(url).content.decode()  # not write
    for user in (world.lawyers[0][0], world.applicant, world.other_reviewer, world.court_staff):
        assert client_for(user).get(url).status_code == 404
