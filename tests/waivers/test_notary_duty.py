"""A notary office's four public-interest notarisations a year (docs/domain.md, annual duty): completed
fee-waived notarisations count, and so do logged ones once the judicial bureau has verified them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignments.models import DutyRule
from core.errors import Conflict, Forbidden
from directory.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, region
from tests.waivers.test_fee_waivers_api import ask, confirm, handled_case, review
from waivers import services
from waivers.models import PublicInterestNotarisation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _log(world, user=None, **overrides):
    fields = {
        "date": TODAY,
        "matter": "老年人遗嘱公证",
        "beneficiary": "低保老人张某",
        "description": "上门办理",
    }
    fields.update(overrides)
    return services.notarisation_log(acting_user=user or world.notary_city_staff, **fields)


def _duty(world, user, **params):
    return world.api(user).get("/api/v1/quota/notaries/", {"year": TODAY.year, **params})


def test_waived_and_verified_notarisations_count_toward_four(waiver_world, make_member):
    world = waiver_world
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    bureau_city = make_member(Role.BUREAU_OFFICER, city_bureau, username="bureau_city")
    # one fee-waived notarisation completed
    application_id = handled_case(world)
    ask(world, application_id)
    assert review(world, application_id, approve=True).status_code == 200
    assert (
        confirm(
            world, world.notary_city_staff, application_id, charged_fee="0", waived_amount="800"
        ).status_code
        == 200
    )
    # three logged: two verified, one rejected; one still pending
    rows = [_log(world, matter=f"公证{n}") for n in range(4)]
    for row in rows[:2]:
        services.notarisation_verify(acting_user=bureau_city, notarisation=row, approve=True)
    services.notarisation_verify(
        acting_user=bureau_city, notarisation=rows[2], approve=False, reason="非公益事项"
    )

    (mine,) = _duty(world, world.notary_city_staff).json()["results"]
    assert mine == {
        "institution_id": world.notary_city.pk,
        "name": "景德镇市公证处",
        "count": 3,
        "waived": 1,
        "logged": 2,
        "minimum": 4,
        "status": "in_progress",
    }
    services.notarisation_verify(acting_user=bureau_city, notarisation=rows[3], approve=True)
    assert _duty(world, world.notary_city_staff).json()["results"][0]["status"] == "met"
    # a year's rule may ask more of the city's offices
    DutyRule.objects.create(year=TODAY.year, notary_min_count=6)
    assert _duty(world, world.notary_city_staff).json()["results"][0]["status"] == "in_progress"
    # last year: nothing counted, and the year is over
    last = _duty(world, world.notary_city_staff, year=TODAY.year - 1).json()["results"][0]
    assert (last["count"], last["status"]) == (0, "not_met")
    # the city's bureau sees both offices; Leping's office only its own
    names = [r["name"] for r in _duty(world, bureau_city).json()["results"]]
    assert sorted(names) == ["乐平市公证处", "景德镇市公证处"]
    assert [r["name"] for r in _duty(world, world.notary_leping_staff).json()["results"]] == ["乐平市公证处"]


def test_who_sees_the_notaries_duty(waiver_world):
    world = waiver_world
    for user in (
        world.lawyers[0][0],
        world.reviewer,
        world.applicant,
        world.forensic_city_staff,
        world.court_staff,
    ):
        assert _duty(world, user).status_code == 403
    # the zhushan bureau oversees no notary office: an empty list, not a 403
    assert _duty(world, world.bureau_officer).json()["results"] == []
    assert world.api(None).get("/api/v1/quota/notaries/").status_code == 401
    assert _duty(world, world.notary_city_staff, year="abc").status_code == 400


def test_the_duty_list_costs_the_same_queries_for_one_office_and_for_ten(waiver_world, make_member):
    world = waiver_world
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    bureau_city = make_member(Role.BUREAU_OFFICER, city_bureau, username="bureau_city")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _duty(world, bureau_city).status_code == 200
        return len(queries)

    few = count()
    for n in range(10):
        OrganisationFactory(kind=OrganisationKind.NOTARY, name=f"第{n}公证处", region=region("fuliang"))
    assert count() == few


def test_logging_and_verifying_rules(waiver_world):
    world = waiver_world
    with pytest.raises(Forbidden):
        _log(world, user=world.forensic_city_staff)
    with pytest.raises(ValidationError) as bad:
        _log(world, date=TODAY + datetime.timedelta(days=1), matter="", beneficiary="")
    assert set(bad.value.message_dict) == {"date", "matter", "beneficiary"}
    assert not PublicInterestNotarisation.objects.exists()
    row = _log(world)
    # the Zhushan bureau does not oversee the city's notary office; a notary does not verify itself
    for user in (world.bureau_officer, world.notary_city_staff):
        with pytest.raises(Forbidden):
            services.notarisation_verify(acting_user=user, notarisation=row, approve=True)


def test_a_rejection_needs_reasons_and_happens_once(waiver_world, make_member):
    world = waiver_world
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    bureau_city = make_member(Role.BUREAU_OFFICER, city_bureau, username="bureau_city")
    row = _log(world)
    with pytest.raises(ValidationError):
        services.notarisation_verify(acting_user=bureau_city, notarisation=row, approve=False)
    services.notarisation_verify(acting_user=bureau_city, notarisation=row, approve=False, reason="收费公证")
    with pytest.raises(Conflict):
        services.notarisation_verify(acting_user=bureau_city, notarisation=row, approve=True)


def test_three_waived_and_one_verified_logged_notarisation_meet_the_duty(waiver_world, make_member):
    world = waiver_world
    city_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="景德镇市司法局", region=region("jdz")
    )
    bureau_city = make_member(Role.BUREAU_OFFICER, city_bureau, username="bureau_city")
    application_id = handled_case(world)
    for _ in range(3):
        ask(world, application_id)
        assert review(world, application_id, approve=True).status_code == 200
        assert (
            confirm(
                world, world.notary_city_staff, application_id, charged_fee="0", waived_amount="800"
            ).status_code
            == 200
        )
    (row,) = _duty(world, world.notary_city_staff).json()["results"]
    assert (row["waived"], row["logged"], row["status"]) == (3, 0, "in_progress")
    services.notarisation_verify(acting_user=bureau_city, notarisation=_log(world), approve=True)
    (row,) = _duty(world, world.notary_city_staff).json()["results"]
    assert (row["count"], row["status"]) == (4, "met")
