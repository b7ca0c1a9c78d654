"""Permission matrix for applications: role × application → visible (200) or 404 (docs/domain.md)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from aid_cases import services
from aid_cases.models import EconomicStandard
from directory.choices import OrganisationKind, Role
from directory.models import Citizen
from tests.factories import OrganisationFactory, UserFactory, region, resident_id
from tests.world import pdf_file

pytestmark = pytest.mark.django_db

ORGS = {
    "center_zhushan": (OrganisationKind.AID_CENTER, "zhushan"),
    "center_leping": (OrganisationKind.AID_CENTER, "leping"),
    "bureau_zhushan": (OrganisationKind.BUREAU, "zhushan"),
    "bureau_city": (OrganisationKind.BUREAU, "jdz"),
    "firm": (OrganisationKind.LAW_FIRM, "zhushan"),
    "notary": (OrganisationKind.NOTARY, "jdz"),
    "police": (OrganisationKind.POLICE, "zhushan"),
}
MEMBERS = {
    "clerk_zhushan": (Role.CLERK, "center_zhushan"),
    "reviewer_zhushan": (Role.REVIEWER, "center_zhushan"),
    "director_zhushan": (Role.DIRECTOR, "center_zhushan"),
    "reviewer_leping": (Role.REVIEWER, "center_leping"),
    "lawyer": (Role.PROVIDER, "firm"),
    "firm_admin": (Role.FIRM_ADMIN, "firm"),
    "notary_staff": (Role.INSTITUTION_STAFF, "notary"),
    "police_officer": (Role.AGENCY_OFFICER, "police"),
    "bureau_zhushan": (Role.BUREAU_OFFICER, "bureau_zhushan"),
    "bureau_city": (Role.BUREAU_OFFICER, "bureau_city"),
}
# Who sees the 珠山 application filed online by "owner". Bureaus see objections only (none yet);
# a provider sees a case only once assigned and accepted (the assignment issue).
SEES = {"owner", "registered_party", "clerk_zhushan", "reviewer_zhushan", "director_zhushan", "admin"}
FULL_ID = {"owner", "registered_party", "clerk_zhushan", "reviewer_zhushan", "director_zhushan"}
# The center's case list (/cases/) is the center staff's page; it answers 404 to anyone else.
CASE_LIST = {"clerk_zhushan", "reviewer_zhushan", "director_zhushan", "reviewer_leping"}


@pytest.fixture
def world(make_member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    orgs = {
        k: OrganisationFactory(kind=kind, name=k, region=region(code)) for k, (kind, code) in ORGS.items()
    }
    EconomicStandard.objects.create(
        region=region("zhushan"),
        kind="low_income",
        monthly_amount=Decimal("1200"),
        valid_from=datetime.date(2020, 1, 1),
    )
    users = {name: make_member(role, orgs[org], username=name) for name, (role, org) in MEMBERS.items()}
    applicants = Group.objects.get(name="applicant")
    for name in ("owner", "other_applicant"):
        users[name] = UserFactory(username=name)
        users[name].groups.add(applicants)
    users["admin"] = UserFactory(username="admin", is_superuser=True, is_staff=True)
    # registered citizens: the application's applicant (by ID number), and someone else
    id_number = resident_id(datetime.date(1980, 1, 2))
    for name, their_id, phone in (
        ("registered_party", id_number, "13900000001"),
        ("registered_stranger", resident_id(datetime.date(1981, 5, 6)), "13900000002"),
    ):
        users[name] = UserFactory(username=phone)
        users[name].groups.add(applicants)
        Citizen.objects.create(user=users[name], id_number=their_id, phone=phone)
    # a global model permission must not widen object visibility
    users["reviewer_leping"].user_permissions.add(Permission.objects.get(codename="view_application"))
    application = services.application_submit(
        acting_user=users["owner"],
        channel="online",
        region=region("zhushan"),
        applicant=services.ApplicantData(
            name="苏大山", id_number=id_number, phone="13900000000", address="珠山区"
        ),
        representative=None,
        categories=[],
        matter=services.MatterData(category="civil", type="maintenance", summary="赡养费"),
        household_size=2,
        monthly_income=Decimal("1000.00"),
        pledge=True,
    )
    services.application_document_add(
        acting_user=users["owner"], application=application, upload=pdf_file("收入证明.pdf")
    )
    return users, application, id_number


WHO = sorted(
    [*MEMBERS, "owner", "other_applicant", "registered_party", "registered_stranger", "admin", "anonymous"]
)


@pytest.mark.parametrize("who", WHO)
def test_application_matrix(world, who):
    users, application, id_number = world
    api = APIClient()
    if who != "anonymous":
        api.force_authenticate(users[who])
    detail = api.get(f"/api/v1/applications/{application.pk}/")
    listing = api.get("/api/v1/applications/")
    upload = api.post(f"/api/v1/applications/{application.pk}/documents/", {}, format="multipart")
    if who == "anonymous":
        assert detail.status_code == listing.status_code == upload.status_code == 401
        return
    ids = [row["id"] for row in listing.json()["results"]]
    if who in SEES:
        assert detail.status_code == 200
        assert ids == [application.pk]
        assert upload.status_code == 400  # visible: the empty upload is a field error
        shown = detail.json()["applicant"]["id_number"]
        assert shown == (id_number if who in FULL_ID else id_number[:4] + "*" * 10 + id_number[-4:])
    else:
        assert detail.status_code == 404, who
        assert ids == []
        assert upload.status_code == 404


def test_city_center_sees_county_cases_only_when_configured(world, make_member):
    users, application, id_number = world
    city_center = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="景德镇市法律援助中心", region=region("jdz")
    )
    city_reviewer = make_member(Role.REVIEWER, city_center, username="reviewer_city")
    api = APIClient()
    api.force_authenticate(city_reviewer)
    assert api.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    city_center.sees_subregion_cases = True
    city_center.save()
    assert api.get(f"/api/v1/applications/{application.pk}/").status_code == 200
    assert [r["id"] for r in api.get("/api/v1/applications/").json()["results"]] == [application.pk]


def test_the_service_refuses_a_matter_type_outside_its_category(world):
    from django.core.exceptions import ValidationError

    from aid_cases.models import Application

    users, application, id_number = world
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            acting_user=users["owner"],
            channel="online",
            region=region("zhushan"),
            applicant=services.ApplicantData(
                name="苏大山", id_number=id_number, phone="13900000000", address="珠山区"
            ),
            representative=None,
            categories=[],
            matter=services.MatterData(category="criminal", type="wage_arrears", summary="x"),
            household_size=2,
            monthly_income=Decimal("1000.00"),
            pledge=True,
        )
    assert "matter_type" in exc.value.message_dict
    assert Application.objects.count() == 1


@pytest.mark.parametrize("who", WHO)
def test_application_pages_matrix(world, who, client):
    """The same matrix on the site: the application page, its materials, the center's case list."""
    users, application, id_number = world
    if who != "anonymous":
        client.force_login(users[who])
    upload = application.uploads.get()
    page = client.get(f"/applications/{application.pk}/")
    material = client.get(f"/applications/{application.pk}/materials/{upload.pk}/")
    cases = client.get("/cases/", {"name": "苏大山"})
    if who == "anonymous":
        assert {page.status_code, material.status_code, cases.status_code} == {302}
        return
    expected = 200 if who in SEES else 404
    assert (page.status_code, material.status_code) == (expected, expected), who
    if who in CASE_LIST:
        assert cases.status_code == 200
        # the search box echoes the name: the row is what says whether the case is listed
        assert (f"/applications/{application.pk}/" in cases.content.decode()) == (who in SEES), who
    else:
        assert cases.status_code == 404, who
