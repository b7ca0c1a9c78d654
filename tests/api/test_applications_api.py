import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from aid_cases.models import Applicant, Application, ApplicationDocument, EconomicStandard
from directory.choices import OrganisationKind, Role
from directory.models import AuditEvent, Organisation
from tests.factories import OrganisationFactory, UserFactory, region
from tests.world import ADULT_ID, application_payload, merged

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan"))
    OrganisationFactory(kind=OrganisationKind.AID_CENTER, name="乐平市法律援助中心", region=region("leping"))
    for code in ("zhushan", "leping"):
        EconomicStandard.objects.create(
            region=region(code),
            kind="low_income",
            monthly_amount=Decimal("1200.00"),
            valid_from=datetime.date(2020, 1, 1),
        )


@pytest.fixture
def citizen():
    user = UserFactory(username="citizen")
    user.groups.add(Group.objects.get(name="applicant"))
    return user


def client_for(user) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


# a migrant worker's wage claim, with a representative block sent as null
MIGRANT_WAGE_CLAIM = merged(
    application_payload(),
    representative=None,
    categories=["migrant_worker"],
    matter={"type": "wage_arrears", "summary": "工地拖欠工资三个月", "opposing_party": "某建筑公司"},
    household={"size": 3, "monthly_income": "2400.00", "assets": "0.00"},
)


def payload(**overrides):
    return merged(MIGRANT_WAGE_CLAIM, **overrides)


