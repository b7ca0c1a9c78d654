"""Notified defence (通知辩护, DESIGN §3.3, docs/api.md "Notified defence"): an agency's notice makes a
case that skips the means test and goes straight to assignment, due 3 days after receipt; the
agency sees only its own notices and, once a lawyer accepts, the assignment letter."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aid_cases import rules
from aid_cases.models import Applicant, Application, DefenceNotification, TrackingCounter
from aid_cases.services.notification import notification_submit
from assignments.recommend import recommendations_for
from core.errors import Forbidden
from directory.choices import OrganisationKind, ProviderKind, Role
from directory.models import AuditEvent
from tests.factories import OrganisationFactory, ProviderFactory, lawyer_licence, region, resident_id
from tests.world import ADULT_ID

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 11, 13)
MINOR_ID = resident_id(datetime.date(2009, 6, 1))  # 17 on FRIDAY


def _years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return datetime.date(today.year - years, today.month, 1)


# --- the world (helpers copied from tests/workflows/test_assignment_flow.py, adapted) ----------------


@pytest.fixture
def world(actors, make_member):
    """The Zhushan center's world with notifying units and a firm of criminal-defence lawyers."""
    firm = OrganisationFactory(
        kind=OrganisationKind.LAW_FIRM, name="江西景德律师事务所", region=region("zhushan")
    )
    actors.firm = firm

    def lawyer(n, name, *, start, minors, specialties=("criminal_defence",)):
        user = make_member(Role.PROVIDER, firm, username=f"lawyer_{n:02d}")
        provider = ProviderFactory(
            name=name,
            kind=ProviderKind.LAWYER,
            organisation=firm,
            licence_no=lawyer_licence(900 + n),
            practice_start=start,
            specialties=list(specialties),
            regions_served=[region("zhushan")],
            minors_experienced=minors,
            user=user,
        )
        return user, provider

    actors.minors_lawyer = lawyer(1, "少年律师", start=datetime.date(2012, 3, 1), minors=True)
    actors.senior_lawyer = lawyer(2, "资深律师", start=datetime.date(2010, 3, 1), minors=False)
    actors.junior_lawyer = lawyer(3, "新律师", start=_years_ago(2), minors=True)
    office = OrganisationFactory(kind=OrganisationKind.GRASSROOTS_OFFICE, name="新村法律服务所")
    actors.grassroots = ProviderFactory(
        name="基层工作者",
        kind=ProviderKind.GRASSROOTS,
        organisation=office,
        licence_no="JX-GR-000001",
        practice_start=datetime.date(2012, 1, 1),
        regions_served=[region("zhushan")],
        minors_experienced=True,
    )
    actors.police = OrganisationFactory(
        kind=OrganisationKind.POLICE, name="景德镇市公安局珠山分局", region=region("zhushan")
    )
    actors.court = OrganisationFactory(
        kind=OrganisationKind.COURT, name="景德镇市中级人民法院", region=region("jdz")
    )
    other_police = OrganisationFactory(
        kind=OrganisationKind.POLICE, name="乐平市公安局", region=region("leping")
    )
    actors.police_officer = make_member(Role.AGENCY_OFFICER, actors.police, username="police_zhushan")
    actors.police_officer2 = make_member(Role.AGENCY_OFFICER, actors.police, username="police_zhushan_2")
    actors.court_officer = make_member(Role.AGENCY_OFFICER, actors.court, username="court_city")
    actors.other_officer = make_member(Role.AGENCY_OFFICER, other_police, username="police_leping")
    return actors


