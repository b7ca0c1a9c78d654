"""The city's world for transfers (Art 38; 市域通办): the Zhushan center's world (tests.world.Actors) with
the Leping center's clerk, reviewer and director, a Fuliang center, and Leping's own economic standard
(lower than Zhushan's, so a household can pass the one and fail the other)."""

import datetime
from decimal import Decimal

import pytest

from aid_cases.models import EconomicStandard
from directory.choices import OrganisationKind, Role
from directory.models import Organisation
from tests.factories import OrganisationFactory, region
from tests.world import application_payload

REASON = "争议发生地在珠山区，应由珠山区法律援助中心受理"


@pytest.fixture(name="city")
def city_fixture(actors, make_member):
    actors.leping = Organisation.objects.get(name="乐平市法律援助中心")
    actors.leping_clerk = make_member(Role.CLERK, actors.leping, username="clerk_leping")
    actors.leping_reviewer = actors.other_reviewer
    actors.leping_director = make_member(Role.DIRECTOR, actors.leping, username="director_leping")
    actors.fuliang = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="浮梁县法律援助中心", region=region("fuliang")
    )
    actors.fuliang_reviewer = make_member(Role.REVIEWER, actors.fuliang, username="reviewer_fuliang")
    EconomicStandard.objects.create(
        region=region("leping"),
        kind="low_income",
        monthly_amount=Decimal("800.00"),
        valid_from=datetime.date(2020, 1, 1),
    )
    return actors


def window_filing(world, clerk=None, **overrides) -> dict:
    """A request recorded at the window (by the Leping clerk unless said otherwise), through the API;
    by default for a dispute in Zhushan (region ``zhushan``)."""
    response = world.api(clerk or world.leping_clerk).post(
        "/api/v1/applications/", application_payload(**{"channel": "window", **overrides}), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def transfer(world, user, application_id: int, center=None, reason: str | None = REASON):
    """POST the transfer as ``user``: to ``center`` (an organisation, or a raw ``center_id``)."""
    body: dict = {"reason": reason}
    if center is not None:
        body["center_id"] = center.pk if isinstance(center, Organisation) else center
    return world.api(user).post(f"/api/v1/applications/{application_id}/transfer/", body, format="json")
