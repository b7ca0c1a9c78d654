"""Permission matrix of a forwarded application (Art 39; DESIGN §1): the forwarding unit sees what it
forwarded, the center sees it as any application, nobody else outside the center does (404)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from aid_cases.selectors import applications_visible_to
from directory.models import Citizen
from tests.factories import UserFactory

from .forwarding_world import DETAINEE_ID, at, forwarded, set_clock

pytestmark = pytest.mark.django_db

MASKED = DETAINEE_ID[:4] + "*" * 10 + DETAINEE_ID[-4:]

# who → (sees the case, sees the full ID number, lists it among the forwards)
MATRIX = {
    "officer": (True, True, True),  # forwarded it: typed the ID number in
    "officer2": (True, False, True),  # a colleague of the same detention center
    "other_officer": (False, False, False),  # another detention center
    "police_officer": (False, False, False),  # a police unit of the same region
    "other_police_officer": (False, False, False),
    "reviewer": (True, True, True),  # the center that reviews it
    "clerk": (True, True, True),
    "director": (True, True, True),
    "other_reviewer": (False, False, False),  # another center
    "bureau_officer": (False, False, False),  # no objection: the bureau counts forwards, sees no case
    "lawyer": (False, False, False),  # not assigned
    "detainee": (True, True, False),  # registered with the person's own ID number: their application
    "applicant": (False, False, False),  # another citizen
}
# May call GET /api/v1/forwarded-requests/ (the units' officers and the centers' staff); others 403.
LISTS = {"officer", "officer2", "other_officer", "police_officer", "other_police_officer"}
LISTS |= {"reviewer", "clerk", "director", "other_reviewer"}


@pytest.fixture
def case(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))
    # the person, later released, registers with their own ID number
    forwarding_world.detainee = UserFactory(username="13900000077")
    forwarding_world.detainee.groups.add(Group.objects.get(name="applicant"))
    Citizen.objects.create(user=forwarding_world.detainee, id_number=DETAINEE_ID, phone="13900000077")
    return forwarded(forwarding_world)


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_forwarded_application_matrix(forwarding_world, case, who):
    sees, full_id, lists = MATRIX[who]
    user = getattr(forwarding_world, who)
    api = forwarding_world.api(user)
    listed = [row["id"] for row in api.get("/api/v1/applications/").json()["results"]]
    page = Client()
    page.force_login(user)
    case_page = page.get(f"/applications/{case.pk}/")
    forwards = api.get("/api/v1/forwarded-requests/")
    if sees:
        assert listed == [case.pk], who
        assert case_page.status_code == 200, who
        html = case_page.content.decode()
        assert (DETAINEE_ID in html) is full_id and (MASKED in html) is not full_id, who
    else:
        assert listed == [], who
        assert case_page.status_code == 404, who
        assert api.get(f"/api/v1/applications/{case.pk}/").status_code == 404, who
    if who in LISTS:
        assert forwards.status_code == 200, who
        assert [row["id"] for row in forwards.json()["results"]] == ([case.pk] if lists else []), who
    else:
        assert forwards.status_code == 403, who


def test_the_receipt_is_downloaded_by_the_unit_and_the_center_only(forwarding_world, case):
    from documents.models import IssuedDocument

    code = IssuedDocument.objects.get(kind="receipt", subject_id=str(case.pk)).code
    for who in ("officer", "officer2", "reviewer", "detainee"):
        response = forwarding_world.api(getattr(forwarding_world, who)).get(f"/api/v1/documents/{code}/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", who
    for who in ("other_officer", "police_officer", "other_reviewer", "lawyer", "applicant"):
        assert (
            forwarding_world.api(getattr(forwarding_world, who)).get(f"/api/v1/documents/{code}/").status_code
            == 404
        ), who


def test_an_officer_who_leaves_the_unit_no_longer_sees_the_colleagues_forwards(forwarding_world, case):
    from directory import services
    from directory.models import Membership

    membership = Membership.objects.get(
        user=forwarding_world.officer2, organisation=forwarding_world.detention
    )
    services.membership_revoke(acting_user=None, membership=membership)
    assert (
        forwarding_world.api(forwarding_world.officer2).get(f"/api/v1/applications/{case.pk}/").status_code
        == 404
    )
    assert (
        forwarding_world.api(forwarding_world.officer2).get("/api/v1/forwarded-requests/").status_code == 403
    )


def test_anonymous_callers_are_asked_to_log_in(forwarding_world, case):
    assert forwarding_world.api(None).get(f"/api/v1/applications/{case.pk}/").status_code == 401
    assert forwarding_world.api(None).get("/api/v1/forwarded-requests/").status_code == 401
    for path in (f"/applications/{case.pk}/", "/forwarded/", "/forwarded/new/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


@pytest.mark.parametrize("who", ["officer", "police_officer"])
def test_an_officers_units_are_looked_up_in_one_query(forwarding_world, case, who, django_assert_num_queries):
    """A detention or agency officer's visibility asks three queries, not four: their centers, their
    units (agency and detention officers' together) and their bureaus."""
    user = getattr(forwarding_world, who)
    with django_assert_num_queries(3):
        visible = applications_visible_to(user)
    assert list(visible.values_list("pk", flat=True)) == ([case.pk] if who == "officer" else [])


def test_an_officer_of_a_detention_center_and_a_police_unit_sees_the_forwards_of_both(
    forwarding_world, case, make_member, monkeypatch, django_assert_num_queries
):
    from directory import services

    police_officer = forwarding_world.police_officer
    police_forward = forwarded(forwarding_world, user=police_officer, place="珠山分局执法办案中心")
    services.membership_grant(
        acting_user=None,
        user=police_officer,
        organisation=forwarding_world.detention,
        role="detention_officer",
    )
    with django_assert_num_queries(3):
        visible = applications_visible_to(police_officer)
    assert sorted(visible.values_list("pk", flat=True)) == sorted([case.pk, police_forward.pk])
