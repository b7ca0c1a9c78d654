"""Role × object → visible (200) or not (404). Grows with every feature (docs/domain.md, who does what).

Objects here: organisations' internal records (members, credit code, providers' licences),
at ``/organisations/<id>/`` and through ``selectors.organisations_visible_internal``, for every kind of
organisation (institutions and courts included). The fee waivers' matrix is
tests/waivers/test_waiver_visibility.py; the cases' tests/aid_cases/test_*_visibility.py.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from directory import selectors
from directory.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, UserFactory, region

pytestmark = pytest.mark.django_db

ORGS = {
    "center_zhushan": (OrganisationKind.AID_CENTER, "zhushan"),
    "center_changjiang": (OrganisationKind.AID_CENTER, "changjiang"),
    "center_city": (OrganisationKind.AID_CENTER, "jdz"),
    "bureau_zhushan": (OrganisationKind.BUREAU, "zhushan"),
    "bureau_city": (OrganisationKind.BUREAU, "jdz"),
    "firm_a": (OrganisationKind.LAW_FIRM, "zhushan"),
    "firm_b": (OrganisationKind.LAW_FIRM, "leping"),
    "notary_city": (OrganisationKind.NOTARY, "jdz"),
    "notary_leping": (OrganisationKind.NOTARY, "leping"),
    "forensic_city": (OrganisationKind.FORENSIC, "jdz"),
    "court_city": (OrganisationKind.COURT, "jdz"),
    "police_zhushan": (OrganisationKind.POLICE, "zhushan"),
    "detention_zhushan": (OrganisationKind.DETENTION, "zhushan"),
}

USERS = {
    # name: (role, organisation key)
    "clerk_zhushan": (Role.CLERK, "center_zhushan"),
    "reviewer_zhushan": (Role.REVIEWER, "center_zhushan"),
    "director_zhushan": (Role.DIRECTOR, "center_zhushan"),
    "reviewer_changjiang": (Role.REVIEWER, "center_changjiang"),
    "reviewer_city": (Role.REVIEWER, "center_city"),
    "lawyer_a": (Role.PROVIDER, "firm_a"),
    "firmadmin_a": (Role.FIRM_ADMIN, "firm_a"),
    "firmadmin_b": (Role.FIRM_ADMIN, "firm_b"),
    "notary_staff": (Role.INSTITUTION_STAFF, "notary_city"),
    "notary_leping_staff": (Role.INSTITUTION_STAFF, "notary_leping"),
    "forensic_staff": (Role.INSTITUTION_STAFF, "forensic_city"),
    "court_officer": (Role.AGENCY_OFFICER, "court_city"),
    "police_officer": (Role.AGENCY_OFFICER, "police_zhushan"),
    "detention_officer": (Role.DETENTION_OFFICER, "detention_zhushan"),
    "bureau_zhushan": (Role.BUREAU_OFFICER, "bureau_zhushan"),
    "bureau_city": (Role.BUREAU_OFFICER, "bureau_city"),
}

ALL_ORGS = set(ORGS)
EXPECTED = {
    "anonymous": set(),
    "applicant": set(),
    "clerk_zhushan": {"center_zhushan"},
    "reviewer_zhushan": {"center_zhushan"},
    "director_zhushan": {"center_zhushan"},
    "reviewer_changjiang": {"center_changjiang"},
    "reviewer_city": {"center_city"},
    "lawyer_a": {"firm_a"},
    "firmadmin_a": {"firm_a"},
    "firmadmin_b": {"firm_b"},
    "notary_staff": {"notary_city"},
    "notary_leping_staff": {"notary_leping"},
    "forensic_staff": {"forensic_city"},
    "court_officer": {"court_city"},
    "police_officer": {"police_zhushan"},
    "detention_officer": {"detention_zhushan"},
    # a bureau supervises its own region's organisations; the city bureau the whole city
    "bureau_zhushan": {"center_zhushan", "bureau_zhushan", "firm_a", "police_zhushan", "detention_zhushan"},
    "bureau_city": ALL_ORGS,
    "admin": ALL_ORGS,
}


@pytest.fixture
def world(make_member):
    orgs = {
        key: OrganisationFactory(kind=kind, name=key, region=region(code))
        for key, (kind, code) in ORGS.items()
    }
    users = {name: make_member(role, orgs[org], username=name) for name, (role, org) in USERS.items()}
    applicant = UserFactory(username="applicant")
    applicant.groups.add(Group.objects.get(name="applicant"))
    users["applicant"] = applicant
    users["admin"] = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return orgs, users


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_organisation_internal_record_matrix(world, who):
    orgs, users = world
    client = Client()
    if who != "anonymous":
        client.force_login(users[who])
    for key, org in orgs.items():
        response = client.get(f"/organisations/{org.pk}/")
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif key in EXPECTED[who]:
            assert response.status_code == 200, (who, key)
            assert org.name in response.content.decode()
        else:
            assert response.status_code == 404, (who, key)
    if who != "anonymous":
        visible = set(selectors.organisations_visible_internal(users[who]).values_list("name", flat=True))
        assert visible == EXPECTED[who]


def test_a_global_permission_does_not_widen_visibility(world):
    """Object permissions are queried with accept_global_perms=False (docs/architecture.md, viewflow)."""
    from django.contrib.auth.models import Permission

    orgs, users = world
    user = users["firmadmin_b"]
    user.user_permissions.add(Permission.objects.get(codename="view_organisation_internal"))
    user = type(user).objects.get(pk=user.pk)
    assert set(selectors.organisations_visible_internal(user).values_list("name", flat=True)) == {"firm_b"}


def test_revoked_membership_loses_the_record(world):
    from directory import services
    from directory.models import Membership

    orgs, users = world
    membership = Membership.objects.get(user=users["firmadmin_a"])
    services.membership_revoke(acting_user=users["admin"], membership=membership)
    client = Client()
    client.force_login(users["firmadmin_a"])
    assert client.get(f"/organisations/{orgs['firm_a'].pk}/").status_code == 404


def test_the_internal_record_costs_a_fixed_number_of_queries(
    world, django_assert_max_num_queries, make_member
):
    orgs, users = world
    client = Client()
    client.force_login(users["firmadmin_a"])
    client.get(f"/organisations/{orgs['firm_a'].pk}/")
    for n in range(15):
        make_member(Role.PROVIDER, orgs["firm_a"], username=f"extra{n}")
    with django_assert_max_num_queries(12):
        assert client.get(f"/organisations/{orgs['firm_a'].pk}/").status_code == 200
