"""A citizen's written objection (Art 49) recorded by the bureau from the decision letter's numbers."""

import pytest
from django.test import Client

from aid_cases.models import Application, Objection
from directory.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, region
from tests.world import ADULT_ID, application_payload

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def refused(actors):
    filed = (
        actors.api(actors.applicant)
        .post("/api/v1/applications/", application_payload(), format="json")
        .json()
    )
    task = actors.api(actors.reviewer).get(
        "/api/v1/tasks/", {"scope": "queue", "application_id": filed["id"]}
    )
    task_id = task.json()["results"][0]["id"]
    done = actors.api(actors.reviewer).post(
        f"/api/v1/tasks/{task_id}/complete/",
        {"outcome": "refuse", "reason": "不属于法律援助范围"},
        format="json",
    )
    assert done.status_code == 200
    return Application.objects.get(pk=filed["id"])


def test_the_bureau_records_a_written_objection_from_the_letter(actors, refused):
    page = client_for(actors.bureau_officer)
    assert page.get("/objections/record/").status_code == 200
    # before the objection the bureau does not see the case at all
    assert page.get(f"/applications/{refused.pk}/").status_code == 404
    response = page.post(
        "/objections/record/",
        {
            "tracking_no": refused.tracking_no.lower(),
            "id_tail": ADULT_ID[-4:],
            "reason": "本人书面提出异议：确属经济困难",
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get(application=refused)
    assert objection.on_behalf and objection.filed_by == actors.bureau_officer
    assert Application.objects.get(pk=refused.pk).status == "objection"
    assert page.get(f"/applications/{refused.pk}/").status_code == 200
    # a second one for the same decision: refused with the route left (Art 49), nothing saved
    again = page.post(
        "/objections/record/",
        {"tracking_no": refused.tracking_no, "id_tail": ADULT_ID[-4:], "reason": "再次"},
    )
    assert again.status_code == 400 and Objection.objects.count() == 1


@pytest.mark.parametrize("tail", ["0000", "12"])
def test_a_wrong_number_finds_nothing_and_saves_nothing(actors, refused, tail):
    response = client_for(actors.bureau_officer).post(
        "/objections/record/", {"tracking_no": refused.tracking_no, "id_tail": tail, "reason": "异议"}
    )
    assert response.status_code == 400
    assert not Objection.objects.exists()


def test_another_regions_bureau_and_other_roles(actors, refused, make_member):
    other_bureau = OrganisationFactory(
        kind=OrganisationKind.BUREAU, name="乐平市司法局", region=region("leping")
    )
    officer = make_member(Role.BUREAU_OFFICER, other_bureau, username="bureau_leping")
    response = client_for(officer).post(
        "/objections/record/",
        {"tracking_no": refused.tracking_no, "id_tail": ADULT_ID[-4:], "reason": "异议"},
    )
    assert response.status_code == 400 and not Objection.objects.exists()
    for user in (actors.reviewer, actors.applicant):
        assert client_for(user).get("/objections/record/").status_code == 404
