"""The world of a detainee's forwarded application (Art 39): units holding people, their officers, a
body for ``POST /api/v1/forwarded-requests/`` and a clock fixed at a chosen moment."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from aid_cases.models import Applicant, Application, ForwardedRequest, TrackingCounter
from directory.choices import OrganisationKind, ProviderKind, Role
from directory.models import AuditEvent
from documents.models import IssuedDocument
from tests.factories import OrganisationFactory, ProviderFactory, lawyer_licence, region, resident_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Friday: the request is received at 23:00, the 24 hours end at 23:00 on Saturday.
FRIDAY = datetime.date(2026, 12, 4)
RECEIVED = datetime.datetime(2026, 12, 4, 23, 0, tzinfo=SHANGHAI)
DETAINEE_ID = resident_id(datetime.date(1990, 3, 8), seq="456")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    """A moment of December 2026, Beijing time."""
    return datetime.datetime(2026, 12, day, hour, minute, second, tzinfo=SHANGHAI)


def set_clock(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def add_units_holding_people(actors, make_member):
    """The Zhushan center's world (tests.world.Actors) with the units that hold people: a detention
    center in Zhushan and one in Leping, a police unit in Zhushan and one in Leping, and a lawyer.
    The tests of tests/aid_cases get it as the ``forwarding_world`` fixture (their conftest)."""
    actors.detention = OrganisationFactory(
        kind=OrganisationKind.DETENTION, name="景德镇市珠山区看守所", region=region("zhushan")
    )
    actors.other_detention = OrganisationFactory(
        kind=OrganisationKind.DETENTION, name="乐平市看守所", region=region("leping")
    )
    actors.police = OrganisationFactory(
        kind=OrganisationKind.POLICE, name="景德镇市公安局珠山分局", region=region("zhushan")
    )
    actors.other_police = OrganisationFactory(
        kind=OrganisationKind.POLICE, name="乐平市公安局", region=region("leping")
    )
    actors.officer = make_member(Role.DETENTION_OFFICER, actors.detention, username="detention_zhushan")
    actors.officer2 = make_member(Role.DETENTION_OFFICER, actors.detention, username="detention_zhushan_2")
    actors.other_officer = make_member(
        Role.DETENTION_OFFICER, actors.other_detention, username="detention_lp"
    )
    actors.police_officer = make_member(Role.AGENCY_OFFICER, actors.police, username="police_zhushan")
    actors.other_police_officer = make_member(Role.AGENCY_OFFICER, actors.other_police, username="police_lp")
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="江西瓷都律师事务所", region=region("zhushan")
    )
    actors.lawyer = make_member(Role.PROVIDER, firm, username="lawyer_01")
    actors.lawyer_provider = ProviderFactory(
        name="刑辩律师",
        kind=ProviderKind.LAWYER,
        organisation=firm,
        licence_no=lawyer_licence(901),
        practice_start=datetime.date(2012, 3, 1),
        specialties=["criminal_defence"],
        regions_served=[region("zhushan")],
        user=actors.lawyer,
    )
    return actors


@pytest.fixture
def world(actors, make_member):
    """``add_units_holding_people`` as a fixture for the modules outside tests/aid_cases that import
    it by name (tests/api/test_forwarding_api.py)."""
    return add_units_holding_people(actors, make_member)


def body(**overrides) -> dict:
    """A detainee's request for a defender on the ground of economic hardship, received Friday 23:00."""
    data = {
        "received_at": RECEIVED.isoformat(),
        "region": "zhushan",
        "person": {"name": "周国强", "id_number": DETAINEE_ID},
        "matter": {
            "category": "criminal",
            "type": "criminal_defence",
            "summary": "涉嫌盗窃罪被刑事拘留，家庭困难无力委托辩护人。",
            "opposing_party": "",
        },
        "defence_reason": "economic_hardship",
        "place": "景德镇市珠山区看守所 三监区",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def forward(world, user=None, **overrides):
    return world.api(user or world.officer).post(
        "/api/v1/forwarded-requests/", body(**overrides), format="json"
    )


def forwarded(world, user=None, **overrides) -> Application:
    response = forward(world, user, **overrides)
    assert response.status_code == 201, response.content
    return Application.objects.get(pk=response.json()["id"])


def counts() -> tuple:
    """Everything a forward writes: nothing of it may be left behind by a refused one."""
    return (
        Application.objects.count(),
        Applicant.objects.count(),
        ForwardedRequest.objects.count(),
        AuditEvent.objects.count(),
        IssuedDocument.objects.count(),
        sum(TrackingCounter.objects.values_list("last", flat=True)),
    )
