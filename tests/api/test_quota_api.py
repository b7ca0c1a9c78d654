"""The lawyers' annual duty over the API (docs/api.md, Annual duty): GET /api/v1/quota/lawyers/ and
/api/v1/quota/firms/ — who sees which rows, the figures on a small world, the counting boundaries of
DESIGN §6, and one case run through the real workflow."""

import datetime

import pytest
from django.utils import timezone

from assignments.models import DutyExemption
from directory.choices import OrganisationKind, ProviderKind, Role
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, lawyer_licence, region
from tests.world import answer, approved_case, assign, case_assignment, service_log_row, tasks

pytestmark = pytest.mark.django_db

LAWYERS = "/api/v1/quota/lawyers/"
FIRMS = "/api/v1/quota/firms/"
PAST = 2025  # a year that is over: not yet met is not_met


@pytest.fixture
def world(handling_world, make_member):
    """The handling world (a 珠山区 firm of three lawyers, the 珠山区 bureau), plus the firm's
    administrator, a 乐平市 firm with one lawyer and its administrator, the city's bureau, a superuser."""
    w = handling_world
    w.firm_admin = make_member(Role.FIRM_ADMIN, w.firm, username="firm_admin_zhushan")
    w.leping_firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="乐平律师事务所", region=region("leping")
    )
    w.leping_admin = make_member(Role.FIRM_ADMIN, w.leping_firm, username="firm_admin_leping")
    leping_user = make_member(Role.PROVIDER, w.leping_firm, username="lawyer_leping")
    w.leping_lawyer = (
        leping_user,
        ProviderFactory(
            name="乐平律师",
            kind=ProviderKind.LAWYER,
            organisation=w.leping_firm,
            licence_no=lawyer_licence(990),
            practice_start=datetime.date(2010, 1, 1),
            user=leping_user,
        ),
    )
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    w.city_officer = make_member(Role.BUREAU_OFFICER, city_bureau, username="bureau_city")
    w.superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    return w


def get(world, user, path, **params):
    # English: the tests read the "missing" text; the site's default language is Chinese
    return world.api(user).get(path, params, HTTP_ACCEPT_LANGUAGE="en")


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- who sees what -----------------------------------------------------------------------------------


def test_a_lawyer_sees_only_their_own_row(world):
    user, lawyer = world.lawyers[0]
    assert names(get(world, user, LAWYERS)) == ["律师1"]
    assert names(get(world, user, LAWYERS, firm=world.firm.pk)) == ["律师1"]
    assert get(world, user, LAWYERS, firm=world.leping_firm.pk).status_code == 404
    assert get(world, user, FIRMS).status_code == 403


def test_a_firm_administrator_sees_their_firm_only(world):
    assert names(get(world, world.firm_admin, LAWYERS)) == ["律师1", "律师2", "律师3"]
    assert names(get(world, world.firm_admin, LAWYERS, firm=world.firm.pk)) == ["律师1", "律师2", "律师3"]
    assert get(world, world.firm_admin, LAWYERS, firm=world.leping_firm.pk).status_code == 404
    assert names(get(world, world.firm_admin, FIRMS)) == ["江西景德律师事务所"]
    assert names(get(world, world.leping_admin, LAWYERS)) == ["乐平律师"]
    assert names(get(world, world.leping_admin, FIRMS)) == ["乐平律师事务所"]


def test_a_bureau_sees_the_firms_of_its_region_and_the_regions_under_it(world):
    assert names(get(world, world.bureau_officer, LAWYERS)) == ["律师1", "律师2", "律师3"]
    assert names(get(world, world.bureau_officer, FIRMS)) == ["江西景德律师事务所"]
    assert get(world, world.bureau_officer, LAWYERS, firm=world.leping_firm.pk).status_code == 404
    everyone = ["律师1", "律师2", "律师3", "乐平律师"]
    assert names(get(world, world.city_officer, LAWYERS)) == everyone
    assert names(get(world, world.city_officer, FIRMS)) == ["江西景德律师事务所", "乐平律师事务所"]
    assert names(get(world, world.city_officer, LAWYERS, firm=world.leping_firm.pk)) == ["乐平律师"]
    assert names(get(world, world.superuser, LAWYERS)) == everyone
    assert names(get(world, world.superuser, FIRMS)) == ["江西景德律师事务所", "乐平律师事务所"]
    page = get(world, world.city_officer, LAWYERS, page_size=3).json()
    assert (page["count"], len(page["results"]), page["next"] is not None) == (4, 3, True)


