"""Public-interest service logs through the API (docs/api.md, Annual duty; Tasks verify_service_log): a
lawyer logs, the aid center of the firm's region verifies or rejects; bad input is a 400 with nothing
saved; at most 24 hours a day across logs, case notes and duty-lawyer days; a duty-lawyer day the
center recorded is not logged twice; only the lawyer and the verifying center see a log."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from assignments.models import DutyLawyerRecord, ServiceLog
from assignments.services import service_logs
from core.errors import Conflict, Forbidden
from directory.choices import OrganisationKind, Role
from directory.models import AuditEvent
from tests.factories import OrganisationFactory, ProviderFactory, UserFactory, region
from tests.world import PDF_BYTES, complete, pdf_file
from workflows.flows import ServiceLogFlow

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def body(**overrides) -> dict:
    data = {
        "activity": "consultation",
        "date": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "hours": "2.5",
        "organiser": "珠山区新厂街道法律援助工作站",
        "description": "在工作站值班，接待群众法律咨询6人次",
    }
    data.update(overrides)
    return data


def log(world, user=None, fmt="json", **overrides):
    return world.api(user or world.lawyers[0][0]).post("/api/v1/service-logs/", body(**overrides), format=fmt)


def queue(world, user, name="verify_service_log"):
    response = world.api(user).get("/api/v1/tasks/", {"scope": "queue", "name": name})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def verify_task(world, log_id, user=None) -> dict:
    (row,) = [t for t in queue(world, user or world.reviewer) if t["service_log_id"] == log_id]
    return row


def counts() -> tuple[int, int, int]:
    """Logs, their audit rows and the verification processes: what a refused log must leave untouched."""
    return (
        ServiceLog.objects.count(),
        AuditEvent.objects.filter(object_type="assignments.servicelog").count(),
        Process.objects.filter(flow_class=ServiceLogFlow).count(),
    )


# --- the whole way: log, verify, reject --------------------------------------------------------------


def test_a_lawyer_logs_and_the_center_verifies_through_the_task(handling_world):
    world = handling_world
    user, provider = world.lawyers[0]
    created = log(world)
    assert created.status_code == 201, created.content
    assert created.json() == {"id": created.json()["id"], "status": "pending"}
    log_id = created.json()["id"]
    row = ServiceLog.objects.get(pk=log_id)
    assert row.provider == provider and row.organisation == world.firm and row.center == world.center
    assert row.hours == Decimal("2.5") and row.logged_by == user
    assert AuditEvent.objects.filter(object_id=str(log_id), action="service_log_submit").count() == 1

    # the center's reviewers and directors find it in their queue, named by the log, with no case
    task = verify_task(world, log_id)
    assert task["name"] == "verify_service_log"
    assert task["application_id"] is None and task["waiver_id"] is None
    assert verify_task(world, log_id, world.director)["id"] == task["id"]
    # the lawyer has nothing to do
    assert world.api(user).get("/api/v1/tasks/", {"scope": "inbox"}).json()["results"] == []
    assert queue(world, user) == []

    done = complete(world, world.reviewer, task["id"], approve=True)
    assert done.status_code == 200, done.content
    assert done.json() == {"next": []}
    row.refresh_from_db()
    assert row.status == "verified" and row.verified_by == world.reviewer and row.verified_at
    assert AuditEvent.objects.filter(object_id=str(log_id), action="service_log_verify").count() == 1
    assert Process.objects.get(flow_class=ServiceLogFlow).status == "DONE"
    detail = world.api(user).get(f"/api/v1/service-logs/{log_id}/").json()
    assert detail["status"] == "verified" and detail["hours"] == "2.5" and detail["evidence"] is None
    assert detail["lawyer"] == {"id": provider.pk, "name": provider.name}
    assert detail["center"]["id"] == world.center.pk and detail["firm"]["id"] == world.firm.pk
    # done: no longer in anybody's queue, and not again (409)
    assert queue(world, world.reviewer) == []
    assert complete(world, world.reviewer2, task["id"], approve=True).status_code in (404, 409)


def test_rejecting_needs_reasons_which_the_lawyer_reads(handling_world):
    world = handling_world
    log_id = log(world).json()["id"]
    task = verify_task(world, log_id)
    refused = complete(world, world.reviewer, task["id"], approve=False, reason="")
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    assert ServiceLog.objects.get(pk=log_id).status == "pending"
    assert Task.objects.get(pk=task["id"]).status != "DONE"

    done = complete(world, world.reviewer, task["id"], approve=False, reason="组织单位无法核实")
    assert done.status_code == 200, done.content
    detail = world.api(world.lawyers[0][0]).get(f"/api/v1/service-logs/{log_id}/").json()
    assert detail["status"] == "rejected" and detail["reason"] == "组织单位无法核实"
    assert AuditEvent.objects.filter(object_id=str(log_id), action="service_log_reject").count() == 1


def test_hours_as_a_json_number_are_read_as_their_text(handling_world):
    world = handling_world
    created = log(world, hours=2.5)
    assert created.status_code == 201, created.content
    assert ServiceLog.objects.get(pk=created.json()["id"]).hours == Decimal("2.5")
    created = log(world, hours=3, activity="publicity")
    assert created.status_code == 201, created.content
    assert ServiceLog.objects.get(pk=created.json()["id"]).hours == Decimal("3.0")


# --- bad input: 400, nothing saved -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": 0}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": -2.5}, "hours"),
        ({"hours": "两小时"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"hours": "25"}, "hours"),
        ({"hours": 25}, "hours"),
        ({"hours": "24.5"}, "hours"),
        ({"hours": "2.25"}, "hours"),
        ({"hours": ""}, "hours"),
        ({"hours": True}, "hours"),
        ({"date": "tomorrow"}, "date"),
        ({"date": "2021-12-31"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": ""}, "date"),
        ({"activity": "skydiving"}, "activity"),
        ({"activity": ""}, "activity"),
        ({"organiser": ""}, "organiser"),
        ({"organiser": "单" * 201}, "organiser"),
        ({"description": "  "}, "description"),
        ({"description": "述" * 2001}, "description"),
    ],
)
def test_bad_input_is_400_and_saves_nothing(handling_world, overrides, field):
    world = handling_world
    before = counts()
    response = log(world, **overrides)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert counts() == before


def test_a_date_in_the_future_is_400(handling_world):
    world = handling_world
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = log(world, date=tomorrow)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["date"]
    assert counts() == (0, 0, 0)


def test_every_problem_comes_back_at_once(handling_world):
    response = log(handling_world, activity="x", hours="25", date="2021-01-01", organiser="", description="")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"activity", "hours", "date", "organiser", "description"}
    assert counts() == (0, 0, 0)


def test_missing_fields_are_400(handling_world):
    response = handling_world.api(handling_world.lawyers[0][0]).post(
        "/api/v1/service-logs/", {"activity": "hotline"}, format="json"
    )
    assert response.status_code == 400
    assert {"date", "hours", "organiser", "description"} <= set(response.json()["errors"])
    assert counts() == (0, 0, 0)


# --- only a lawyer, only for themself --------------------------------------------------------------


def test_no_one_but_a_lawyer_logs(handling_world, make_member):
    world = handling_world
    firm_admin = make_member(Role.FIRM_ADMIN, world.firm, username="firm_admin")
    # a provider's membership at the firm without a lawyer's record, and a grassroots worker
    member_only = make_member(Role.PROVIDER, world.firm, username="member_only")
    office = OrganisationFactory(kind=OrganisationKind.GRASSROOTS_OFFICE, region=region("zhushan"))
    worker = UserFactory(username="grassroots_worker")
    ProviderFactory(kind="grassroots", organisation=office, user=worker, licence_no="JC-360203-0001")
    for user in (
        world.reviewer,
        world.director,
        world.clerk,
        world.applicant,
        firm_admin,
        member_only,
        worker,
    ):
        response = log(world, user=user)
        assert response.status_code == 403, (user.username, response.content)
    assert world.api(None).post("/api/v1/service-logs/", body(), format="json").status_code == 401
    assert counts() == (0, 0, 0)


def test_an_inactive_lawyer_does_not_log(handling_world):
    world = handling_world
    user, provider = world.lawyers[0]
    provider.active = False
    provider.save(update_fields=["active"])
    assert log(world).status_code == 403
    assert counts() == (0, 0, 0)


def test_a_log_for_another_lawyer_is_400_and_the_log_is_always_ones_own(handling_world):
    world = handling_world
    provider, other = world.lawyers[0][1], world.lawyers[1][1]
    response = log(world, lawyer_id=other.pk)
    assert response.status_code == 400
    assert "lawyer_id" in response.json()["errors"]
    assert counts() == (0, 0, 0)
    # naming oneself is fine; naming nobody makes it one's own too
    assert log(world, lawyer_id=provider.pk).status_code == 201
    assert log(world, activity="hotline").status_code == 201
    assert set(ServiceLog.objects.values_list("provider_id", flat=True)) == {provider.pk}


def test_the_service_refuses_other_roles_with_forbidden(handling_world):
    with pytest.raises(Forbidden):
        service_logs.service_log_submit(
            acting_user=handling_world.reviewer,
            activity="consultation",
            date=TODAY(),
            hours="1",
            organiser="站",
            description="咨询",
        )


# --- at most 24 hours a day ------------------------------------------------------------------------


def _handled_case(world) -> int:
    from tests.waivers.test_fee_waivers_api import handled_case

    return handled_case(world)


def _duty_day(world, provider, day, hours: str) -> DutyLawyerRecord:
    court = OrganisationFactory(kind=OrganisationKind.COURT, name="珠山区人民法院", region=region("zhushan"))
    return DutyLawyerRecord.objects.create(
        post=court,
        center=world.center,
        provider=provider,
        day=day,
        without_defender=3,
        helped=3,
        hours=Decimal(hours),
        recorded_by=world.reviewer,
    )


def test_24_hours_a_day_across_logs_case_notes_and_duty_lawyer_days(handling_world):
    world = handling_world
    user, provider = world.lawyers[0]
    today = TODAY().isoformat()
    application_id = _handled_case(world)
    note = world.api(user).post(
        f"/api/v1/applications/{application_id}/notes/", {"text": "会见当事人", "hours": "6"}, format="json"
    )
    assert note.status_code in (200, 201), note.content
    _duty_day(world, provider, TODAY(), "8")
    assert log(world, date=today, hours="8").status_code == 201  # 6 + 8 + 8 = 22

    before = counts()
    over = log(world, date=today, hours="2.5", activity="hotline")
    assert over.status_code == 400
    (message,) = over.json()["errors"]["hours"]
    assert "22" in message and "2" in message  # what is there already, and what is left
    assert counts() == before

    assert log(world, date=today, hours="2", activity="hotline").status_code == 201  # exactly 24
    assert log(world, date=today, hours="0.1", activity="other").status_code == 400
    # another day is another day, and another lawyer's hours are theirs
    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    assert log(world, date=yesterday, hours="24").status_code == 201
    assert log(world, user=world.lawyers[1][0], date=today, hours="24").status_code == 201


def test_a_rejected_log_leaves_its_hours_free(handling_world):
    world = handling_world
    first = log(world, hours="20").json()["id"]
    assert log(world, hours="5", activity="hotline").status_code == 400
    task = verify_task(world, first)
    assert complete(world, world.reviewer, task["id"], approve=False, reason="不属实").status_code == 200
    assert log(world, hours="5", activity="hotline").status_code == 201


def test_a_duty_lawyer_day_the_center_recorded_is_not_logged_again(handling_world):
    world = handling_world
    user, provider = world.lawyers[0]
    day = TODAY() - datetime.timedelta(days=2)
    _duty_day(world, provider, day, "4")
    before = counts()
    duplicate = log(world, activity="duty_lawyer", date=day.isoformat(), hours="4")
    assert duplicate.status_code == 400
    assert "date" in duplicate.json()["errors"]
    assert counts() == before
    # other work that day is no duplicate; a duty-lawyer shift on a day not recorded is loggable
    assert log(world, activity="consultation", date=day.isoformat(), hours="3").status_code == 201
    other_day = (day - datetime.timedelta(days=1)).isoformat()
    assert log(world, activity="duty_lawyer", date=other_day, hours="4").status_code == 201
    # another lawyer's record is not this lawyer's
    assert (
        log(world, user=world.lawyers[1][0], activity="duty_lawyer", date=day.isoformat()).status_code == 201
    )


# --- who sees, who verifies -----------------------------------------------------------------------


def test_only_the_lawyer_and_the_verifying_centers_staff_see_a_log(handling_world, make_member):
    world = handling_world
    log_id = log(world).json()["id"]
    firm_admin = make_member(Role.FIRM_ADMIN, world.firm, username="firm_admin")
    for user in (world.lawyers[0][0], world.reviewer, world.director, world.clerk):
        detail = world.api(user).get(f"/api/v1/service-logs/{log_id}/")
        assert detail.status_code == 200, user.username
        assert [r["id"] for r in world.api(user).get("/api/v1/service-logs/").json()["results"]] == [log_id]
    for user in (
        world.lawyers[1][0],
        world.other_reviewer,
        world.applicant,
        firm_admin,
        world.bureau_officer,
    ):
        assert world.api(user).get(f"/api/v1/service-logs/{log_id}/").status_code == 404, user.username
        assert world.api(user).get("/api/v1/service-logs/").json()["results"] == [], user.username
    assert world.api(world.reviewer).get("/api/v1/service-logs/999999/").status_code == 404


def test_a_reviewer_of_another_center_never_sees_the_task(handling_world):
    world = handling_world
    log_id = log(world).json()["id"]
    task_id = verify_task(world, log_id)["id"]
    outsider = world.api(world.other_reviewer)
    assert queue(world, world.other_reviewer) == []
    assert outsider.post(f"/api/v1/tasks/{task_id}/claim/").status_code == 404
    assert (
        outsider.post(f"/api/v1/tasks/{task_id}/complete/", {"approve": True}, format="json").status_code
        == 404
    )
    # nor do the lawyer, another lawyer or the center's clerk (the clerk sees the log, not the task)
    for user in (world.lawyers[0][0], world.lawyers[1][0], world.clerk):
        assert world.api(user).post(f"/api/v1/tasks/{task_id}/claim/").status_code == 404, user.username
    assert ServiceLog.objects.get(pk=log_id).status == "pending"
    # the verifying center's reviewer claims, then completes
    assert world.api(world.reviewer).post(f"/api/v1/tasks/{task_id}/claim/").status_code == 200
    assert complete(world, world.reviewer2, task_id, approve=True).status_code == 409  # held by a colleague
    assert complete(world, world.reviewer, task_id, approve=True).status_code == 200


def test_a_county_firm_is_verified_by_its_own_regions_center(handling_world, make_member):
    world = handling_world
    firm = OrganisationFactory(kind=OrganisationKind.LAW_FIRM, name="乐平律师事务所", region=region("leping"))
    user = make_member(Role.PROVIDER, firm, username="lawyer_leping")
    ProviderFactory(organisation=firm, user=user)
    log_id = log(world, user=user).json()["id"]
    assert ServiceLog.objects.get(pk=log_id).center.region.code == "leping"
    assert [t["service_log_id"] for t in queue(world, world.other_reviewer)] == [log_id]
    assert queue(world, world.reviewer) == []


def test_a_firm_whose_region_has_no_center_is_409(handling_world, make_member):
    world = handling_world
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="浮梁律师事务所", region=region("fuliang")
    )
    user = make_member(Role.PROVIDER, firm, username="lawyer_fuliang")
    ProviderFactory(organisation=firm, user=user)
    assert log(world, user=user).status_code == 409
    assert counts() == (0, 0, 0)


def test_the_service_verifies_once_and_only_for_the_centers_deciders(handling_world):
    world = handling_world
    row = ServiceLog.objects.get(pk=log(world).json()["id"])
    for outsider in (world.other_reviewer, world.clerk, world.lawyers[0][0]):
        with pytest.raises(Forbidden):
            service_logs.service_log_verify(acting_user=outsider, service_log=row, approve=True)
    service_logs.service_log_verify(acting_user=world.director, service_log=row, approve=True)
    with pytest.raises(Conflict):
        service_logs.service_log_verify(
            acting_user=world.reviewer, service_log=row, approve=False, reason="重复"
        )
    row.refresh_from_db()
    assert row.status == "verified" and row.verified_by == world.director


def test_the_list_filters_by_year_and_status_newest_first(handling_world):
    world = handling_world
    old = log(world, date="2024-03-01").json()["id"]
    new = log(world, date=(TODAY() - datetime.timedelta(days=1)).isoformat()).json()["id"]
    api = world.api(world.reviewer)
    assert [r["id"] for r in api.get("/api/v1/service-logs/").json()["results"]] == [new, old]
    assert [r["id"] for r in api.get("/api/v1/service-logs/", {"year": 2024}).json()["results"]] == [old]
    assert api.get("/api/v1/service-logs/", {"status": "verified"}).json()["results"] == []
    assert api.get("/api/v1/service-logs/", {"status": "nonsense"}).status_code == 400
    assert api.get("/api/v1/service-logs/", {"year": "abc"}).status_code == 400


# --- evidence ----------------------------------------------------------------------------------


def test_evidence_is_checked_stored_under_a_generated_name_and_shown_to_the_right_people(handling_world):
    world = handling_world
    created = log(world, fmt="multipart", evidence=pdf_file("签到表 张三.pdf"))
    assert created.status_code == 201, created.content
    row = ServiceLog.objects.get(pk=created.json()["id"])
    assert row.evidence_type == "application/pdf"
    assert row.evidence_name.endswith(".pdf") and "签到表" not in row.evidence.name
    assert row.evidence.name == f"service_logs/{row.provider_id}/{row.evidence_name}"
    url = f"/api/v1/service-logs/{row.pk}/evidence/"
    assert world.api(world.lawyers[0][0]).get(f"/api/v1/service-logs/{row.pk}/").json()["evidence"] == url
    for user in (world.lawyers[0][0], world.reviewer):
        response = world.api(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF_BYTES
    for user in (world.lawyers[1][0], world.other_reviewer):
        assert world.api(user).get(url).status_code == 404
    # a log without evidence has none to download
    plain = log(world, activity="hotline").json()["id"]
    assert world.api(world.reviewer).get(f"/api/v1/service-logs/{plain}/evidence/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("note.pdf", b"just text, not a PDF", "application/pdf"),
        ("page.pdf", PDF_BYTES + b"<script>alert(1)</script>", "application/pdf"),
        ("empty.pdf", b"", "application/pdf"),
    ],
)
def test_bad_evidence_is_400_and_saves_nothing(handling_world, name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = handling_world
    response = log(world, fmt="multipart", evidence=SimpleUploadedFile(name, content, content_type))
    assert response.status_code == 400, response.content
    assert "evidence" in response.json()["errors"]
    assert counts() == (0, 0, 0)


def test_evidence_over_the_size_limit_is_400(handling_world, settings):
    settings.AID_MAX_UPLOAD_BYTES = 100
    response = log(handling_world, fmt="multipart", evidence=pdf_file(content=PDF_BYTES + b"0" * 200))
    assert response.status_code == 400
    assert "evidence" in response.json()["errors"]
    assert counts() == (0, 0, 0)