def tasks(actors, user, scope, application_id, name=None):
    params = {"scope": scope, "application_id": application_id}
    if name:
        params["name"] = name
    response = actors.api(user).get("/api/v1/tasks/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def complete(actors, user, task_id, **fields):
    return actors.api(user).post(f"/api/v1/tasks/{task_id}/complete/", fields, format="json")


def assign(actors, application_id, provider, user=None, **extra):
    (task,) = tasks(actors, user or actors.reviewer, "queue", application_id, "assign")
    return complete(actors, user or actors.reviewer, task["id"], provider_id=provider.pk, **extra)


def answer(actors, application_id, lawyer, accept=True, reason=""):
    user, _provider = lawyer
    (task,) = tasks(actors, user, "inbox", application_id, "accept")
    return complete(actors, user, task["id"], accept=accept, reason=reason)


def notice(**overrides):
    body = {
        "agency_case_no": "珠公（刑）立字〔2026〕1138号",
        "received_at": "2026-11-13T10:00:00+08:00",
        "region": "zhushan",
        "person": {"name": "程小军", "id_number": MINOR_ID, "birth_date": None},
        "grounds": ["blind_deaf_mute"],
        "charge": "盗窃罪",
        "stage": "investigation",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


def notify(actors, user=None, **overrides):
    return actors.api(user or actors.police_officer).post(
        "/api/v1/notifications/", notice(**overrides), format="json"
    )


def notified(actors, user=None, **overrides) -> Application:
    response = notify(actors, user, **overrides)
    assert response.status_code == 201, response.content
    return Application.objects.get(pk=response.json()["id"])


def counts():
    return (
        Application.objects.count(),
        Applicant.objects.count(),
        DefenceNotification.objects.count(),
        AuditEvent.objects.count(),
        sum(TrackingCounter.objects.values_list("last", flat=True)),
    )


# --- the notice and its due date ----------------------------------------------------------------------


def test_a_minors_notice_on_a_friday_is_due_on_monday_and_offered_to_minors_lawyers(world):
    assert FRIDAY.weekday() == 4
    response = notify(world)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "tracking_no", "status", "assign_due"}
    assert body["status"] == "assigning"
    application = Application.objects.get(pk=body["id"])
    rule = rules.period_rule_in_force(application.region, FRIDAY)
    expected = rules.due_date(start=FRIDAY, days=rule.notified_assign_days, rule=rule)
    assert body["assign_due"] == expected.isoformat() == "2026-11-16"
    assert datetime.date(2026, 11, 16).weekday() == 0  # Monday, a working day
    assert body["tracking_no"] == application.tracking_no and application.tracking_no.startswith(
        "JDZ-ZHUSHAN-2026-"
    )
    # 17 on the day of receipt by the ID number: "minor" added to the grounds given
    assert application.defence_grounds == ["minor", "blind_deaf_mute"]
    assert application.notification.grounds == ["minor", "blind_deaf_mute"]
    assert application.applicant.birth_date == datetime.date(2009, 6, 1)
    assert application.received_on == FRIDAY and application.status == "assigning"
    # the center's assign task, due the same day
    (task,) = tasks(world, world.reviewer, "queue", application.pk, "assign")
    assert task["due"] == "2026-11-16"
    # only lawyers experienced with minors (the junior one too: no Art 26 ground here)
    offered = {r.provider.pk for r in recommendations_for(application)}
    assert offered == {world.minors_lawyer[1].pk, world.junior_lawyer[1].pk}
    assert all(r.provider.minors_experienced for r in recommendations_for(application))


def test_a_period_ending_on_a_saturday_ends_on_the_next_working_day(world):
    wednesday = "2026-11-11T16:30:00+08:00"
    body = notify(world, received_at=wednesday, person={"id_number": ADULT_ID}).json()
    assert body["assign_due"] == "2026-11-16"  # Wed + 3 = Saturday 14th → Monday 16th


def test_a_life_or_death_notice_never_offers_a_lawyer_of_two_practice_years(world):
    application = notified(
        world,
        user=world.court_officer,
        grounds=["life_or_death"],
        stage="trial",
        person={"id_number": ADULT_ID},
    )
    assert application.defence_grounds == ["life_or_death"]
    offered = {r.provider.pk for r in recommendations_for(application)}
    assert world.junior_lawyer[1].pk not in offered and world.grassroots.pk not in offered
    assert offered == {world.minors_lawyer[1].pk, world.senior_lawyer[1].pk}
    refused = assign(world, application.pk, world.junior_lawyer[1])
    assert refused.status_code == 400 and "provider_id" in refused.json()["errors"]


def test_the_case_skips_the_means_test_and_the_review(world):
    application = notified(world)
    detail = world.api(world.police_officer).get(f"/api/v1/applications/{application.pk}/").json()
    assert detail["channel"] == "notification"
    assert detail["means_test"]["result"] == "not_restricted"
    assert detail["means_test"]["proof"] == "not_needed" and detail["means_test"]["standard"] is None
    assert len(detail["means_test"]["reasons"]) == 1
    assert detail["matter"]["category"] == "criminal" and detail["matter"]["type"] == "criminal_defence"
    assert "盗窃罪" in detail["matter"]["summary"]
    assert detail["decision"] is None and detail["due"] is None
    assert detail["documents"] == []  # no receipt letter
    assert tasks(world, world.reviewer, "queue", application.pk, "review") == []
    event = AuditEvent.objects.filter(action="application_submit", object_id=str(application.pk)).get()
    assert event.new["channel"] == "notification" and event.actor == world.police_officer


def test_without_an_id_number_the_birth_date_decides_whether_the_person_is_a_minor(world):
    young = notified(world, agency_case_no="A-1", person={"id_number": None, "birth_date": "2010-02-01"})
    assert young.defence_grounds == ["minor", "blind_deaf_mute"] and young.applicant.id_number == ""
    unknown = notified(world, agency_case_no="A-2", person={"id_number": None, "birth_date": None})
    assert unknown.defence_grounds == ["blind_deaf_mute"] and unknown.applicant.birth_date is None
    # turned 18 the day before receipt: no longer a minor
    adult = notified(world, agency_case_no="A-3", person={"id_number": None, "birth_date": "2008-11-12"})
    assert adult.defence_grounds == ["blind_deaf_mute"]


def test_a_clock_a_little_ahead_is_not_the_future(world):
    ahead = (timezone.now() + datetime.timedelta(minutes=2)).isoformat()
    application = notified(world, received_at=ahead)
    assert application.notification.received_at <= timezone.now()
    assert (
        notify(
            world,
            agency_case_no="B-2",
            received_at=(timezone.now() + datetime.timedelta(minutes=30)).isoformat(),
        ).status_code
        == 400
    )


def test_a_court_may_give_the_courts_grounds(world):
    application = notified(
        world,
        user=world.court_officer,
        grounds=["compulsory_treatment", "other_ordinary"],
        stage="trial",
        person={"id_number": ADULT_ID},
    )
    assert application.notification.agency == world.court
    assert application.defence_grounds == ["compulsory_treatment", "other_ordinary"]


# --- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grounds": []}, "grounds"),
        ({"grounds": ["poverty"]}, "grounds"),
        ({"grounds": ["minor", "minor"]}, "grounds"),
        ({"grounds": ["compulsory_treatment"]}, "grounds"),  # from the police
        ({"grounds": ["death_review"]}, "grounds"),
        ({"received_at": "2099-01-01T09:00:00+08:00"}, "received_at"),
        ({"received_at": "2021-12-31T09:00:00+08:00"}, "received_at"),
        ({"received_at": None}, "received_at"),
        ({"person": {"id_number": "36020320090601123X"}}, "person"),  # wrong check digit
        ({"person": {"id_number": "3602032009"}}, "person"),
        ({"person": {"name": ""}}, "person"),
        ({"person": {"name": "   "}}, "person"),
        ({"person": {"id_number": MINOR_ID, "birth_date": "2009-06-02"}}, "person"),
        ({"person": {"id_number": None, "birth_date": "2027-01-01"}}, "person"),
        ({"charge": ""}, "charge"),
        ({"charge": "罪" * 201}, "charge"),
        ({"stage": "appeal"}, "stage"),
        ({"stage": "trial"}, "stage"),  # the police do not notify at trial
        ({"region": "nowhere"}, "region"),
        ({"agency_case_no": " "}, "agency_case_no"),
    ],
)
def test_bad_notices_are_refused_and_save_nothing(world, overrides, field):
    before = counts()
    response = notify(world, **overrides)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert counts() == before


