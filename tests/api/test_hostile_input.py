"""Hostile input (issue 7): never a 500; 400, 403, 413 and 429 in API.md's format."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from api.parsers import JSONParser, RequestTooLarge
from tests.factories import PASSWORD
from tests.world import application_payload
from workflows import registry
from workflows.forms import TaskForm

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    from axes.utils import reset

    settings.MEDIA_ROOT = tmp_path
    reset()


def raw_json(client, url: str, body: str | bytes):
    data = body.encode() if isinstance(body, str) else body
    return client.post(url, data=data, content_type="application/json")


def file(actors) -> dict:
    response = actors.api(actors.applicant).post(
        "/api/v1/applications/", application_payload(), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def review_task_id(actors, application_id: int) -> int:
    rows = actors.api(actors.reviewer).get("/api/v1/tasks/", {"scope": "queue"}).json()["results"]
    return next(t["id"] for t in rows if t["application_id"] == application_id)


def assert_400(response):
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"]["non_field_errors"]


# --- JSON: nesting, surrogates, NaN -------------------------------------------------------------


@pytest.mark.parametrize("nested", ["[" * 3000, '{"a":' * 3000, "[" * 3000 + "]" * 3000])
def test_deeply_nested_json_is_400_on_every_endpoint(actors, nested):
    filed = file(actors)
    task_id = review_task_id(actors, filed["id"])
    assert_400(raw_json(APIClient(), TOKEN_URL, nested))
    assert_400(raw_json(actors.api(actors.applicant), "/api/v1/applications/", nested))
    assert_400(raw_json(actors.api(actors.reviewer), f"/api/v1/tasks/{task_id}/complete/", nested))
    assert_400(
        raw_json(actors.api(actors.applicant), f"/api/v1/applications/{filed['id']}/objection/", nested)
    )


def test_json_nested_a_little_is_still_read(actors):
    # 20 levels: far more than any request needs, but the parser reads it (then the fields say no)
    nested: object = "x"
    for _ in range(20):
        nested = [nested]
    body = json.dumps({"username": nested, "password": "p"})
    response = raw_json(APIClient(), TOKEN_URL, body)
    assert response.status_code == 400 and "username" in response.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        '{"username": "a\\ud800b", "password": "x"}',
        '{"username": "a", "password": "\\udfff"}',
        '{"a\\ud800": 1, "username": "a", "password": "b"}',
        '{"username": "a", "password": "b", "x": [["\\ud83d"]]}',
    ],
)
def test_lone_surrogates_anywhere_are_400(body):
    assert_400(raw_json(APIClient(), TOKEN_URL, body))


def test_a_proper_surrogate_pair_is_text():
    # "\ud83d\ude00" is one character (😀): valid JSON text, so the fields judge it
    response = raw_json(APIClient(), TOKEN_URL, '{"username": "\\ud83d\\ude00", "password": "x"}')
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]  # the login failed, the body was read


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_400(actors, literal):
    body = json.dumps(application_payload()).replace('"1800.00"', literal)
    assert_400(raw_json(actors.api(actors.applicant), "/api/v1/applications/", body))


def test_a_lone_surrogate_in_a_task_field_is_a_field_error(actors):
    filed = file(actors)
    task_id = review_task_id(actors, filed["id"])
    response = raw_json(
        actors.api(actors.reviewer),
        f"/api/v1/tasks/{task_id}/complete/",
        '{"outcome": "refuse", "reason": "a\\ud800b"}',
    )
    # the parser stops it first; the form stops it too, for whoever reaches it another way
    assert response.status_code == 400


def test_task_forms_refuse_unencodable_text_as_a_field_error():
    for spec in registry.specs():
        if spec.form.__module__.startswith("workflows."):
            assert issubclass(spec.form, TaskForm), spec.form
    from workflows.flows.aid_application import ReviewForm

    form = ReviewForm(data={"outcome": "refuse", "reason": "a\ud800b", "missing_items": ["ok", "\udfff"]})
    assert not form.is_valid()
    assert set(form.errors) == {"reason", "missing_items"}
    assert "cannot be stored" in str(form.errors["reason"]) or "无法保存" in str(form.errors["reason"])
    assert ReviewForm(data={"outcome": "refuse", "reason": "拒绝 😀"}).is_valid()


def test_completing_a_task_with_a_surrogate_stops_at_the_form(actors):
    # what the API and the task page both call: the handler and its services never see the text
    from django.core.exceptions import ValidationError

    from workflows import tasks

    filed = file(actors)
    task_id = review_task_id(actors, filed["id"])
    with pytest.raises(ValidationError) as caught:
        tasks.task_complete(
            user=actors.reviewer,
            task_id=task_id,
            data={"outcome": "refuse", "reason": "a\ud800b"},
            base_url="http://testserver",
        )
    assert "reason" in caught.value.message_dict


# --- the means preview ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1e999999", "-1e999999", "1e-999999"]
)
@pytest.mark.parametrize("field", ["monthly_income", "assets", "household_size"])
def test_means_preview_answers_null_for_numbers_it_cannot_read(actors, field, value):
    client = Client()
    client.force_login(actors.applicant)
    body = {
        "region": "zhushan",
        "matter_category": "civil",
        "matter_type": "other",
        "household_size": "1",
        "monthly_income": "1000",
        field: value,
    }
    response = client.post("/apply/preview/", body)
    assert response.status_code == 200
    result = response.json()["result"]
    if field == "assets" and "e" not in value:  # optional: unreadable counts as not given, as "abc" does
        assert response.json() == client.post("/apply/preview/", {**body, field: "abc"}).json()
    elif field != "assets" and value != "1e-999999":  # a tiny number is a number, and may be judged
        assert result is None


# --- body size --------------------------------------------------------------------------------


def test_a_30_mb_json_body_is_413_without_being_parsed(actors):
    body = b'{"a": "' + b"x" * (30 * MB) + b'"}'
    response = raw_json(actors.api(actors.applicant), "/api/v1/applications/", body)
    assert response.status_code == 413
    assert response.json()["detail"]


def test_a_json_body_over_the_limit_is_413_for_the_token_endpoint_too():
    response = raw_json(APIClient(), TOKEN_URL, b'{"username": "' + b"x" * (3 * MB) + b'"}')
    assert response.status_code == 413 and response.json()["detail"]


def test_the_api_parser_reads_no_further_than_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    stream = io.BytesIO(b'{"a": "' + b"x" * 1000 + b'"}')
    with pytest.raises(RequestTooLarge):
        JSONParser().parse(stream, "application/json", {})
    assert stream.tell() == 101


def test_a_site_form_over_the_limit_gets_a_413_page(actors):
    client = Client()
    client.force_login(actors.applicant)
    response = client.post(
        "/apply/", data=b"summary=" + b"x" * (3 * MB), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "text/html" in response["Content-Type"]


def _pdf(size: int) -> SimpleUploadedFile:
    head = b"%PDF-1.4\n"
    return SimpleUploadedFile("big.pdf", head + b"0" * (size - len(head)), content_type="application/pdf")


def test_a_9_mb_upload_works_and_an_11_mb_one_is_refused(actors):
    filed = file(actors)
    url = f"/api/v1/applications/{filed['id']}/documents/"
    ok = actors.api(actors.applicant).post(url, {"file": _pdf(9 * MB)}, format="multipart")
    assert ok.status_code == 201, ok.content[:300]
    too_big = actors.api(actors.applicant).post(url, {"file": _pdf(11 * MB)}, format="multipart")
    assert too_big.status_code in (400, 413)
    assert too_big["Content-Type"] == "application/json"


# --- CSRF, too many fields --------------------------------------------------------------------


def test_a_session_post_without_csrf_is_403_with_json(actors):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(actors.applicant)
    response = client.post("/api/v1/applications/", application_payload(), format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    # with the token it goes through
    client.get("/apply/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    ok = client.post("/api/v1/applications/", application_payload(), format="json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201, ok.content[:300]


def test_what_a_caller_may_not_see_is_still_404(actors):
    filed = file(actors)
    response = actors.api(actors.other_applicant).get(f"/api/v1/applications/{filed['id']}/")
    assert response.status_code == 404


def test_a_form_with_more_than_1000_fields_is_a_json_400():
    body = "&".join(f"f{i}=x" for i in range(1500)).encode()
    response = APIClient().post(TOKEN_URL, data=body, content_type="application/x-www-form-urlencoded")
    assert_400(response)


def test_a_site_form_with_more_than_1000_fields_is_not_a_500():
    body = "&".join(f"f{i}=x" for i in range(1500)).encode()
    response = Client().post("/accounts/login/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


# --- 429 carries Retry-After ------------------------------------------------------------------


def test_the_login_lockout_says_when_to_retry(make_member, zhushan_center):
    from directory.choices import Role

    make_member(Role.REVIEWER, zhushan_center, username="reviewer_lock")
    client = APIClient()
    for _ in range(5):
        client.post(TOKEN_URL, {"username": "reviewer_lock", "password": "wrong"}, format="json")
    response = client.post(TOKEN_URL, {"username": "reviewer_lock", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_the_progress_query_throttle_says_when_to_retry(db):
    client = APIClient()
    for _ in range(10):
        client.get("/api/v1/track/", {"tracking_no": "X-1", "id_tail": "0000"})
    response = client.get("/api/v1/track/", {"tracking_no": "X-1", "id_tail": "0000"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_an_empty_task_filter_is_a_400_not_ignored(actors):
    response = actors.api(actors.reviewer).get("/api/v1/tasks/?scope=queue&application_id=")
    assert response.status_code == 400 and "application_id" in response.json()["errors"]
    assert actors.api(actors.reviewer).get("/api/v1/tasks/?scope=queue&page_size=abc").status_code == 400
    assert actors.api(actors.reviewer).get("/api/v1/tasks/?scope=queue&page=").status_code == 404