def test_citizen_files_an_exempt_migrant_worker_wage_claim(citizen):
    response = client_for(citizen).post("/api/v1/applications/", payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    year = timezone.localdate().year
    assert body["tracking_no"] == f"JDZ-ZHUSHAN-{year}-000001"
    assert body["status"] == "submitted"
    assert body["means_test"]["result"] == "exempt"
    assert body["means_test"]["reasons"]
    assert body["means_test"]["standard"]["monthly_amount"] == "1200.00"
    assert body["decision_due"] > timezone.localdate().isoformat()
    application = Application.objects.get()
    assert application.filed_by == citizen and application.center.name == "珠山区法律援助中心"
    assert AuditEvent.objects.filter(action="application_submit", object_id=str(application.pk)).exists()
    # the receipt is issued at once and listed with its verification code
    detail = client_for(citizen).get(f"/api/v1/applications/{application.pk}/").json()
    assert [d["kind"] for d in detail["documents"]] == ["receipt"]
    assert detail["applicant"]["id_number"] == ADULT_ID
    assert detail["timeline"][0]["event"] == "application_submit"


def test_domestic_violence_victim_above_the_standard_is_not_restricted(citizen):
    response = client_for(citizen).post(
        "/api/v1/applications/",
        payload(categories=[], matter={"type": "domestic_violence"}, household={"monthly_income": "9000.00"}),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["means_test"]["result"] == "not_restricted"


def test_tracking_numbers_are_sequential_per_region(citizen):
    api = client_for(citizen)
    numbers = [
        api.post("/api/v1/applications/", payload(), format="json").json()["tracking_no"] for _ in range(3)
    ]
    numbers.append(
        api.post("/api/v1/applications/", payload(region="leping"), format="json").json()["tracking_no"]
    )
    year = timezone.localdate().year
    assert numbers == [
        f"JDZ-ZHUSHAN-{year}-000001",
        f"JDZ-ZHUSHAN-{year}-000002",
        f"JDZ-ZHUSHAN-{year}-000003",
        f"JDZ-LEPING-{year}-000001",
    ]


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        (
            {"applicant": {"id_number": ADULT_ID[:-1] + ("0" if ADULT_ID[-1] != "0" else "1")}},
            ("applicant", "id_number"),
        ),
        ({"household": {"size": 0}}, ("household", "size")),
        ({"household": {"monthly_income": "-1.00"}}, ("household", "monthly_income")),
        ({"pledge": False}, ("pledge",)),
        ({"region": "atlantis"}, ("region",)),
        ({"matter": {"type": "astrology"}}, ("matter", "type")),
        ({"matter": {"summary": "x" * 10_000}}, ("matter", "summary")),
        ({"applicant": {"name": "张" * 10_000}}, ("applicant", "name")),
        ({"categories": ["wizard"]}, ("categories",)),
        ({"channel": "fax"}, ("channel",)),
        ({"matter": {"category": "criminal"}}, ("matter", "type")),
        ({"urgent_deadline": "2001-01-01"}, ("urgent_deadline",)),
    ],
)
def test_bad_input_is_400_with_a_field_error_and_saves_nothing(citizen, overrides, path):
    response = client_for(citizen).post("/api/v1/applications/", payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    for key in path:
        assert key in errors, errors
        errors = errors[key]
    assert not Application.objects.exists() and not Applicant.objects.exists()


def test_missing_pledge_is_a_field_error(citizen):
    body = payload()
    del body["pledge"]
    response = client_for(citizen).post("/api/v1/applications/", body, format="json")
    assert response.status_code == 400 and "pledge" in response.json()["errors"]


def test_malformed_json_is_400(citizen):
    response = client_for(citizen).generic(
        "POST", "/api/v1/applications/", "{", content_type="application/json"
    )
    assert response.status_code == 400 and "errors" in response.json()


def test_anonymous_is_401():
    assert client_for(None).post("/api/v1/applications/", payload(), format="json").status_code == 401
    assert client_for(None).get("/api/v1/applications/").status_code == 401


def test_window_channel_needs_center_staff_of_any_center(citizen, make_member):
    clerk = make_member(Role.CLERK, Organisation.objects.get(name="珠山区法律援助中心"))
    assert (
        client_for(citizen)
        .post("/api/v1/applications/", payload(channel="window"), format="json")
        .status_code
        == 400
    )
    response = client_for(clerk).post("/api/v1/applications/", payload(channel="window"), format="json")
    assert response.status_code == 201
    # Art 38 (市域通办): a clerk of 珠山 records a 乐平 window application too; 珠山 receives it (its
    # receipt and tracking number) and transfers it to 乐平, the competent center
    response = client_for(clerk).post(
        "/api/v1/applications/", payload(channel="window", region="leping"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["tracking_no"].startswith("JDZ-ZHUSHAN-")
    application = Application.objects.get(pk=response.json()["id"])
    assert application.center.name == "珠山区法律援助中心" and application.region.code == "leping"


def _pdf_bytes() -> bytes:
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_upload_accepts_pdf_and_refuses_exe_and_oversize(citizen, settings):
    api = client_for(citizen)
    app_id = api.post("/api/v1/applications/", payload(), format="json").json()["id"]
    url = f"/api/v1/applications/{app_id}/documents/"
    ok = api.post(
        url, {"file": SimpleUploadedFile("工资条.pdf", _pdf_bytes(), "application/pdf")}, format="multipart"
    )
    assert ok.status_code == 201, ok.content
    stored = ApplicationDocument.objects.get()
    assert stored.file.name.endswith(".pdf") and "工资条" not in stored.file.name
    exe = api.post(
        url,
        {"file": SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf")},
        format="multipart",
    )
    assert exe.status_code == 400 and "file" in exe.json()["errors"]
    settings.AID_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    big = io.BytesIO(_pdf_bytes() + b"0" * (50 * 1024 * 1024))
    big.name = "big.pdf"
    too_big = api.post(url, {"file": big}, format="multipart")
    # 50 MB is over the request limit (MULTIPART_MAX_REQUEST_SIZE): 413 before the body is read
    assert too_big.status_code == 413 and too_big.json()["detail"]
    assert ApplicationDocument.objects.count() == 1


def test_track_shows_no_personal_data_and_is_throttled(citizen):
    body = client_for(citizen).post("/api/v1/applications/", payload(), format="json").json()
    public = APIClient()
    ok = public.get("/api/v1/track/", {"tracking_no": body["tracking_no"], "id_tail": ADULT_ID[-4:]})
    assert ok.status_code == 200
    text = ok.content.decode()
    assert "吕春花" not in text and ADULT_ID not in text and "citizen" not in text
    assert ok.json()["status"] == "submitted"
    for _ in range(10):
        assert (
            public.get("/api/v1/track/", {"tracking_no": body["tracking_no"], "id_tail": "0000"}).status_code
            == 404
        )
    # locked for this tracking number, even with the right tail
    assert (
        public.get(
            "/api/v1/track/", {"tracking_no": body["tracking_no"], "id_tail": ADULT_ID[-4:]}
        ).status_code
        == 429
    )


def test_list_costs_the_same_queries_for_1_and_many(citizen):
    api = client_for(citizen)
    api.post("/api/v1/applications/", payload(), format="json")
    with CaptureQueriesContext(connection) as one:
        assert api.get("/api/v1/applications/").status_code == 200
    for _ in range(20):
        api.post("/api/v1/applications/", payload(), format="json")
    with CaptureQueriesContext(connection) as many:
        response = api.get("/api/v1/applications/")
    assert response.json()["count"] == 21
    assert len(many.captured_queries) == len(one.captured_queries)
