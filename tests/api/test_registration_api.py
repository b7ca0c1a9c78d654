"""POST /api/v1/auth/register/: a citizen's own account, the phone as login name (API.md, Conventions)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import AuditEvent, Citizen
from tests.factories import resident_id

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/register/"
PASSWORD = "jingdezhen-kiln-2026"
ID_NUMBER = resident_id(datetime.date(1985, 6, 12), seq="002")


@pytest.fixture
def api():
    # No session, no CSRF token: the endpoint is public.
    return APIClient(enforce_csrf_checks=True)


def _body(**changes):
    return {"name": "吕春花", "id_number": ID_NUMBER, "phone": "13907980001", "password": PASSWORD} | changes


def _nothing_saved():
    assert not get_user_model().objects.exists()
    assert not Citizen.objects.exists()


def test_register_then_log_in_with_the_phone(api):
    response = api.post(URL, _body(), format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"username": "13907980001"}
    user = get_user_model().objects.get(username="13907980001")
    assert user.citizen.id_number == ID_NUMBER
    assert user.last_name == "吕春花"
    assert AuditEvent.objects.filter(action="citizen_register", object_id=str(user.citizen.pk)).exists()

    token = api.post("/api/v1/auth/token/", {"username": "13907980001", "password": PASSWORD}, format="json")
    assert token.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    me = api.get("/api/v1/me/")
    assert me.json()["roles"] == ["applicant"]


def test_a_lower_case_x_is_the_same_id_number(api):
    body = "36020319900101002"
    from stdnum.cn import ric

    for seq in range(100, 999):
        body = f"36020319900101{seq:03d}"
        if ric.calc_check_digit(body + "0") == "X":
            break
    response = api.post(URL, _body(id_number=body + "x"), format="json")
    assert response.status_code == 201, response.content
    assert Citizen.objects.get().id_number == body + "X"
    again = api.post(URL, _body(id_number=body + "X", phone="13907980002"), format="json")
    assert again.status_code == 400
    assert "id_number" in again.json()["errors"]


def test_one_account_per_id_number_and_per_phone(api):
    assert api.post(URL, _body(), format="json").status_code == 201

    same_id = api.post(URL, _body(phone="13907980002"), format="json")
    assert same_id.status_code == 400
    assert same_id.json()["errors"] == {"id_number": ["该身份证号码已注册过账号，请用注册时的手机号码登录。"]}

    other_id = resident_id(datetime.date(1990, 1, 1), seq="004")
    same_phone = api.post(URL, _body(id_number=other_id), format="json")
    assert same_phone.status_code == 400
    assert same_phone.json()["errors"] == {"phone": ["该手机号码已注册，请直接登录或使用其他号码。"]}

    assert get_user_model().objects.count() == 1
    assert Citizen.objects.count() == 1


def test_a_staff_username_is_not_taken_over(api, make_member, zhushan_center):
    from directory.choices import Role

    make_member(Role.CLERK, zhushan_center, username="13907980001")
    response = api.post(URL, _body(), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["phone"]
    assert not Citizen.objects.exists()


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        (
            ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"),
            "身份证号码最后一位（校验码）不符，请核对号码。",
        ),
        (
            resident_id(timezone.localdate() + datetime.timedelta(days=1)),
            "身份证号码中的出生日期（第7至14位）不能晚于今天。",
        ),
        ("360203" + "19990230" + "0010", "身份证号码中的出生日期（第7至14位）不是一个真实的日期。"),
        ("36020319850612", "身份证号码为18位：前17位是数字，最后一位是数字或X。"),
        (
            resident_id(datetime.date(1985, 6, 12), region_code="990000"),
            "身份证号码的前6位不是有效的行政区划代码。",
        ),
    ],
    ids=["check-digit", "future-birth-date", "impossible-date", "too-short", "unknown-region"],
)
def test_a_bad_id_number_says_what_is_wrong(api, id_number, message):
    response = api.post(URL, _body(id_number=id_number), format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"id_number": [message]}}
    _nothing_saved()


def test_a_weak_password_and_a_bad_phone_are_refused(api):
    response = api.post(URL, _body(password="12345678", phone="0798-8221234"), format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["phone"] == ["请输入以1开头的11位手机号码。"]
    assert "这个密码太常见了。" in errors["password"]
    assert "密码只包含数字。" in errors["password"]
    _nothing_saved()


def test_a_password_like_the_phone_is_refused(api):
    response = api.post(URL, _body(password="13907980001a"), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]
    _nothing_saved()


def test_missing_fields_are_400(api):
    response = api.post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "id_number", "phone", "password"}
    _nothing_saved()


def test_throttled_after_the_limit_with_retry_after(api, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"register": "5/hour"}}
    for attempt in range(5):
        response = api.post(URL, _body(password="123"), format="json")
        assert response.status_code == 400, attempt
    response = api.post(URL, _body(), format="json")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response.json()["detail"].startswith("此地址的注册尝试过多，请稍后再试。")
    _nothing_saved()

    # another address still registers
    other = api.post(URL, _body(), format="json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 201


def test_the_default_rate_allows_at_least_five_an_hour(api):
    for attempt in range(5):
        assert api.post(URL, _body(password="123"), format="json").status_code == 400, attempt
    assert api.post(URL, _body(), format="json").status_code == 201


def test_the_schema_documents_the_patterns_and_errors(api):
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/auth/register/"]["post"]
    assert {"201", "400", "429"} <= set(operation["responses"])
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert properties["phone"]["pattern"] == r"^1\d{10}$"
    assert properties["id_number"]["pattern"] == r"^\d{17}[\dXx]$"
    assert operation.get("security") in (None, [], [{}])


def test_a_registered_citizen_sees_the_window_filing_that_names_them(api, actors):
    from tests.world import ADULT_ID, application_payload

    assert api.post(URL, _body(id_number=ADULT_ID.lower()), format="json").status_code == 201
    filed = actors.api(actors.clerk).post(
        "/api/v1/applications/", application_payload(channel="window"), format="json"
    )
    assert filed.status_code == 201, filed.content
    token = api.post("/api/v1/auth/token/", {"username": "13907980001", "password": PASSWORD}, format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    listed = api.get("/api/v1/applications/").json()
    assert [a["id"] for a in listed["results"]] == [filed.json()["id"]]
    detail = api.get(f"/api/v1/applications/{filed.json()['id']}/").json()
    assert detail["applicant"]["id_number"] == ADULT_ID  # their own number, unmasked
