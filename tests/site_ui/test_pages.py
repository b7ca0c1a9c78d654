import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from directory.choices import OrganisationKind, Role
from directory.models import Organisation
from tests.factories import PASSWORD, OrganisationFactory, ProviderFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_axes():
    from axes.utils import reset

    reset()
    cache.clear()


def test_home_is_public_for_anonymous_visitors():
    # the public home page (tests/site_ui/test_registration_pages.py), not a redirect to the login form
    response = Client().get("/")
    assert response.status_code == 200
    assert 'href="/accounts/register/' in response.content.decode()


def test_login_page_is_chinese_by_default():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert "登录" in html and "景德镇法律援助" in html


def test_english_is_switchable():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en"' in html and "Log in" in html and "Jingdezhen Legal Aid" in html


@pytest.mark.parametrize(
    ("role", "kind", "label"),
    [
        (Role.REVIEWER, OrganisationKind.AID_CENTER, "审查人员"),
        (Role.CLERK, OrganisationKind.AID_CENTER, "受理人员"),
        (Role.FIRM_ADMIN, OrganisationKind.LAW_FIRM, "律所管理人员"),
        (Role.INSTITUTION_STAFF, OrganisationKind.NOTARY, "机构工作人员"),
        (Role.BUREAU_OFFICER, OrganisationKind.BUREAU, "司法局工作人员"),
    ],
)
def test_home_page_per_role(make_member, role, kind, label):
    org = OrganisationFactory(kind=kind, name=f"单位-{role}")
    user = make_member(role, org)
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert label in html
    assert f"单位-{role}" in html
    assert f"/organisations/{org.pk}/" in html


def test_home_page_of_an_applicant():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="applicant"))
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "申请人" in html


def test_site_login_lockout_is_429():
    UserFactory(username="victim")
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "victim", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lookup_is_public_and_filters():
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="瓷都律师事务所", region=region("zhushan")
    )
    ProviderFactory(name="李律师", organisation=firm, specialties=["wage_arrears"])
    ProviderFactory(name="赵律师", organisation=firm, specialties=["maintenance"])
    client = Client()
    html = client.get("/lookup/", {"category": "providers", "specialty": "wage_arrears"}).content.decode()
    assert "李律师" in html and "赵律师" not in html
    assert "追索劳动报酬" in html
    html = client.get("/lookup/", {"category": "firms", "region": "zhushan"}).content.decode()
    assert "瓷都律师事务所" in html
    # the public page shows no licence numbers
    assert firm.providers.first().licence_no not in client.get("/lookup/").content.decode()


@pytest.mark.parametrize(
    "params",
    [{"region": "atlantis"}, {"q": "x" * 5000}, {"category": "secrets"}, {"specialty": "astrology"}],
)
def test_lookup_bad_input_is_a_400_with_a_chinese_message(params):
    response = Client().get("/lookup/", params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_admin_refuses_a_firm_with_a_bad_credit_code_and_saves_nothing():
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/directory/lawfirm/add/",
        {
            "kind": "law_firm",
            "name": "坏码律师事务所",
            "region": region("zhushan").pk,
            "credit_code": "913602001234567890",
            "address": "",
            "phone": "",
            "allows_cross_region": "on",
            "active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    assert not Organisation.objects.filter(name="坏码律师事务所").exists()


def test_admin_pages_render_for_every_directory_model():
    admin = UserFactory(username="root2", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    for path in [
        "organisation",
        "aidcenter",
        "judicialbureau",
        "lawfirm",
        "grassrootsoffice",
        "institution",
        "agency",
        "provider",
        "membership",
        "auditevent",
        "region",
    ]:
        assert client.get(f"/admin/directory/{path}/").status_code == 200, path
        if path != "auditevent":
            assert client.get(f"/admin/directory/{path}/add/").status_code == 200, path
    for path in ["aid_cases/economicstandard", "assignments/subsidystandard", "assignments/dutyrule"]:
        assert client.get(f"/admin/{path}/").status_code == 200, path
