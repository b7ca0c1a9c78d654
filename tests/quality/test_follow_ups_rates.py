"""The follow-up reach and satisfaction rates (docs/api.md, Quality; DESIGN §7): what is counted, the
4-place decimals, the boundary between 3 and 4, the applicants' ratings, who sees which center, and a
query count that does not grow with the number of centers or providers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aid_cases.models import Applicant, Application
from assignments.models import Rating
from directory.choices import OrganisationKind, Role
from quality.models import FollowUp
from quality.selectors import follow_ups as selectors
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, region

pytestmark = pytest.mark.django_db

YEAR = 2025


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


MID_YEAR = at(datetime.date(YEAR, 6, 1))


def case_row(world, *, center=None, provider=None) -> Application:
    """A closed case as a row (the flow is not the point here)."""
    n = Application.objects.count() + 1
    center = center or world.center
    return Application.objects.create(
        tracking_no=f"RATE-{n:05d}",
        region=center.region,
        center=center,
        channel="window",
        filed_by=world.clerk,
        applicant=Applicant.objects.create(name=f"受援人{n}"),
        matter_category="civil",
        matter_type="maintenance",
        matter_summary="赡养费",
        household_size=1,
        monthly_income=Decimal("0"),
        pledged_at=timezone.now(),
        means_result="pass",
        received_on=datetime.date(YEAR, 1, 2),
        status="closed",
        provider=provider,
    )


def call(world, application, *, reached=True, score=None, point="closure", when=MID_YEAR, status="done"):
    recorded = status == "done"
    return FollowUp.objects.create(
        application=application,
        point=point,
        center_id=application.center_id,
        provider_id=application.provider_id,
        status=status,
        reached=reached if recorded else None,
        satisfaction=score if recorded and reached else None,
        recorded_by=world.reviewer if recorded else None,
        recorded_at=when if recorded else None,
    )


def rating(world, application, score, when=MID_YEAR) -> Rating:
    row = Rating.objects.create(
        application=application, provider_id=application.provider_id, score=score, rated_by=world.applicant
    )
    Rating.objects.filter(pk=row.pk).update(rated_at=when)  # auto_now_add: the date set afterwards
    return row


@pytest.fixture
def world(handling_world):
    return handling_world


def rates_api(world, user, **params):
    return world.api(user).get("/api/v1/quality/rates/", {"year": YEAR, **params})


# --- what is counted -------------------------------------------------------------------------------


def test_scores_4_and_5_count_as_satisfied_not_3(world):
    provider = world.lawyers[0][1]
    for score in (3, 4, 5):
        call(world, case_row(world, provider=provider), score=score)
    figures = selectors.follow_up_rates(year=YEAR, center_ids=[world.center.pk])
    assert (figures.follow_ups, figures.reached, figures.opinions, figures.satisfied) == (3, 3, 3, 2)
    assert figures.satisfaction_rate == Decimal("0.6667")  # 2 ÷ 3, 4 places, half up
    assert figures.reach_rate == Decimal("1.0000")


def test_the_api_gives_exact_fields_and_4_place_strings(world):
    provider = world.lawyers[0][1]
    call(world, case_row(world, provider=provider), score=4)
    call(world, case_row(world, provider=provider), score=3)
    call(world, case_row(world, provider=provider), reached=False)
    rating(world, case_row(world, provider=provider), 5)  # the applicant's own rating counts too
    call(world, case_row(world, provider=provider), status="open")  # an open call is no figure yet
    response = rates_api(world, world.reviewer)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"follow_ups", "reached", "reach_rate", "satisfied", "satisfaction_rate"} <= set(body)
    assert body["follow_ups"] == 3 and body["reached"] == 2 and body["reach_rate"] == "0.6667"
    assert body["satisfied"] == 2 and body["opinions"] == 3 and body["ratings"] == 1
    assert body["satisfaction_rate"] == "0.6667"
    assert [c["center_id"] for c in body["centers"]] == [world.center.pk]


def test_nothing_counted_gives_null_rates(world):
    body = rates_api(world, world.reviewer).json()
    assert body["follow_ups"] == 0 and body["reach_rate"] is None and body["satisfaction_rate"] is None


def test_ratings_alone_are_counted(world):
    for score in (1, 4, 4, 5):
        rating(world, case_row(world, provider=world.lawyers[1][1]), score)
    body = rates_api(world, world.director).json()
    assert body["follow_ups"] == 0 and body["reach_rate"] is None
    assert (body["opinions"], body["satisfied"], body["satisfaction_rate"]) == (4, 3, "0.7500")


def test_a_case_final_opinion_counts_once_the_first_given(world):
    provider = world.lawyers[0][1]
    # rated first (5), called after closure later (2): only the rating counts
    rated_first = case_row(world, provider=provider)
    rating(world, rated_first, 5, when=at(datetime.date(YEAR, 3, 1)))
    call(world, rated_first, score=2, when=at(datetime.date(YEAR, 3, 2)))
    # called first (2), rated later (5): only the call counts
    called_first = case_row(world, provider=provider)
    call(world, called_first, score=2, when=at(datetime.date(YEAR, 4, 1)))
    rating(world, called_first, 5, when=at(datetime.date(YEAR, 4, 2)))
    # a call during the case is its own moment's opinion, and counts beside the rating
    during = case_row(world, provider=provider)
    call(world, during, score=4, point="mid_case", when=at(datetime.date(YEAR, 2, 1)))
    rating(world, during, 3, when=at(datetime.date(YEAR, 5, 1)))
    figures = selectors.follow_up_rates(year=YEAR, center_ids=[world.center.pk])
    assert figures.follow_ups == 3 and figures.reached == 3  # every call is a call
    assert figures.opinions == 4  # rating 5, call 2, call 4, rating 3
    assert figures.satisfied == 2 and figures.ratings == 2


def test_the_year_is_the_local_calendar_year_of_the_answer(world):
    provider = world.lawyers[0][1]
    call(world, case_row(world, provider=provider), score=5, when=at(datetime.date(YEAR - 1, 12, 31), 23, 30))
    call(world, case_row(world, provider=provider), score=5, when=at(datetime.date(YEAR, 1, 1), 0, 30))
    call(world, case_row(world, provider=provider), score=5, when=at(datetime.date(YEAR, 12, 31), 23, 59))
    call(world, case_row(world, provider=provider), score=5, when=at(datetime.date(YEAR + 1, 1, 1), 0, 0))
    assert selectors.follow_up_rates(year=YEAR).follow_ups == 2
    assert selectors.follow_up_rates(year=YEAR - 1).follow_ups == 1


def test_per_center_and_per_provider_breakdowns_add_up(world):
    first, second = world.lawyers[0][1], world.lawyers[1][1]
    other_center = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="浮梁县法律援助中心", region=region("fuliang")
    )
    call(world, case_row(world, provider=first), score=5)
    call(world, case_row(world, provider=first), score=2)
    call(world, case_row(world, provider=second), reached=False)
    rating(world, case_row(world, provider=second), 4)
    call(world, case_row(world, center=other_center, provider=second), score=4)
    by_provider = selectors.follow_up_rates_by_provider(year=YEAR, center_ids=[world.center.pk])
    assert (by_provider[first.pk].follow_ups, by_provider[first.pk].satisfied) == (2, 1)
    assert by_provider[first.pk].satisfaction_rate == Decimal("0.5000")
    assert (by_provider[second.pk].follow_ups, by_provider[second.pk].reach_rate) == (1, Decimal("0.0000"))
    assert by_provider[second.pk].satisfaction_rate == Decimal("1.0000")  # its rating
    by_center = selectors.follow_up_rates_by_center(year=YEAR)
    assert by_center[world.center.pk].follow_ups == 3 and by_center[other_center.pk].follow_ups == 1
    total = selectors.follow_up_rates(year=YEAR)
    assert total == by_center[world.center.pk] + by_center[other_center.pk]
    # by region: the calls of the centers of the region
    assert selectors.follow_up_rates(year=YEAR, region_ids=[region("fuliang").pk]).follow_ups == 1


# --- who sees what ---------------------------------------------------------------------------------


def test_a_center_sees_its_own_and_another_center_is_404(world):
    call(world, case_row(world, provider=world.lawyers[0][1]), score=5)
    leping = world.other_reviewer.memberships.get().organisation
    call(world, case_row(world, center=leping, provider=world.lawyers[0][1]), score=1)
    mine = rates_api(world, world.reviewer).json()
    assert mine["follow_ups"] == 1 and mine["satisfied"] == 1
    assert rates_api(world, world.reviewer, center=world.center.pk).json()["follow_ups"] == 1
    assert rates_api(world, world.reviewer, center=leping.pk).status_code == 404
    assert rates_api(world, world.clerk).status_code == 200  # the center's staff
    theirs = rates_api(world, world.other_reviewer).json()
    assert theirs["follow_ups"] == 1 and theirs["satisfied"] == 0
    assert rates_api(world, world.other_reviewer, center=world.center.pk).status_code == 404
    assert rates_api(world, world.reviewer, center=999999).status_code == 404


def test_a_bureau_sees_the_centers_of_its_region_and_below(world, make_member):
    leping = world.other_reviewer.memberships.get().organisation
    call(world, case_row(world, provider=world.lawyers[0][1]), score=5)
    call(world, case_row(world, center=leping, provider=world.lawyers[0][1]), score=1)
    # the district bureau: its own center only
    zhushan = rates_api(world, world.bureau_officer).json()
    assert zhushan["follow_ups"] == 1 and [c["center_id"] for c in zhushan["centers"]] == [world.center.pk]
    assert rates_api(world, world.bureau_officer, center=leping.pk).status_code == 404
    # the city bureau: every center of the city, one row each
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    city = make_member(Role.BUREAU_OFFICER, city_bureau)
    body = rates_api(world, city).json()
    assert body["follow_ups"] == 2 and body["satisfied"] == 1 and body["reach_rate"] == "1.0000"
    assert {c["center_id"] for c in body["centers"]} >= {world.center.pk, leping.pk}
    assert rates_api(world, city, center=leping.pk).json()["follow_ups"] == 1


@pytest.mark.parametrize("who", ["lawyer", "applicant", "firm_admin", "nobody"])
def test_other_roles_are_403(world, make_member, who):
    user = {
        "lawyer": world.lawyers[0][0],
        "applicant": world.applicant,
        "firm_admin": make_member(Role.FIRM_ADMIN, world.firm) if who == "firm_admin" else None,
        "nobody": UserFactory(username="nobody_rates"),
    }[who]
    response = rates_api(world, user)
    assert response.status_code == 403 and "detail" in response.json()


def test_bad_parameters_are_400(world):
    for params in ({"year": "abc"}, {"year": 1999}, {"center": "x"}, {"center": 0}):
        response = world.api(world.reviewer).get("/api/v1/quality/rates/", params)
        assert response.status_code == 400, (params, response.content)


def test_anonymous_is_401(world):
    assert world.api(None).get("/api/v1/quality/rates/").status_code == 401


# --- query counts ----------------------------------------------------------------------------------


def _many(world, n: int):
    """``n`` centers in 珠山 (the district bureau sees them all), each with a provider, a call and a rating."""
    for i in range(n):
        center = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name=f"测试中心{n}-{i}", region=region("zhushan")
        )
        provider = ProviderFactory(
            name=f"测试律师{n}-{i}", organisation=world.firm, regions_served=[region("zhushan")]
        )
        call(world, case_row(world, center=center, provider=provider), score=4)
        rating(world, case_row(world, center=center, provider=provider), 5)


def _statements(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return len(captured)


def test_the_api_query_count_does_not_grow_with_centers(world):
    _many(world, 1)
    one = _statements(lambda: rates_api(world, world.bureau_officer))
    _many(world, 10)
    ten = _statements(lambda: rates_api(world, world.bureau_officer))
    assert rates_api(world, world.bureau_officer).json()["follow_ups"] == 11
    assert one == ten


def test_the_breakdowns_query_count_does_not_grow_with_providers(world):
    _many(world, 1)

    def count():
        scope = selectors.rates_scope_for(world.bureau_officer)  # the new centers with it
        with CaptureQueriesContext(connection) as captured:
            centers = selectors.center_rows(scope, year=YEAR)
            providers = selectors.provider_rows(year=YEAR, center_ids=scope.center_ids)
        return len(captured), len(centers), len(providers)

    one, _, providers_one = count()
    _many(world, 10)
    ten, centers_ten, providers_ten = count()
    assert providers_ten == providers_one + 10 and centers_ten >= 11
    assert one == ten
