"""``/api/v1/forwarded-requests/`` (docs/api.md, Intake across the city): the list's shape and cost,
hostile input (400 in the API's format, nothing saved, never 500) and the schema."""

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.aid_cases.forwarding_world import (  # noqa: F401  (world: the fixture, by name)
    DETAINEE_ID,
    at,
    counts,
    forward,
    forwarded,
    set_clock,
    world,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/forwarded-requests/"


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))


def test_the_units_list_shows_each_forward_with_its_status_and_lateness(world, monkeypatch):  # noqa: F811
    in_time = forwarded(world)
    set_clock(monkeypatch, at(6, 9, 0))
    late = forwarded(world, user=world.officer2, place="三监区")
    rows = world.api(world.officer).get(URL).json()
    assert rows["count"] == 2 and rows["next"] is None and rows["previous"] is None
    newest, oldest = rows["results"]
    assert newest == {
        "id": late.pk,
        "tracking_no": late.tracking_no,
        "status": "submitted",
        "received_at": newest["received_at"],
        "forwarded_at": newest["forwarded_at"],
        "forwarded_late": True,
        "unit": {"id": world.detention.pk, "name": "景德镇市珠山区看守所"},
        "place": "三监区",
    }
    assert newest["received_at"].startswith("2026-12-04T23:00:00")
    assert newest["forwarded_at"].startswith("2026-12-06T09:00:00")
    assert oldest["id"] == in_time.pk and oldest["forwarded_late"] is False
    # the center's reviewer lists what the center received, a police unit nothing of the detention center's
    assert [r["id"] for r in world.api(world.reviewer).get(URL).json()["results"]] == [late.pk, in_time.pk]
    assert world.api(world.police_officer).get(URL).json()["results"] == []


def test_the_list_is_paginated(world):  # noqa: F811
    for _ in range(3):
        forwarded(world)
    page = world.api(world.officer).get(URL, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert world.api(world.officer).get(URL, {"page": 99}).status_code == 404


def test_the_list_costs_the_same_queries_for_one_forward_or_many(world):  # noqa: F811
    forwarded(world)
    client = world.api(world.officer)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(URL).json()["results"]) == 1
    for _ in range(4):
        forwarded(world)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(URL).json()["results"]) == 5
    assert len(many) == len(one)


def test_the_application_detail_shows_the_household_as_not_yet_known(world):  # noqa: F811
    """Needs api/applications.py to print a household that nobody has asked about yet (see the report)."""
    application = forwarded(world)
    detail = world.api(world.reviewer).get(f"/api/v1/applications/{application.pk}/")
    assert detail.status_code == 200, detail.content[:300]
    body_ = detail.json()
    assert body_["channel"] == "forwarded" and body_["status"] == "submitted"
    assert body_["household"]["size"] is None and body_["household"]["monthly_income"] is None
    assert body_["means_test"]["result"] == "unknown"
    assert [d["kind"] for d in body_["documents"]] == ["receipt"]
    assert body_["timeline"][0]["event"] == "application_forward"


# --- hostile input: 400, nothing saved, never 500 --------------------------------------------------------

HOSTILE = [
    {"received_at": "yesterday"},
    {"received_at": 12345},
    {"received_at": []},
    {"received_at": "2026-13-01T00:00"},
    {"received_at": "0001-01-01T00:00:00+14:00"},
    {"received_at": "9999-12-31T23:59:59-12:00"},
    {"person": None},
    {"person": []},
    {"person": "周国强"},
    {"person": {"name": None, "id_number": None}},
    {"person": {"name": "周" * 100_000}},
    {"person": {"id_number": "3" * 10_000}},
    {"matter": None},
    {"matter": {"category": None, "type": None, "summary": None}},
    {"matter": {"type": "x" * 10_000}},
    {"matter": {"summary": "案" * 100_000}},
    {"region": None},
    {"region": "x" * 10_000},
    {"region": ["zhushan"]},
    {"place": None},
    {"place": "所" * 100_000},
    {"defence_reason": "nonsense"},
    {"defence_reason": ["other"]},
    {"unit_id": "abc"},
    {"unit_id": 10**30},
    {"unit_id": -1},
    {"unit_id": 1.5},
    {"unit_id": {"id": 1}},
]


@pytest.mark.parametrize("overrides", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_input_is_a_400_in_the_api_format_and_saves_nothing(world, overrides):  # noqa: F811
    before = counts()
    response = forward(world, **overrides)
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"]
    assert counts() == before


@pytest.mark.parametrize("raw", ["[]", '"x"', "null", "{", "[" * 3000, '{"received_at": NaN}'])
def test_a_body_that_is_not_an_object_is_a_400(world, raw):  # noqa: F811
    before = counts()
    response = world.api(world.officer).generic("POST", URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"]
    assert counts() == before


def test_a_missing_field_is_named(world):  # noqa: F811
    response = world.api(world.officer).post(URL, {}, format="json")
    assert response.status_code == 400
    assert {"received_at", "region", "person", "matter", "place"} <= set(response.json()["errors"])


def test_the_same_person_may_be_forwarded_twice(world):  # noqa: F811
    """Two requests of one person (two matters, or the same asked again) are two applications: the
    center joins or refuses them on review; the unit is never blocked from forwarding in time."""
    first, second = forwarded(world), forwarded(world)
    assert first.pk != second.pk and first.applicant.id_number == second.applicant.id_number == DETAINEE_ID


def test_the_schema_documents_the_endpoint(world):  # noqa: F811
    schema = yaml.safe_load(Client().get("/api/schema/").content)
    operations = schema["paths"]["/api/v1/forwarded-requests/"]
    assert operations["post"]["tags"] == ["forwarded requests"] == operations["get"]["tags"]
    assert {"201", "400", "401", "403"} <= set(operations["post"]["responses"])
    assert "403" in operations["get"]["responses"]
    request = schema["components"]["schemas"]["ForwardedRequestInRequest"]
    assert set(request["required"]) == {"received_at", "region", "person", "matter", "place"}
    assert {"defence_reason", "unit_id"} <= set(request["properties"])
    created = schema["components"]["schemas"]["ForwardedCreatedOut"]
    assert set(created["properties"]) == {"id", "tracking_no", "forwarded_late"}
    row = schema["components"]["schemas"]["ForwardedRequestOut"]
    assert set(row["properties"]) == {
        "id",
        "tracking_no",
        "status",
        "received_at",
        "forwarded_at",
        "forwarded_late",
        "unit",
        "place",
    }
