"""The consultation lists and the figures cost the same SQL statements for 1 consultation and for 10
(no query per row), and the figures the same for 1 center and for several."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from directory.choices import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory, region

from .consultation_world import answer, asked

pytestmark = pytest.mark.django_db


def _count(call) -> tuple[int, list[str]]:
    call()  # warm: content types, the rule rows in the reference-data cache, as on a running server
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content[:300]
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _calls(user):
    fresh = get_user_model().objects.get(pk=user.pk)
    api = APIClient()
    api.force_authenticate(fresh)
    site = Client()
    site.force_login(fresh)
    calls = {
        "api": lambda: api.get("/api/v1/consultations/"),
        "site": lambda: site.get("/consultations/"),
    }
    if not fresh.groups.filter(name="applicant").exists():
        calls["stats"] = lambda: api.get("/api/v1/consultations/stats/")
    return calls


def _add(world, n: int) -> None:
    consultation_id = asked(world, question=f"第{n}个问题：工资被拖欠怎么办？")
    if n % 2:
        assert answer(world, world.reviewer, consultation_id).status_code == 200
    response = world.api(world.clerk).post(
        "/api/v1/consultations/",
        {
            "channel": "hotline",
            "matter_type": "other",
            "question": f"来电{n}",
            "answer": "答",
            "asker_name": "某",
        },
        format="json",
    )
    assert response.status_code == 201


def test_the_lists_and_figures_do_not_grow_with_the_consultations(world):
    viewers = {"asker": world.applicant, "director": world.director, "bureau": world.bureau_officer}
    _add(world, 0)
    one = {(who, what): _count(call) for who, user in viewers.items() for what, call in _calls(user).items()}
    for n in range(1, 10):
        _add(world, n)
    ten = {(who, what): _count(call) for who, user in viewers.items() for what, call in _calls(user).items()}
    for key in one:
        assert one[key][0] == ten[key][0], (key, one[key][1], ten[key][1])
    assert world.api(world.applicant).get("/api/v1/consultations/").json()["count"] == 10
    assert world.api(world.director).get("/api/v1/consultations/").json()["count"] == 20


def test_the_figures_do_not_grow_with_the_centers(world):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    call = _calls(admin)["stats"]
    asked(world)
    few = _count(call)
    for code in ("changjiang", "fuliang"):
        OrganisationFactory(kind=OrganisationKind.AID_CENTER, name=f"{code}中心", region=region(code))
    many = _count(call)
    assert few[0] == many[0], (few[1], many[1])
