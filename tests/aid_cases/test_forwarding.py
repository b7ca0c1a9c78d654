"""A detainee's application forwarded by the unit holding them (Legal Aid Law Art 39; docs/api.md,
Intake across the city): 24 clock hours to forward, late forwards flagged and counted per unit, and
the center reviews the forward like any application."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aid_cases import rules
from aid_cases.models import Application, ForwardingRule
from aid_cases.services import MatterData
from aid_cases.services.forwarding import forwarded_request_submit, forwarding_counts
from core.errors import Forbidden
from directory.models import AuditEvent
from documents.models import IssuedDocument
from tests.factories import region

from .forwarding_world import (
    DETAINEE_ID,
    RECEIVED,
    at,
    body,
    counts,
    forward,
    forwarded,
    set_clock,
)

pytestmark = pytest.mark.django_db


def tasks(forwarding_world, user, scope, application_id, name=None):
    params = {"scope": scope, "application_id": application_id}
    if name:
        params["name"] = name
    response = forwarding_world.api(user).get("/api/v1/tasks/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- the 24 hours (Art 39): clock hours, not working days ----------------------------------------------


def test_received_friday_23_00_and_forwarded_saturday_23_30_is_late(forwarding_world, monkeypatch):
    assert RECEIVED.weekday() == 4  # Friday
    set_clock(monkeypatch, at(5, 23, 30))  # Saturday, a rest day: the hours run all the same
    response = forward(forwarding_world)
    assert response.status_code == 201, response.content
    assert response.json()["forwarded_late"] is True
    request = Application.objects.get(pk=response.json()["id"]).forwarded_request
    assert request.forwarded_late and request.hours_allowed == 24
    assert request.received_at == RECEIVED and request.forwarded_at == at(5, 23, 30)


def test_received_friday_23_00_and_forwarded_saturday_22_30_is_in_time(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 22, 30))
    response = forward(forwarding_world)
    assert response.status_code == 201, response.content
    assert response.json()["forwarded_late"] is False


@pytest.mark.parametrize(
    ("moment", "late"),
    [(at(5, 23, 0, 0), False), (at(5, 23, 0, 1), True), (at(4, 23, 0), False)],
)
def test_exactly_24_hours_is_in_time_a_second_more_is_late(forwarding_world, monkeypatch, moment, late):
    set_clock(monkeypatch, moment)
    assert forward(forwarding_world).json()["forwarded_late"] is late


def test_the_created_body_is_exactly_the_contract(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))
    response = forward(forwarding_world)
    application = Application.objects.get()
    assert response.json() == {
        "id": application.pk,
        "tracking_no": application.tracking_no,
        "forwarded_late": False,
    }
    assert application.tracking_no.startswith("JDZ-ZHUSHAN-2026-")


def test_a_regions_own_rule_row_shortens_the_period_and_the_forward_keeps_its_hours(
    forwarding_world,
    monkeypatch,
):
    ForwardingRule.objects.create(region=region("zhushan"), hours=12, valid_from=datetime.date(2026, 1, 1))
    ForwardingRule.objects.create(region=None, hours=24, valid_from=datetime.date(2026, 1, 1))
    set_clock(monkeypatch, at(5, 11, 30))  # 12.5 hours after receipt
    late = forwarded(forwarding_world)
    assert late.forwarded_request.forwarded_late and late.forwarded_request.hours_allowed == 12
    # the Leping unit follows the row for every region: 24 hours
    leping = forwarded(
        forwarding_world, user=forwarding_world.other_officer, region="leping", place="乐平市看守所"
    )
    assert not leping.forwarded_request.forwarded_late and leping.forwarded_request.hours_allowed == 24
    # the rule changed afterwards: the forward made under the old one stays as it was judged
    ForwardingRule.objects.filter(region=region("zhushan")).update(hours=48)
    late.forwarded_request.refresh_from_db()
    assert late.forwarded_request.forwarded_late


# --- what the forward makes -----------------------------------------------------------------------------


def test_the_forward_is_an_application_received_by_the_center_when_forwarded(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 23, 30))
    application = forwarded(forwarding_world)
    assert application.channel == "forwarded" and application.status == "submitted"
    assert (
        application.center.name == "珠山区法律援助中心" and application.filed_by == forwarding_world.officer
    )
    # the review period runs from the center's receipt, Saturday (Art 43), not from the unit's Friday
    assert application.received_on == datetime.date(2026, 12, 5)
    rule = rules.period_rule_in_force(application.region, application.received_on)
    assert application.decision_due == rules.due_date(
        start=datetime.date(2026, 12, 5), days=rule.review_days, rule=rule
    )
    # the person: name and ID number, birth date from it; nobody asked for a phone or an address
    person = application.applicant
    assert (person.name, person.id_number, person.phone, person.address) == ("周国强", DETAINEE_ID, "", "")
    assert person.birth_date == datetime.date(1990, 3, 8)
    # no household and no pledge yet: the means test cannot be completed until the reviewer asks
    assert application.household_size is None and application.monthly_income is None
    assert application.pledged_at is None
    assert application.means_result == "unknown"
    assert {r["code"] for r in application.means_reasons} >= {
        "household_size_missing",
        "monthly_income_missing",
    }
    assert application.defence_reason == "economic_hardship"
    assert application.forwarded_request.place == "景德镇市珠山区看守所 三监区"
    assert application.forwarded_request.unit == forwarding_world.detention
    # the audit row says who forwarded it, for which unit, and whether late
    event = AuditEvent.objects.get(object_id=str(application.pk), action="application_forward")
    assert event.actor == forwarding_world.officer
    assert event.new["unit"] == forwarding_world.detention.pk and event.new["forwarded_late"] is True
    # a receipt, as for every application: the unit hands it to the person
    assert IssuedDocument.objects.filter(kind="receipt", subject_id=str(application.pk)).exists()


def test_a_defence_sought_for_another_reason_is_not_means_tested(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))
    application = forwarded(forwarding_world, defence_reason="other")
    assert application.means_result == "not_restricted"
    assert [r["code"] for r in application.means_reasons] == ["art24_other_reason"]


def test_a_civil_matter_of_a_detainee_is_forwarded_too(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))
    application = forwarded(
        forwarding_world,
        matter={
            "category": "civil",
            "type": "wage_arrears",
            "summary": "被拘留前工资被拖欠",
            "opposing_party": "某公司",
        },
        defence_reason=None,
    )
    assert application.matter_type == "wage_arrears" and application.opposing_party == "某公司"
    assert application.defence_reason == "" and application.means_result == "unknown"


def test_the_centers_reviewer_gets_the_review_task_and_grants_aid(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))
    application = forwarded(forwarding_world)
    (task,) = tasks(forwarding_world, forwarding_world.reviewer, "queue", application.pk, "review")
    assert task["due"] == application.decision_due.isoformat()
    # nobody outside the center may take it
    for outsider in (forwarding_world.officer, forwarding_world.other_reviewer):
        assert tasks(forwarding_world, outsider, "queue", application.pk, "review") == []
    api = forwarding_world.api(forwarding_world.reviewer)
    assert api.post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 200
    done = api.post(f"/api/v1/tasks/{task['id']}/complete/", {"outcome": "approve"}, format="json")
    assert done.status_code == 200, done.content
    application.refresh_from_db()
    assert application.status in ("approved", "assigning")
    assert tasks(forwarding_world, forwarding_world.reviewer, "queue", application.pk, "assign")


def test_the_supplement_notice_goes_to_the_forwarding_officer_who_relays_it(forwarding_world, monkeypatch):
    """The reviewer asks for the household and the pledge the forward lacks; the unit hands the notice to
    the person and sends back what they give."""
    from tests.world import upload_material

    set_clock(monkeypatch, at(5, 9, 0))
    application = forwarded(forwarding_world)
    (task,) = tasks(forwarding_world, forwarding_world.reviewer, "queue", application.pk, "review")
    api = forwarding_world.api(forwarding_world.reviewer)
    asked = api.post(
        f"/api/v1/tasks/{task['id']}/complete/",
        {"outcome": "request_supplement", "missing_items": ["家庭人口及收入情况", "个人诚信承诺书"]},
        format="json",
    )
    assert asked.status_code == 200, asked.content
    (supplement,) = tasks(forwarding_world, forwarding_world.officer, "inbox", application.pk, "supplement")
    assert (
        upload_material(forwarding_world, forwarding_world.officer, application.pk, "承诺书.pdf").status_code
        == 201
    )
    done = forwarding_world.api(forwarding_world.officer).post(
        f"/api/v1/tasks/{supplement['id']}/complete/", {"note": "已转交本人填写"}, format="json"
    )
    assert done.status_code == 200 and done.json() == {"next": ["review"]}
    application.refresh_from_db()
    assert application.status == "under_review"


def test_an_agency_officer_forwards_for_a_person_in_its_custody(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))
    application = forwarded(
        forwarding_world, user=forwarding_world.police_officer, place="珠山分局执法办案中心"
    )
    assert application.forwarded_request.unit == forwarding_world.police


def test_an_officer_of_two_units_names_the_one_forwarding(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))
    from directory import services

    services.membership_grant(
        acting_user=None,
        user=forwarding_world.officer,
        organisation=forwarding_world.other_detention,
        role="detention_officer",
    )
    default = forwarded(forwarding_world)
    assert default.forwarded_request.unit == forwarding_world.detention  # the first unit
    chosen = forwarded(forwarding_world, unit_id=forwarding_world.other_detention.pk, region="leping")
    assert chosen.forwarded_request.unit == forwarding_world.other_detention


# --- refusals: 400, nothing saved -----------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["missing", "other_detention", "police", "center"])
def test_a_forward_for_an_unknown_unit_is_refused_and_saves_nothing(forwarding_world, monkeypatch, unit):
    set_clock(monkeypatch, at(5, 9, 0))
    unit_id = {
        "missing": 999_999,
        "other_detention": forwarding_world.other_detention.pk,  # another unit's
        "police": forwarding_world.police.pk,
        "center": forwarding_world.center.pk,
    }[unit]
    before = counts()
    response = forward(forwarding_world, unit_id=unit_id)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {"unit_id"}
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"person": {"id_number": "36020319900308456X"}}, "person"),  # wrong check digit
        ({"person": {"id_number": "360203"}}, "person"),
        ({"person": {"name": "  "}}, "person"),
        ({"person": {"name": "名" * 65}}, "person"),
        ({"region": "nowhere"}, "region"),
        ({"region": ""}, "region"),
        ({"matter": {"category": "civil"}}, "matter"),  # criminal_defence is not a civil matter
        ({"matter": {"summary": ""}}, "matter"),
        ({"defence_reason": None}, "defence_reason"),  # a criminal defence says why (Art 24)
        ({"matter": {"category": "civil", "type": "maintenance"}}, "defence_reason"),  # only a defence
        ({"received_at": "2026-12-05T12:00:00+08:00"}, "received_at"),  # in the future
        ({"received_at": "2021-12-31T23:00:00+08:00"}, "received_at"),  # before the law
        ({"received_at": None}, "received_at"),
        ({"place": ""}, "place"),
        ({"place": "所" * 201}, "place"),
    ],
)
def test_bad_forwards_are_refused_and_save_nothing(forwarding_world, monkeypatch, overrides, field):
    set_clock(monkeypatch, at(5, 9, 0))
    before = counts()
    response = forward(forwarding_world, **overrides)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert counts() == before


def test_every_problem_is_reported_at_once(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))
    response = forward(
        forwarding_world,
        unit_id=forwarding_world.police.pk,
        region="nowhere",
        person={"name": ""},
        matter={"category": "administrative"},
        received_at="2099-01-01T00:00:00+08:00",
        place=" ",
    )
    errors = response.json()["errors"]
    assert set(errors) == {"unit_id", "region", "person", "matter", "received_at", "place"}
    assert set(errors["person"]) == {"name"} and set(errors["matter"]) == {"type"}


def test_a_clock_a_little_ahead_is_not_the_future(forwarding_world, monkeypatch):
    set_clock(monkeypatch, at(5, 9, 0))
    application = forwarded(forwarding_world, received_at=at(5, 9, 3).isoformat())
    assert application.forwarded_request.received_at == at(5, 9, 0)  # never after the forward


@pytest.mark.parametrize("who", ["reviewer", "clerk", "applicant", "bureau_officer", "lawyer"])
def test_roles_that_never_forward_get_403(forwarding_world, monkeypatch, who):
    set_clock(monkeypatch, at(5, 9, 0))
    user = getattr(forwarding_world, who)
    before = counts()
    assert forward(forwarding_world, user=user).status_code == 403
    assert (
        forwarding_world.api(user).post("/api/v1/forwarded-requests/", {}, format="json").status_code == 403
    )
    assert counts() == before
    with pytest.raises(Forbidden):
        forwarded_request_submit(
            acting_user=user,
            received_at=RECEIVED,
            region="zhushan",
            person_name="周国强",
            person_id_number=DETAINEE_ID,
            matter=MatterData(category="criminal", type="criminal_defence", summary="x"),
            defence_reason="other",
            place="看守所",
        )


def test_an_anonymous_caller_gets_401(forwarding_world):
    assert (
        forwarding_world.api(None).post("/api/v1/forwarded-requests/", body(), format="json").status_code
        == 401
    )
    assert forwarding_world.api(None).get("/api/v1/forwarded-requests/").status_code == 401


# --- late forwards counted per unit -------------------------------------------------------------------


def _forward_at(forwarding_world, monkeypatch, user, moment, **overrides):
    set_clock(monkeypatch, moment)
    return forwarded(forwarding_world, user=user, **overrides)


def test_late_forwards_are_counted_per_unit_in_one_query(forwarding_world, monkeypatch):
    _forward_at(forwarding_world, monkeypatch, forwarding_world.officer, at(5, 22, 30))
    with CaptureQueriesContext(connection) as one:
        rows = forwarding_counts(forwarding_world.reviewer, year=2026)
    assert [(r.unit_name, r.forwarded, r.late) for r in rows] == [("景德镇市珠山区看守所", 1, 0)]
    _forward_at(forwarding_world, monkeypatch, forwarding_world.officer2, at(5, 23, 30))
    _forward_at(forwarding_world, monkeypatch, forwarding_world.officer, at(6, 9, 0))
    _forward_at(forwarding_world, monkeypatch, forwarding_world.police_officer, at(5, 10, 0))
    _forward_at(forwarding_world, monkeypatch, forwarding_world.police_officer, at(6, 10, 0))
    with CaptureQueriesContext(connection) as many:
        rows = forwarding_counts(forwarding_world.reviewer, year=2026)
    assert [(r.unit_name, r.forwarded, r.late) for r in rows] == [
        ("景德镇市公安局珠山分局", 2, 1),
        ("景德镇市珠山区看守所", 3, 2),
    ]
    assert len(many) == len(one)
    # another year has none; a unit counts only its own
    assert forwarding_counts(forwarding_world.reviewer, year=2025) == []
    assert [(r.unit_name, r.forwarded, r.late) for r in forwarding_counts(forwarding_world.officer2)] == [
        ("景德镇市珠山区看守所", 3, 2)
    ]
    # the Zhushan bureau counts the forwards its region's center received; Leping's reviewer none
    assert len(forwarding_counts(forwarding_world.bureau_officer)) == 2
    assert forwarding_counts(forwarding_world.other_reviewer) == []
    with pytest.raises(Forbidden):
        forwarding_counts(forwarding_world.lawyer)
