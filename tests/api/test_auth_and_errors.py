import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from directory.choices import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _clear_axes():
    from axes.utils import reset

    reset()
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def test_token_then_me(api, make_member, zhushan_center):
    make_member(Role.REVIEWER, zhushan_center, username="reviewer_x")
    response = api.post(TOKEN_URL, {"username": "reviewer_x", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {
        "username": "reviewer_x",
        "roles": ["reviewer"],
        "organisation": {
            "kind": "aid_center",
            "id": zhushan_center.pk,
            "name": "珠山区法律援助中心",
            "region": "zhushan",
        },
    }


def test_me_without_credentials_is_401_not_a_redirect(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert "detail" in response.json()
    assert "Location" not in response


def test_me_with_a_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/v1/me/").status_code == 401


def test_me_for_a_citizen_without_organisation(api):
    from django.contrib.auth.models import Group

    user = UserFactory(username="citizen")
    user.groups.add(Group.objects.get(name="applicant"))
    api.force_authenticate(user)
    assert api.get("/api/v1/me/").json() == {
        "username": "citizen",
        "roles": ["applicant"],
        "organisation": None,
    }


def test_wrong_password_is_400_in_the_error_format(api):
    UserFactory(username="someone")
    response = api.post(TOKEN_URL, {"username": "someone", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]
    assert not Token.objects.exists()


def test_five_failures_lock_the_account_with_429(api):
    UserFactory(username="target")
    for _ in range(5):
        assert api.post(TOKEN_URL, {"username": "target", "password": "nope"}, format="json").status_code in (
            400,
            429,
        )
    locked = api.post(TOKEN_URL, {"username": "target", "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert "detail" in locked.json()
    assert not Token.objects.exists()


def test_four_failures_do_not_lock(api):
    UserFactory(username="careful")
    for _ in range(4):
        assert (
            api.post(TOKEN_URL, {"username": "careful", "password": "nope"}, format="json").status_code == 400
        )
    assert (
        api.post(TOKEN_URL, {"username": "careful", "password": PASSWORD}, format="json").status_code == 200
    )


def test_malformed_json_is_400_and_saves_nothing(api):
    UserFactory(username="jsonuser")
    response = api.generic(
        "POST", TOKEN_URL, '{"username": "jsonuser", "password": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]
    assert not Token.objects.exists()


def test_missing_and_over_long_fields_are_field_errors(api):
    response = api.post(TOKEN_URL, {"username": "x" * 10_000}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"username", "password"}


def test_json_that_is_not_an_object_is_400(api):
    response = api.generic("POST", TOKEN_URL, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "errors" in response.json()


def test_schema_and_docs_are_public_and_local(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/providers/" in schema.content
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    # assets come from our own static files (the sidecar), never a CDN
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_unknown_api_path_is_404_json(api):
    user = UserFactory()
    api.force_authenticate(user)
    assert api.get("/api/v1/nothing-here/").status_code == 404
