"""The complaint lists cost the same SQL statements for 1 complaint and for 10 (no query per row): the
API's list and the site's list, for the handling director and for the provider complained about (whose
rows hide who complained, by the rule in force)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from aid_cases.models import Application
from workflows.complaints import complaint_submit

from .test_complaints_api import handled_case

pytestmark = pytest.mark.django_db


def _record(world, case, n: int) -> None:
    complaint, created = complaint_submit(
        acting_user=world.clerk,
        about="provider",
        application=case,
        ground="neglect",
        facts=f"来电反映第{n}次：律师不联系。",
        complainant_name=f"来电人{n}",
        complainant_phone=f"1390798{n:04d}",
        on_behalf=True,
    )
    assert created


def _count(call) -> tuple[int, list[str]]:
    call()  # warm: content types, reference data (the rule in force), as on a running server
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _calls(user):
    fresh = get_user_model().objects.get(pk=user.pk)
    api = APIClient()
    api.force_authenticate(fresh)
    site = Client()
    site.force_login(fresh)
    return {
        "api": lambda: api.get("/api/v1/complaints/"),
        "site": lambda: site.get("/complaints/"),
    }


def test_the_lists_do_not_grow_with_the_complaints(handling_world):
    world = handling_world
    case = Application.objects.get(pk=handled_case(world))
    viewers = {"director": world.director, "lawyer": world.lawyers[0][0], "bureau": world.bureau_officer}
    _record(world, case, 0)
    one = {(who, what): _count(call) for who, user in viewers.items() for what, call in _calls(user).items()}
    for n in range(1, 10):
        _record(world, case, n)
    ten = {(who, what): _count(call) for who, user in viewers.items() for what, call in _calls(user).items()}
    for key in one:
        assert one[key][0] == ten[key][0], (key, one[key][1], ten[key][1])
    # and each page shows the ten rows (the lawyer without who complained)
    body = APIClient()
    body.force_authenticate(world.lawyers[0][0])
    rows = body.get("/api/v1/complaints/").json()["results"]
    assert len(rows) == 10 and all(row["complainant"] is None for row in rows)
