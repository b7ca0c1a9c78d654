"""The lawyer's public-interest service page (/my/service-logs/), the verify_service_log task page and the
evidence (docs/domain.md, annual duty)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from viewflow.workflow.models import Process

from assignments.models import ServiceLog
from directory.choices import OrganisationKind, Role
from directory.models import AuditEvent
from tests.factories import OrganisationFactory, ProviderFactory, region
from tests.world import PDF_BYTES, pdf_file

pytestmark = pytest.mark.django_db

PAGE = "/my/service-logs/"


def zh(msgid: str) -> str:
    """The page's Chinese for one of the site's English msgids (the catalogue's, else the msgid)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def menu_of(html: str) -> str:
    return re.search(r'<aside class="vf-page__menu.*?</aside>', html, re.S).group(0)


def main_of(html: str) -> str:
    return re.search(r"<main.*?</main>", html, re.S).group(0)


def form(**overrides) -> dict:
    data = {
        "log-activity": "village_adviser",
        "log-date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "log-hours": "3.5",
        "log-organiser": "珠山区竟成镇三闾庙村村委会",
        "log-description": "担任村法律顾问，为村民解答土地承包纠纷咨询",
    }
    data.update(overrides)
    return data


def logged(world, user=None, **overrides) -> ServiceLog:
    response = client_for(user or world.lawyers[0][0]).post(PAGE, form(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ServiceLog.objects.latest("pk")


def task_id_for(world, log: ServiceLog, user=None) -> int:
    rows = (
        world.api(user or world.reviewer)
        .get("/api/v1/tasks/", {"scope": "queue", "name": "verify_service_log"})
        .json()["results"]
    )
    return next(r["id"] for r in rows if r["service_log_id"] == log.pk)


def test_a_lawyer_logs_on_the_page_and_follows_the_year(handling_world):
    world = handling_world
    lawyer = client_for(world.lawyers[0][0])
    page = lawyer.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="service-log-form"' in html and 'enctype="multipart/form-data"' in html
    assert world.center.name in html  # who verifies
    # every activity is offered
    for code in (
        "consultation",
        "hotline",
        "duty_lawyer",
        "village_adviser",
        "publicity",
        "mediation",
        "other",
    ):
        assert f'<option value="{code}"' in html

    response = lawyer.post(PAGE, form(), follow=True)
    assert response.status_code == 200
    row = ServiceLog.objects.get()
    assert row.activity == "village_adviser" and row.hours == Decimal("3.5") and row.status == "pending"
    assert Process.objects.filter(artifact_object_id=row.pk).exists()
    html = response.content.decode()
    assert zh("Logged: the aid center verifies it, and then the hours count.") in html
    table = re.search(r'<table[^>]*id="service-logs".*?</table>', html, re.S).group(0)
    assert "珠山区竟成镇三闾庙村村委会" in table and "3.5" in table
    assert zh("Awaiting verification") in table
    assert 'data-label="' in table  # a card per log on a phone
    assert re.search(r'id="verified-hours">0<', html)


def test_verified_hours_are_the_years_and_reasons_show(handling_world):
    from assignments.services import service_logs

    world = handling_world
    this_year = timezone.localdate().year
    first = logged(world, **{"log-hours": "4"})
    second = logged(world, **{"log-hours": "2", "log-activity": "publicity"})
    earlier = logged(world, **{"log-date": f"{this_year - 1}-06-01", "log-hours": "7"})
    for log in (first, earlier):
        service_logs.service_log_verify(acting_user=world.reviewer, service_log=log, approve=True)
    service_logs.service_log_verify(
        acting_user=world.reviewer, service_log=second, approve=False, reason="讲座无签到记录"
    )
    html = client_for(world.lawyers[0][0]).get(PAGE).content.decode()
    assert re.search(r'id="verified-hours">4<', html)
    assert "讲座无签到记录" in html and zh("Rejected") in html
    html = client_for(world.lawyers[0][0]).get(PAGE, {"year": this_year - 1}).content.decode()
    assert re.search(r'id="verified-hours">7<', html)
    assert "讲座无签到记录" not in html
    # a year the site has no data for is this year
    html = client_for(world.lawyers[0][0]).get(PAGE, {"year": "abc"}).content.decode()
    assert re.search(r'id="verified-hours">4<', html)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"log-hours": "25"}, "hours"),
        ({"log-hours": "0"}, "hours"),
        ({"log-hours": "-3"}, "hours"),
        ({"log-hours": "三小时"}, "hours"),
        ({"log-date": "2099-01-01"}, "date"),
        ({"log-activity": "skydiving"}, "activity"),
        ({"log-organiser": ""}, "organiser"),
    ],
)
def test_bad_input_shows_errors_on_the_fields_and_saves_nothing(handling_world, overrides, field):
    world = handling_world
    before = AuditEvent.objects.count()
    response = client_for(world.lawyers[0][0]).post(PAGE, form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_log-{field}_error"' in html
    assert ServiceLog.objects.count() == 0 and AuditEvent.objects.count() == before
    assert not Process.objects.exists()
    # what was typed stays in the form
    assert "珠山区竟成镇三闾庙村村委会" in html or field == "organiser"


def test_the_errors_are_in_chinese(handling_world):
    world = handling_world
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    html = client_for(world.lawyers[0][0]).post(PAGE, form(**{"log-date": tomorrow})).content.decode()
    assert "日期不能晚于今天。" in html  # the catalogue's, for "The date cannot be in the future."


def test_evidence_uploaded_on_the_page_opens_for_the_lawyer_and_the_center_only(handling_world, make_member):
    world = handling_world
    log = logged(world, **{"log-evidence": pdf_file("村委会证明.pdf")})
    assert log.evidence and log.evidence_type == "application/pdf"
    url = f"/service-logs/{log.pk}/evidence/"
    assert url in client_for(world.lawyers[0][0]).get(PAGE).content.decode()
    for user in (world.lawyers[0][0], world.reviewer, world.clerk):
        response = client_for(user).get(url)
        assert response.status_code == 200, user.username
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF_BYTES
    firm_admin = make_member(Role.FIRM_ADMIN, world.firm, username="firm_admin")
    for user in (world.lawyers[1][0], world.other_reviewer, firm_admin, world.applicant):
        assert client_for(user).get(url).status_code == 404, user.username


def test_a_file_that_is_not_a_pdf_or_image_is_refused_on_the_field(handling_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = handling_world
    bad = SimpleUploadedFile("证明.pdf", b"not a pdf at all", "application/pdf")
    response = client_for(world.lawyers[0][0]).post(PAGE, form(**{"log-evidence": bad}))
    assert response.status_code == 400
    assert 'id="id_log-evidence_error"' in response.content.decode()
    assert ServiceLog.objects.count() == 0


def test_the_page_is_404_for_anyone_but_a_lawyer(handling_world, make_member):
    world = handling_world
    firm_admin = make_member(Role.FIRM_ADMIN, world.firm, username="firm_admin")
    member_only = make_member(Role.PROVIDER, world.firm, username="member_only")
    for user in (world.reviewer, world.director, world.clerk, world.applicant, firm_admin, member_only):
        client = client_for(user)
        assert client.get(PAGE).status_code == 404, user.username
        assert client.post(PAGE, form()).status_code == 404, user.username
    assert ServiceLog.objects.count() == 0


def test_lawyers_get_the_menu_link_and_others_do_not(handling_world, make_member):
    world = handling_world
    html = client_for(world.lawyers[0][0]).get("/").content.decode()
    assert f'href="{PAGE}"' in menu_of(html)
    assert f'href="{PAGE}"' in main_of(html)  # on the provider's card too
    assert zh("Public-interest service") in menu_of(html)
    firm_admin = make_member(Role.FIRM_ADMIN, world.firm, username="firm_admin")
    member_only = make_member(Role.PROVIDER, world.firm, username="member_only")
    for user in (world.reviewer, firm_admin, member_only, world.applicant):
        assert f'href="{PAGE}"' not in client_for(user).get("/").content.decode(), user.username


def test_the_reviewer_verifies_on_the_task_page(handling_world):
    world = handling_world
    other_day = logged(world, **{"log-activity": "hotline", "log-hours": "2", "log-organiser": "12348热线"})
    log = logged(world, **{"log-evidence": pdf_file("证明.pdf")})
    task_id = task_id_for(world, log)
    reviewer = client_for(world.reviewer)
    assert f'href="/tasks/{task_id}/"' in reviewer.get("/tasks/").content.decode()
    page = reviewer.get(f"/tasks/{task_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        world.lawyers[0][1].name,
        world.firm.name,
        "珠山区竟成镇三闾庙村村委会",
        "土地承包纠纷",
        "3.5",
    ):
        assert text in html, text
    assert f'href="/service-logs/{log.pk}/evidence/"' in html
    # the lawyer's other log of that day, beside it
    same_day = re.search(r'<section[^>]*id="same-day".*?</section>', html, re.S).group(0)
    assert "12348热线" in same_day
    assert other_day.pk != log.pk
    assert 'name="approve"' in html and 'name="reason"' in html

    # rejecting without reasons: an error on the field, nothing decided
    refused = reviewer.post(f"/tasks/{task_id}/", {"approve": "false", "reason": ""})
    assert refused.status_code == 400
    assert 'id="id_reason_error"' in refused.content.decode()
    log.refresh_from_db()
    assert log.status == "pending"

    done = reviewer.post(f"/tasks/{task_id}/", {"approve": "true"})
    assert done.status_code == 302
    log.refresh_from_db()
    assert log.status == "verified" and log.verified_by == world.reviewer
    html = client_for(world.lawyers[0][0]).get(PAGE).content.decode()
    assert re.search(r'id="verified-hours">3.5<', html)


def test_the_task_page_is_404_for_another_center_and_the_lawyer(handling_world):
    world = handling_world
    log = logged(world)
    task_id = task_id_for(world, log)
    for user in (world.other_reviewer, world.lawyers[0][0], world.lawyers[1][0]):
        client = client_for(user)
        assert client.get(f"/tasks/{task_id}/").status_code == 404, user.username
        assert client.post(f"/tasks/{task_id}/", {"approve": "true"}).status_code == 404, user.username
    log.refresh_from_db()
    assert log.status == "pending"


def test_a_county_lawyer_is_verified_by_the_county_center_on_the_page(handling_world, make_member):
    world = handling_world
    firm = OrganisationFactory(kind=OrganisationKind.LAW_FIRM, name="乐平律师事务所", region=region("leping"))
    user = make_member(Role.PROVIDER, firm, username="lawyer_leping")
    ProviderFactory(organisation=firm, user=user)
    html = client_for(user).get(PAGE).content.decode()
    assert "乐平市法律援助中心" in html
    log = logged(world, user=user)
    assert log.center.name == "乐平市法律援助中心"