def test_other_roles_get_403_and_strangers_401(world):
    for user in (world.reviewer, world.director, world.clerk, world.applicant, world.other_applicant):
        for path in (LAWYERS, FIRMS):
            response = get(world, user, path)
            assert response.status_code == 403, (user, path)
            assert response.json()["detail"]
    for path in (LAWYERS, FIRMS):
        assert world.api(None).get(path).status_code == 401


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "2025.5", "-2025"])
def test_a_bad_year_is_400(world, year):
    for path in (LAWYERS, FIRMS):
        response = get(world, world.city_officer, path, year=year)
        assert response.status_code == 400, (path, year, response.content)
        assert "year" in response.json()["errors"]


def test_an_empty_year_is_this_year(world):
    this_year = get(world, world.city_officer, LAWYERS).json()
    assert get(world, world.city_officer, LAWYERS, year="").json() == this_year
    assert get(world, world.city_officer, LAWYERS, year=timezone.localdate().year).json() == this_year


def test_a_bad_or_unknown_firm(world):
    for firm in ("x", "0", "-1", "99999999999"):
        response = get(world, world.city_officer, LAWYERS, firm=firm)
        assert response.status_code == 400, (firm, response.content)
        assert "firm" in response.json()["errors"]
    assert get(world, world.city_officer, LAWYERS, firm=987654).status_code == 404
    notary = OrganisationFactory(kind=OrganisationKind.NOTARY, name="景德镇市公证处", region=region("jdz"))
    assert get(world, world.superuser, LAWYERS, firm=notary.pk).status_code == 404


# --- the figures ------------------------------------------------------------------------------------


def rows_by_name(world, user, path=LAWYERS, **params) -> dict[str, dict]:
    response = get(world, user, path, **params)
    assert response.status_code == 200, response.content
    return {row["name"]: row for row in response.json()["results"]}


def test_the_figures_of_a_small_world(world):
    (_u1, one), (_u2, two), (_u3, three) = world.lawyers
    _lp_user, leping = world.leping_lawyer
    # 律师1: the last day of 2025 counts for 2025, the first of 2026 for 2026; a declined offer for nobody
    case_assignment(world, one, datetime.date(2025, 12, 31))
    case_assignment(world, one, datetime.date(2026, 1, 1))
    case_assignment(world, one, datetime.date(2025, 6, 1), status="declined")
    # ... 30 verified hours; pending and rejected hours never count
    service_log_row(world, one, datetime.date(2025, 3, 1), "20.0")
    service_log_row(world, one, datetime.date(2025, 3, 2), "10.0")
    service_log_row(world, one, datetime.date(2025, 3, 3), "24.0", status="pending")
    service_log_row(world, one, datetime.date(2025, 3, 4), "24.0", status="rejected")
    # 律师2: two cases; 律师3: exactly 50.0 hours; 乐平律师: 49.9 hours, then exempt
    case_assignment(world, two, datetime.date(2025, 2, 1))
    case_assignment(world, two, datetime.date(2025, 2, 2))
    for day, hours in ((1, "24.0"), (2, "24.0"), (3, "2.0")):
        service_log_row(world, three, datetime.date(2025, 4, day), hours)
    for day, hours in ((1, "24.0"), (2, "24.0"), (3, "1.9")):
        service_log_row(world, leping, datetime.date(2025, 4, day), hours)

    past = rows_by_name(world, world.city_officer, year=PAST)
    assert past["律师1"] == {
        "lawyer_id": one.pk,
        "name": "律师1",
        "firm_id": world.firm.pk,
        "firm_name": "江西景德律师事务所",
        "cases": 1,
        "hours": "30.0",
        "status": "not_met",
        "minimum_cases": 2,
        "minimum_hours": "50.0",
        "missing_cases": 1,
        "missing_hours": "20.0",
        "missing": "1 more case or 20.0 more hours",
    }
    assert (past["律师2"]["cases"], past["律师2"]["hours"], past["律师2"]["status"]) == (2, "0.0", "met")
    assert (past["律师3"]["cases"], past["律师3"]["hours"], past["律师3"]["status"]) == (0, "50.0", "met")
    assert (past["乐平律师"]["hours"], past["乐平律师"]["status"]) == ("49.9", "not_met")
    assert past["律师2"]["missing"] == "" and past["律师2"]["missing_hours"] == "0.0"

    firms = {row["name"]: row for row in get(world, world.city_officer, FIRMS, year=PAST).json()["results"]}
    assert firms["江西景德律师事务所"] == {
        "firm_id": world.firm.pk,
        "name": "江西景德律师事务所",
        "region": "zhushan",
        "lawyers": 3,
        "met": 2,
        "exempt": 0,
        "compliance_rate": "0.6667",
        "not_met": [
            {
                "lawyer_id": one.pk,
                "name": "律师1",
                "status": "not_met",
                "missing": "1 more case or 20.0 more hours",
            }
        ],
    }
    assert (firms["乐平律师事务所"]["met"], firms["乐平律师事务所"]["compliance_rate"]) == (0, "0.0000")

    # the next year: only the case accepted on 1 January 2026
    next_year = rows_by_name(world, world.city_officer, year=2026)
    assert (next_year["律师1"]["cases"], next_year["律师1"]["hours"]) == (1, "0.0")
    assert next_year["律师2"]["cases"] == 0

    # an exemption for the year
    DutyExemption.objects.create(provider=leping, year=PAST, reason="长期病假", recorded_by=world.superuser)
    leping_row = rows_by_name(world, world.leping_admin, year=PAST)["乐平律师"]
    assert (leping_row["status"], leping_row["missing"], leping_row["hours"]) == ("exempt", "", "49.9")
    (leping_firm,) = get(world, world.leping_admin, FIRMS, year=PAST).json()["results"]
    assert (leping_firm["lawyers"], leping_firm["met"], leping_firm["exempt"], leping_firm["not_met"]) == (
        1,
        0,
        1,
        [],
    )


