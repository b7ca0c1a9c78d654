"""The public home page (/), the registration page (/accounts/register/) and the login page's links."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from directory.models import Citizen
from tests.factories import resident_id

pytestmark = pytest.mark.django_db

URL = "/accounts/register/"
PASSWORD = "jingdezhen-kiln-2026"
ID_NUMBER = resident_id(datetime.date(1985, 6, 12), seq="002")

PUBLIC_LINKS = ("/accounts/register/", "/accounts/login/", "/apply/", "/track/", "/verify/", "/lookup/")


def _form(**changes):
    return {
        "name": "吕春花",
        "id_number": ID_NUMBER,
        "phone": "13907980001",
        "password": PASSWORD,
        "password_again": PASSWORD,
    } | changes


def _hrefs(html: str) -> set[str]:
    return {href.split("?")[0] for href in re.findall(r'href="([^"]+)"', html)}


def test_anonymous_home_is_the_public_home_with_every_way_in():
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "景德镇法律援助" in html
    assert "申请法律援助" in html and "注册" in html and "请先" in html
    assert set(PUBLIC_LINKS) <= _hrefs(html)
    assert 'name="password"' not in html  # not the login form
    assert "cdn" not in html.lower()


def test_a_logged_in_user_keeps_their_role_home(client):
    user = get_user_model().objects.create_user(username="13907980009", password=PASSWORD)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'id="home-register"' not in html


def test_login_page_links_to_register_and_the_public_services():
    html = Client().get("/accounts/login/").content.decode()
    assert set(PUBLIC_LINKS) - {"/accounts/login/"} <= _hrefs(html)
    assert "手机号码" in html


def test_register_page_is_public_and_phone_friendly():
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="tel"' in html and 'inputmode="numeric"' in html
    assert 'autocomplete="new-password"' in html
    assert "/accounts/login/" in _hrefs(html)


def test_register_logs_in_and_goes_to_the_application_form():
    client = Client()
    response = client.post(URL, _form(), follow=True)
    assert response.redirect_chain[-1][0] == "/apply/"
    assert response.status_code == 200
    html = response.content.decode()
    assert "注册成功" in html and "13907980001" in html
    user = get_user_model().objects.get(username="13907980001")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.citizen.id_number == ID_NUMBER
    assert user.groups.filter(name="applicant").exists()
    # and the phone logs in afterwards
    login = Client().post("/accounts/login/", {"username": "13907980001", "password": PASSWORD})
    assert login.status_code == 302


def test_register_follows_a_safe_next_only():
    response = Client().post(URL, _form(next="/track/"))
    assert response["Location"] == "/track/"
    response = Client().post(
        URL,
        _form(
            next="https://evil.example/",
            phone="13907980002",
            id_number=resident_id(datetime.date(1990, 1, 1)),
        ),
    )
    assert response["Location"] == "/apply/"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"id_number": resident_id(timezone.localdate() + datetime.timedelta(days=3))},
            "id_number",
            "身份证号码中的出生日期（第7至14位）不能晚于今天。",
        ),
        (
            {"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")},
            "id_number",
            "身份证号码最后一位（校验码）不符，请核对号码。",
        ),
        ({"phone": "1390798"}, "phone", "请输入以1开头的11位手机号码。"),
        ({"password": "12345678", "password_again": "12345678"}, "password", "这个密码太常见了。"),
        ({"password_again": "something-else-1"}, "password_again", "两次输入的密码不一致。"),
    ],
    ids=["future-birth-date", "check-digit", "phone", "weak-password", "passwords-differ"],
)
def test_errors_show_next_to_their_field_and_nothing_is_saved(changes, field, message):
    client = Client()
    response = client.post(URL, _form(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    # the message is inside the field's own block, next to its input
    blocks = [b for b in html.split('<div class="site-field ')[1:] if f'name="{field}"' in b]
    assert len(blocks) == 1 and message in blocks[0], html
    assert not get_user_model().objects.exists()
    assert not Citizen.objects.exists()
    assert "_auth_user_id" not in client.session
    # what was typed stays, except the passwords
    assert 'value="吕春花"' in html
    assert PASSWORD not in html


def test_a_registered_phone_or_id_number_is_refused_on_the_page():
    assert Client().post(URL, _form()).status_code == 302
    response = Client().post(URL, _form(phone="13907980002"))
    assert response.status_code == 400
    assert "该身份证号码已注册过账号" in response.content.decode()
    response = Client().post(URL, _form(id_number=resident_id(datetime.date(1990, 1, 1))))
    assert response.status_code == 400
    assert "该手机号码已注册" in response.content.decode()
    assert Citizen.objects.count() == 1


def test_the_page_and_the_api_share_one_throttle(settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"register": "5/hour"}}
    client = Client()
    for _ in range(3):
        assert client.post(URL, _form(password="1", password_again="1")).status_code == 400
    for _ in range(2):
        assert client.post("/api/v1/auth/register/", {}, content_type="application/json").status_code == 400
    response = client.post(URL, _form())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "注册尝试过多" in response.content.decode()
    assert not Citizen.objects.exists()
    api = client.post("/api/v1/auth/register/", {}, content_type="application/json")
    assert api.status_code == 429


def test_a_logged_in_user_is_sent_home_from_the_register_page(client):
    user = get_user_model().objects.create_user(username="13907980009", password=PASSWORD)
    client.force_login(user)
    assert client.get(URL)["Location"] == "/"