def test_every_problem_is_reported_at_once(world):
    response = notify(
        world, grounds=[], charge="", person={"name": "", "id_number": "36020320090601123X"}, stage="trial"
    )
    errors = response.json()["errors"]
    assert set(errors) == {"grounds", "charge", "stage", "person"}
    assert set(errors["person"]) == {"name", "id_number"}


def test_the_same_notice_twice_is_a_conflict_naming_the_case(world):
    first = notified(world)
    before = counts()
    again = notify(world)
    assert again.status_code == 409
    assert first.tracking_no in again.json()["detail"]
    assert counts() == before
    # another unit's case number may be the same; the same number at another stage is another notice
    assert notify(world, user=world.other_officer, region="leping").status_code == 201
    assert notify(world, user=world.court_officer, stage="trial").status_code == 201


def test_a_notice_racing_its_twin_past_the_check_is_still_a_conflict(world, monkeypatch):
    """Two officers sending the same notice at once both pass the check; the database's unique
    (agency, case number, stage) stops the second, which gets the same 409 and leaves nothing."""
    first = notified(world)
    before = counts()
    monkeypatch.setattr("aid_cases.services.notification.notification_duplicate", lambda **kwargs: None)
    again = notify(world)
    assert again.status_code == 409 and first.tracking_no in again.json()["detail"]
    assert counts() == before


