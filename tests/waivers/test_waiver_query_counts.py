"""The fee-waiver lists cost the same statements for one waiver and for many: the institution's list, the
reviewer's queue of review_waiver tasks, the case's detail with its fee lines."""

import difflib

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.waivers.test_fee_waivers_api import ask, handled_case
from tests.world import complete, tasks

pytestmark = pytest.mark.django_db


def _statements(user, path, params=None) -> list[str]:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))  # a fresh user, as a request loads it
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content
    return [q["sql"] for q in captured.captured_queries]


def _measure(world, application_id) -> dict[str, list[str]]:
    return {
        "institution list": _statements(world.notary_city_staff, "/api/v1/fee-waivers/"),
        "reviewer list": _statements(world.reviewer, "/api/v1/fee-waivers/"),
        "case waivers": _statements(world.reviewer, f"/api/v1/applications/{application_id}/fee-waivers/"),
        "case detail": _statements(world.reviewer, f"/api/v1/applications/{application_id}/"),
        "queue": _statements(world.reviewer, "/api/v1/tasks/", {"scope": "queue"}),
        "institution queue": _statements(world.notary_city_staff, "/api/v1/tasks/", {"scope": "queue"}),
    }


def test_the_lists_cost_the_same_for_one_waiver_and_for_many(waiver_world):
    world = waiver_world
    application_id = handled_case(world)

    def add(n):
        for _ in range(n):
            # one sent on to the institution, one left waiting for the review
            sent = ask(world, application_id).json()["id"]
            ask(world, application_id, treatment="defer")
            (task,) = [
                t for t in tasks(world, world.reviewer, "queue", application_id) if t["waiver_id"] == sent
            ]
            assert complete(world, world.reviewer, task["id"], approve=True).status_code == 200

    add(1)
    one = _measure(world, application_id)
    add(6)
    many = _measure(world, application_id)
    for key in one:
        diff = "\n".join(difflib.unified_diff(one[key], many[key], lineterm="", n=0))
        assert len(one[key]) == len(many[key]), f"{key}: {len(one[key])} → {len(many[key])}\n{diff}"
