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


# --- after the grant: a firm of lawyers, and the task steps through the API ------------------------

FIRM_NAME = "江西景德律师事务所"
FIRM_PHONE = "0798-8221234"


def add_law_firm(actors, make_member):
    """A firm of three lawyers serving 珠山区, each with an account (``actors.lawyers``: (user, provider));
    the first specialises in maintenance, the second in unpaid wages."""
    from directory.choices import ProviderKind
    from tests.factories import ProviderFactory, lawyer_licence

    actors.firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name=FIRM_NAME, region=region("zhushan"), phone=FIRM_PHONE
    )
    actors.lawyers = []
    for n, specialties in enumerate((["maintenance"], ["wage_arrears"], [])):
        user = make_member(Role.PROVIDER, actors.firm, username=f"lawyer_{n + 1:02d}")
        provider = ProviderFactory(
            name=f"律师{n + 1}",
            kind=ProviderKind.LAWYER,
            organisation=actors.firm,
            licence_no=lawyer_licence(900 + n),
            practice_start=datetime.date(2012, 3, 1),
            specialties=specialties,
            regions_served=[region("zhushan")],
            user=user,
        )
        actors.lawyers.append((user, provider))
    return actors


def tasks(actors, user, scope, application_id, name=None):
    """The open tasks of one case in ``user``'s inbox or queue, through the API."""
    params = {"scope": scope, "application_id": application_id}
    if name:
        params["name"] = name
    response = actors.api(user).get("/api/v1/tasks/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def complete(actors, user, task_id, **fields):
    return actors.api(user).post(f"/api/v1/tasks/{task_id}/complete/", fields, format="json")


def approved_case(actors) -> int:
    """An application filed online and granted: waiting for assignment."""
    filed = actors.api(actors.applicant).post("/api/v1/applications/", application_payload(), format="json")
    assert filed.status_code == 201, filed.content
    application_id = filed.json()["id"]
    (review,) = tasks(actors, actors.reviewer, "queue", application_id, "review")
    assert complete(actors, actors.reviewer, review["id"], outcome="approve").status_code == 200
    return application_id


def assign(actors, application_id, provider, user=None, **extra):
    (task,) = tasks(actors, user or actors.reviewer, "queue", application_id, "assign")
    return complete(actors, user or actors.reviewer, task["id"], provider_id=provider.pk, **extra)


def answer(actors, application_id, lawyer, accept=True, reason=""):
    user, _provider = lawyer
    (task,) = tasks(actors, user, "inbox", application_id, "accept")
    return complete(actors, user, task["id"], accept=accept, reason=reason)


def status_of(application_id) -> str:
    from aid_cases.models import Application

    return Application.objects.get(pk=application_id).status


# --- institutions that waive fees (docs/domain.md, fee waivers) -----------------------------------


def add_institutions(actors, make_member):
    """The city's notary office, Leping's, a forensic institution, the intermediate court and the
    procuratorate, each with one member (``*_staff``); a city aid center for public-interest cases."""
    jdz = region("jdz")
    actors.notary_city = OrganisationFactory(kind=OrganisationKind.NOTARY, name="景德镇市公证处", region=jdz)
    actors.notary_leping = OrganisationFactory(
        kind=OrganisationKind.NOTARY, name="乐平市公证处", region=region("leping")
    )
    actors.forensic_city = OrganisationFactory(
        kind=OrganisationKind.FORENSIC, name="景德镇市华昌司法鉴定中心", region=jdz
    )
    actors.court = OrganisationFactory(kind=OrganisationKind.COURT, name="景德镇市中级人民法院", region=jdz)
    actors.procuratorate = OrganisationFactory(
        kind=OrganisationKind.PROCURATORATE, name="景德镇市人民检察院", region=jdz
    )
    actors.city_center = OrganisationFactory(
        kind=OrganisationKind.AID_CENTER, name="景德镇市法律援助中心", region=jdz
    )
    actors.notary_city_staff = make_member(Role.INSTITUTION_STAFF, actors.notary_city, username="notary_city")
    actors.notary_leping_staff = make_member(
        Role.INSTITUTION_STAFF, actors.notary_leping, username="notary_leping"
    )
    actors.forensic_city_staff = make_member(
        Role.INSTITUTION_STAFF, actors.forensic_city, username="forensic_city"
    )
    actors.court_staff = make_member(Role.AGENCY_OFFICER, actors.court, username="court_city")
    actors.procuratorate_staff = make_member(
        Role.AGENCY_OFFICER, actors.procuratorate, username="procuratorate_city"
    )
    actors.city_reviewer = make_member(Role.REVIEWER, actors.city_center, username="reviewer_city")
    return actors


# --- the annual duty: rows where the workflow is not the point ------------------------------------


def case_assignment(world, provider, accepted_on, status="accepted"):
    """An assignment row on a case of its own (a case already granted; the flow is not the point)."""
    from django.utils import timezone

    from aid_cases.models import Applicant, Application
    from assignments.models import Assignment

    n = Assignment.objects.count() + 1
    application = Application.objects.create(
        tracking_no=f"DUTY-{n:05d}",
        region=world.center.region,
        center=world.center,
        channel="window",
        filed_by=world.clerk,
        applicant=Applicant.objects.create(name=f"申请人{n}"),
        matter_category="civil",
        matter_type="maintenance",
        matter_summary="赡养费",
        household_size=1,
        monthly_income=Decimal("0"),
        pledged_at=timezone.now(),
        means_result="pass",
        received_on=datetime.date(2025, 1, 2),
        status="in_progress",
    )
    return Assignment.objects.create(
        application=application,
        provider=provider,
        organisation=provider.organisation,
        aid_form="representation",
        status=status,
        assigned_by=world.reviewer,
        accepted_on=accepted_on,
    )


def service_log_row(world, provider, day, hours, status="verified"):
    """A public-interest service log row of ``provider`` (verified unless said otherwise)."""
    from assignments.models import ServiceLog

    return ServiceLog.objects.create(
        provider=provider,
        organisation=provider.organisation,
        center=world.center,
        activity="hotline",
        date=day,
        hours=Decimal(hours),
        organiser="珠山区法律援助中心",
        description="12348热线值班",
        status=status,
        logged_by=provider.user or world.reviewer,
    )