def test_the_same_figures_for_every_viewer(world):
    (_u1, one), _two, _three = world.lawyers
    case_assignment(world, one, datetime.date(2025, 5, 5))
    service_log_row(world, one, datetime.date(2025, 5, 6), "12.5")
    seen = [
        rows_by_name(world, user, year=PAST)["律师1"]
        for user in (
            world.lawyers[0][0],
            world.firm_admin,
            world.bureau_officer,
            world.city_officer,
            world.superuser,
        )
    ]
    assert all(row == seen[0] for row in seen)
    assert (seen[0]["cases"], seen[0]["hours"]) == (1, "12.5")


def test_the_year_defaults_to_this_year(world):
    (_u1, one), _two, _three = world.lawyers
    today = timezone.localdate()
    case_assignment(world, one, today)
    row = rows_by_name(world, world.firm_admin)["律师1"]
    assert row["cases"] == 1 and row["status"] == "in_progress"  # the year is not over


def test_a_case_accepted_through_the_workflow_counts_and_follows_a_reassignment(world):
    year = timezone.localdate().year
    (old_user, old), (_new_user, new), declining = world.lawyers

    def cases():
        rows = rows_by_name(world, world.bureau_officer, year=year)
        return rows["律师1"]["cases"], rows["律师2"]["cases"], rows["律师3"]["cases"]

    application_id = approved_case(world)
    assert assign(world, application_id, old).status_code == 200
    assert cases() == (0, 0, 0)  # offered, not yet accepted
    assert answer(world, application_id, world.lawyers[0]).status_code == 200
    assert cases() == (1, 0, 0)
    assert rows_by_name(world, old_user, year=year)["律师1"]["cases"] == 1

    # replaced (Art 55): the case counts for the new lawyer only
    replaced = world.api(world.reviewer).post(
        f"/api/v1/applications/{application_id}/reassign/", {"reason": "受援人申请更换"}, format="json"
    )
    assert replaced.status_code == 200, replaced.content
    assert cases() == (0, 0, 0)
    assert assign(world, application_id, new).status_code == 200
    assert answer(world, application_id, world.lawyers[1]).status_code == 200
    assert cases() == (0, 1, 0)

    # a declined assignment counts for nobody
    other_id = approved_case(world)
    assert assign(world, other_id, declining[1]).status_code == 200
    assert answer(world, other_id, declining, accept=False, reason="利益冲突").status_code == 200
    assert tasks(world, world.reviewer, "queue", other_id, "assign")  # back to assignment
    assert cases() == (0, 1, 0)