@pytest.mark.parametrize("who", ["reviewer", "applicant", "clerk", "bureau_officer"])
def test_roles_that_never_notify_get_403(world, who):
    user = getattr(world, who)
    before = counts()
    assert world.api(user).post("/api/v1/notifications/", notice(), format="json").status_code == 403
    assert world.api(user).get("/api/v1/notifications/").status_code == 403
    assert counts() == before
    with pytest.raises(Forbidden):
        notification_submit(
            acting_user=user,
            agency_case_no="X",
            received_at=timezone.now(),
            region="zhushan",
            person={"name": "程小军"},
            grounds=["minor"],
            charge="盗窃罪",
            stage="investigation",
        )


def test_a_lawyer_and_an_anonymous_caller_cannot_notify(world):
    assert (
        world.api(world.minors_lawyer[0]).post("/api/v1/notifications/", notice(), format="json").status_code
        == 403
    )
    assert world.api(None).post("/api/v1/notifications/", notice(), format="json").status_code == 401


# --- who sees what -----------------------------------------------------------------------------------


def test_another_agency_neither_sees_the_case_nor_lists_it(world):
    application = notified(world)
    assert world.api(world.other_officer).get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert world.api(world.other_officer).get("/api/v1/notifications/").json()["results"] == []
    assert world.api(world.court_officer).get(f"/api/v1/applications/{application.pk}/").status_code == 404
    # the notifying unit, every officer of it, and the center see it
    for user in (world.police_officer, world.police_officer2, world.reviewer):
        assert world.api(user).get(f"/api/v1/applications/{application.pk}/").status_code == 200
    (row,) = world.api(world.police_officer2).get("/api/v1/notifications/").json()["results"]
    assert row == {
        "id": application.pk,
        "tracking_no": application.tracking_no,
        "agency_case_no": "珠公（刑）立字〔2026〕1138号",
        "received_at": row["received_at"],
        "grounds": ["minor", "blind_deaf_mute"],
        "stage": "investigation",
        "status": "assigning",
        "assign_due": "2026-11-16",
        "provider": None,
    }
    assert row["received_at"].startswith("2026-11-13T10:00:00")


def test_the_list_costs_the_same_queries_for_one_notice_or_many(world):
    notified(world, agency_case_no="Q-1")
    client = world.api(world.police_officer)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/notifications/").json()["results"]) == 1
    for n in range(2, 5):
        notified(world, agency_case_no=f"Q-{n}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/notifications/").json()["results"]) == 4
    assert len(many) == len(one)


def test_after_acceptance_the_agency_sees_the_lawyer_and_the_assignment_letter(world):
    application = notified(world)
    lawyer = world.minors_lawyer
    assert assign(world, application.pk, lawyer[1]).json()["next"] == ["accept"]
    (row,) = world.api(world.police_officer).get("/api/v1/notifications/").json()["results"]
    assert row["status"] == "assigned" and row["provider"] is None  # offered, not yet accepted
    assert answer(world, application.pk, lawyer).json()["next"] == ["close_report"]
    detail = world.api(world.police_officer).get(f"/api/v1/applications/{application.pk}/").json()
    (letter,) = [d for d in detail["documents"] if d["kind"] == "assignment_letter"]
    download = world.api(world.police_officer).get(letter["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert world.api(world.other_officer).get(letter["url"]).status_code == 404
    (row,) = world.api(world.police_officer).get("/api/v1/notifications/").json()["results"]
    assert row["status"] == "in_progress"
    assert row["provider"] == {"name": "少年律师", "organisation": "江西景德律师事务所"}


def test_the_schema_documents_the_notifications_endpoint(world):
    import yaml
    from django.test import Client

    schema = yaml.safe_load(Client().get("/api/schema/").content)
    operations = schema["paths"]["/api/v1/notifications/"]
    assert operations["post"]["tags"] == ["notified defence"] == operations["get"]["tags"]
    assert {"201", "400", "401", "403", "409"} <= set(operations["post"]["responses"])
    assert "403" in operations["get"]["responses"]
    body = schema["components"]["schemas"]["NotificationInRequest"]
    assert set(body["required"]) == {
        "agency_case_no",
        "received_at",
        "region",
        "person",
        "grounds",
        "charge",
        "stage",
    }
    assert body["properties"]["grounds"]["items"]
