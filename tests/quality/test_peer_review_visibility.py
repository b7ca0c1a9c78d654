"""Who sees peer-review scorecards (docs/api.md, Quality): the staff of the case's center, the bureau of
its region, the reviewer, the provider whose file it is — their own grades only. Anyone else: 404.
The scorecard list costs the same queries for 1 scored file as for 10."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from directory.choices import OrganisationKind, Role
from quality.models import PeerReview
from tests.factories import OrganisationFactory, region

from .peer_review_world import (
    FULL,
    add_peer_reviewers,
    closed_case,
    peer_review_tasks,
    run_sampling,
    score,
    scorecard_rows,
    scores_totalling,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def world(handling_world, make_member):
    scorecard_rows()
    add_peer_reviewers(handling_world, make_member)
    w = handling_world
    # another bureau (Leping's) and the city's, which oversees every region under it
    leping_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="乐平市司法局", region=region("leping")
    )
    w.leping_bureau_officer = make_member(Role.BUREAU_OFFICER, leping_bureau, username="bureau_leping")
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    w.city_bureau_officer = make_member(Role.BUREAU_OFFICER, city_bureau, username="bureau_city")
    # the first lawyer's case and the second lawyer's, both scored
    w.case_1 = closed_case(w, closed_on=DAY, lawyer=w.lawyers[0]).pk
    w.case_2 = closed_case(w, closed_on=DAY, lawyer=w.lawyers[1]).pk
    assert run_sampling(w, share="1").status_code == 201
    for review in PeerReview.objects.select_related("reviewer"):
        (task,) = peer_review_tasks(w, review.reviewer, review.application_id)
        assert score(w, review.reviewer, task["id"], FULL).status_code == 200
    return w


def scorecards(world, user, application_id=None):
    params = {} if application_id is None else {"application_id": application_id}
    return world.api(user).get("/api/v1/quality/scorecards/", params)


def test_the_provider_sees_their_own_grades_not_another_providers(world):
    lawyer_1, lawyer_2 = world.lawyers[0][0], world.lawyers[1][0]
    mine = scorecards(world, lawyer_1)
    assert [row["application_id"] for row in mine.json()["results"]] == [world.case_1]
    assert scorecards(world, lawyer_1, world.case_1).status_code == 200
    assert scorecards(world, lawyer_1, world.case_2).status_code == 404
    assert scorecards(world, lawyer_2, world.case_1).status_code == 404
    assert [row["application_id"] for row in scorecards(world, lawyer_2).json()["results"]] == [world.case_2]


def test_the_centers_staff_and_the_regions_bureau_see_them_others_do_not(world):
    both = {world.case_1, world.case_2}
    for user in (
        world.director,
        world.reviewer,
        world.clerk,
        world.bureau_officer,
        world.city_bureau_officer,
    ):
        listed = scorecards(world, user)
        assert {row["application_id"] for row in listed.json()["results"]} == both, user.username
        assert scorecards(world, user, world.case_1).status_code == 200, user.username
    # another center's staff and another region's bureau: nothing, and 404 on the case
    reviewers = set(PeerReview.objects.values_list("reviewer_id", flat=True))
    outsiders = [world.leping_bureau_officer, world.applicant, world.lawyers[2][0]]
    outsiders += [u for u in (world.other_reviewer, world.city_reviewer) if u.pk not in reviewers]
    for user in outsiders:
        assert scorecards(world, user).json()["results"] == [], user.username
        assert scorecards(world, user, world.case_1).status_code == 404, user.username
    assert scorecards(world, world.director, 999999).status_code == 404


def test_a_provider_asking_about_their_own_unscored_case_gets_an_empty_list(world):
    third_lawyer = world.lawyers[2]
    case = closed_case(world, closed_on=DAY, lawyer=third_lawyer).pk
    response = scorecards(world, third_lawyer[0], case)
    assert response.status_code == 200 and response.json()["results"] == []
    assert scorecards(world, world.lawyers[0][0], case).status_code == 404


def test_the_reviewer_sees_the_scorecard_they_gave(world):
    review = PeerReview.objects.select_related("reviewer").get(application_id=world.case_1)
    if review.reviewer.pk in (world.director.pk,):
        pytest.skip("the director sees it as staff anyway")
    listed = scorecards(world, review.reviewer, world.case_1)
    assert listed.status_code == 200 and len(listed.json()["results"]) == 1


def test_the_scorecard_items_are_for_center_staff(world):
    ok = world.api(world.reviewer).get("/api/v1/quality/scorecard-items/", {"matter_category": "civil"})
    assert ok.status_code == 200
    rows = ok.json()["results"]
    assert [row["code"] for row in rows] == list(FULL)
    assert rows[0] == {"code": "intake", "label": "接待与受理", "max_points": "10"}
    assert (
        world.api(world.reviewer)
        .get("/api/v1/quality/scorecard-items/", {"matter_category": "x"})
        .status_code
        == 400
    )
    assert world.api(world.reviewer).get("/api/v1/quality/scorecard-items/").status_code == 400
    for user in (world.lawyers[0][0], world.applicant, world.bureau_officer):
        response = world.api(user).get("/api/v1/quality/scorecard-items/", {"matter_category": "civil"})
        assert response.status_code == 403, user.username


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return client


def _count(client, params):
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/quality/scorecards/", params)
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


def test_the_scorecard_list_costs_the_same_queries_for_1_and_10(handling_world, make_member):
    scorecard_rows()
    add_peer_reviewers(handling_world, make_member)
    w = handling_world
    first = closed_case(w, closed_on=DAY).pk
    run_sampling(w, count=1)
    for review in PeerReview.objects.select_related("reviewer"):
        (task,) = peer_review_tasks(w, review.reviewer)
        score(w, review.reviewer, task["id"], scores_totalling("80"))
    for user, params in (
        (w.director, {}),
        (w.lawyers[0][0], {}),
        (w.bureau_officer, {"application_id": first}),
    ):
        one = _count(_client(user), params)
        assert one[1] == 1
        if user == w.director:
            director_one = one
        elif user == w.lawyers[0][0]:
            lawyer_one = one
        else:
            bureau_one = one
    for n in range(9):
        closed_case(w, closed_on=DAY + datetime.timedelta(days=n + 1))
    run_sampling(w, count=9, seed=3)
    for review in PeerReview.objects.filter(status="open").select_related("reviewer"):
        (task,) = peer_review_tasks(w, review.reviewer, review.application_id)
        score(w, review.reviewer, task["id"], scores_totalling("70"))
    director_ten = _count(_client(w.director), {})
    lawyer_ten = _count(_client(w.lawyers[0][0]), {})
    assert director_ten == (director_one[0], 10)
    assert lawyer_ten == (lawyer_one[0], 10)
    assert _count(_client(w.bureau_officer), {"application_id": first}) == bureau_one
