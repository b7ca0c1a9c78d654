"""A center's world for process tests: its people, each with an API client, and a filing payload."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from aid_cases.models import EconomicStandard
from directory.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, UserFactory, region, resident_id

ADULT_ID = resident_id(datetime.date(1985, 6, 15))


class Actors:
    """The people of one center's world, each with an API client."""

    def __init__(self, make_member):
        self.center = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name="珠山区法律援助中心", region=region("zhushan")
        )
        self.bureau = OrganisationFactory(
            kind=OrganisationKind.BUREAU, name="珠山区司法局", region=region("zhushan")
        )
        other_center = OrganisationFactory(
            kind=OrganisationKind.AID_CENTER, name="乐平市法律援助中心", region=region("leping")
        )
        EconomicStandard.objects.create(
            region=region("zhushan"),
            kind="low_income",
            monthly_amount=Decimal("1200.00"),
            valid_from=datetime.date(2020, 1, 1),
        )
        self.applicant = UserFactory(username="applicant_01")
        self.applicant.groups.add(Group.objects.get(name="applicant"))
        self.other_applicant = UserFactory(username="applicant_02")
        self.reviewer = make_member(Role.REVIEWER, self.center, username="reviewer_zhushan")
        self.reviewer2 = make_member(Role.REVIEWER, self.center, username="reviewer_zhushan_2")
        self.director = make_member(Role.DIRECTOR, self.center, username="director_zhushan")
        self.clerk = make_member(Role.CLERK, self.center, username="clerk_zhushan")
        self.other_reviewer = make_member(Role.REVIEWER, other_center, username="reviewer_leping")
        self.bureau_officer = make_member(Role.BUREAU_OFFICER, self.bureau, username="bureau_zhushan")

    def api(self, user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client


def application_payload(**overrides):
    body = {
        "channel": "online",
        "region": "zhushan",
        "applicant": {
            "name": "吕春花",
            "id_number": ADULT_ID,
            "phone": "13907980001",
            "address": "珠山区新村路1号",
        },
        "categories": [],
        "matter": {
            "category": "civil",
            "type": "maintenance",
            "summary": "子女拒付赡养费",
            "opposing_party": "王某",
        },
        "household": {"size": 2, "monthly_income": "1800.00", "fixed_income": True},
        "urgent_deadline": None,
        "pledge": True,
    }
    return merged(body, **overrides)


def merged(body: dict, **overrides) -> dict:
    """``body`` with ``overrides``; a dict override updates the nested block instead of replacing it."""
    body = dict(body)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


# The smallest PDF that passes the upload checks (signature, no markup).
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_file(name: str = "材料.pdf", content: bytes = PDF_BYTES, content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type)


def upload_material(actors, user, application_id: int, name: str = "材料.pdf", content: bytes = PDF_BYTES):
    """POST one file to the application's documents endpoint as ``user``; the response."""
    return actors.api(user).post(
        f"/api/v1/applications/{application_id}/documents/",
        {"file": pdf_file(name, content)},
        format="multipart",
    )
