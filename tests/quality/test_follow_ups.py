"""Follow-up calls (回访, Art 59; docs/api.md, Quality): opened at closure (and at assignment or mid-case
when the rule row says so), recorded through the task API with exactly the API's fields, and a "the
provider asked for money" answer that opens a complaint."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aid_cases.models import Application
from core.errors import Conflict, Forbidden
from directory.audit import AuditAction
from directory.models import AuditEvent
from quality.models import FollowUp, FollowUpRule
from quality.services import follow_ups as service
from tests.factories import region
from tests.world import answer, approved_case, assign, complete, status_of, tasks

pytestmark = pytest.mark.django_db


# --- the world: helpers the other quality test files share ---------------------------------------


def handled_case(world, lawyer=None) -> int:
    """A case the first lawyer (or ``lawyer``) accepted: in progress."""
    application_id = approved_case(world)
    lawyer = lawyer or world.lawyers[0]
    assert assign(world, application_id, lawyer[1]).status_code == 200
    assert answer(world, application_id, lawyer).status_code == 200
    assert status_of(application_id) == "in_progress"
    return application_id


def close(world, application_id, lawyer=None):
    """The provider files the closing report and the reviewer accepts it; the completion's response."""
    lawyer = lawyer or world.lawyers[0]
    (report,) = tasks(world, lawyer[0], "inbox", application_id, "close_report")
    done = complete(world, lawyer[0], report["id"], outcome="mediated", summary="经调解结案", hours="6")
    assert done.status_code == 200, done.content
    (review,) = tasks(world, world.reviewer, "queue", application_id, "review_closure")
    closed = complete(world, world.reviewer, review["id"], approve=True, comment="纸质卷宗已归档")
    assert closed.status_code == 200, closed.content
    assert status_of(application_id) == "closed"
    return closed


def closed_case(world, lawyer=None) -> int:
    application_id = handled_case(world, lawyer)
    close(world, application_id, lawyer)
    return application_id


def follow_up_task(world, application_id, user=None):
    (task,) = tasks(world, user or world.reviewer2, "queue", application_id, "follow_up")
    return task


def rule(**fields) -> FollowUpRule:
    row = FollowUpRule(valid_from=datetime.date(2022, 1, 1), **fields)
    row.full_clean()
    row.save()
    return row


@pytest.fixture
def world(handling_world):
    return handling_world


# --- opened at closure -----------------------------------------------------------------------------


def test_closing_a_case_opens_a_follow_up_task_for_the_center(world):
    application_id = handled_case(world)
    closed = close(world, application_id)
    assert closed.json()["next"] == ["follow_up"]
    (call,) = FollowUp.objects.filter(application_id=application_id)
    assert (call.point, call.status, call.center_id) == ("closure", "open", world.center.pk)
    assert call.provider_id == world.lawyers[0][1].pk and call.opened_by is None
    task = follow_up_task(world, application_id, world.director)
    assert task["application_id"] == application_id
    assert (
        task["due"]
        == call.due_on.isoformat()
        == (timezone.localtime(call.opened_at).date() + datetime.timedelta(days=15)).isoformat()
    )
    # another center's reviewer, the lawyer and the applicant do not see it
    for user in (world.other_reviewer, world.lawyers[0][0], world.applicant, world.clerk):
        assert tasks(world, user, "queue", application_id, "follow_up") == []
    assert AuditEvent.objects.filter(
        action=AuditAction.FOLLOW_UP_OPEN, object_id=str(application_id)
    ).exists()


def test_a_returned_closing_report_opens_no_call(world):
    application_id = handled_case(world)
    lawyer = world.lawyers[0][0]
    (report,) = tasks(world, lawyer, "inbox", application_id, "close_report")
    complete(world, lawyer, report["id"], outcome="won", summary="胜诉", hours="3")
    (review,) = tasks(world, world.reviewer, "queue", application_id, "review_closure")
    back = complete(world, world.reviewer, review["id"], approve=False, comment="请补交判决书")
    assert back.json()["next"] == ["close_report"]
    assert not FollowUp.objects.filter(application_id=application_id).exists()


# --- the rule row ----------------------------------------------------------------------------------


def test_without_a_rule_row_acceptance_opens_no_call(world):
    application_id = handled_case(world)
    assert not FollowUp.objects.filter(application_id=application_id).exists()
    assert tasks(world, world.reviewer, "queue", application_id, "follow_up") == []


def test_the_rule_row_switches_on_the_call_after_acceptance(world):
    rule(at_assignment=True, call_days=7)
    application_id = approved_case(world)
    assign(world, application_id, world.lawyers[0][1])
    accepted = answer(world, application_id, world.lawyers[0])
    assert sorted(accepted.json()["next"]) == ["close_report", "follow_up"]
    (call,) = FollowUp.objects.filter(application_id=application_id)
    assert call.point == "assignment" and call.due_on == timezone.localtime(
        call.opened_at
    ).date() + datetime.timedelta(days=7)
    (task,) = tasks(world, world.reviewer, "queue", application_id, "follow_up")
    assert complete(world, world.reviewer, task["id"], reached=True, satisfaction=5).status_code == 200
    # closing the case opens the closure call as well
    close(world, application_id)
    assert sorted(FollowUp.objects.filter(application_id=application_id).values_list("point", flat=True)) == [
        "assignment",
        "closure",
    ]


def test_a_region_row_wins_over_the_citywide_row_and_dates_matter(world):
    rule(at_assignment=False)
    FollowUpRule.objects.create(
        region=region("zhushan"), at_assignment=True, mid_case=True, valid_from=datetime.date(2022, 1, 1)
    )
    today = timezone.localdate()
    assert service.follow_up_rule_in_force(region("zhushan"), today).at_assignment is True
    assert service.follow_up_rule_in_force(region("leping"), today).at_assignment is False
    assert (
        service.follow_up_rule_in_force(region("leping"), datetime.date(2021, 12, 31)).pk is None
    )  # default


# --- opening one by hand ---------------------------------------------------------------------------


def test_a_mid_case_call_on_an_open_case_when_the_rule_says_closure_only_is_400(world):
    application_id = handled_case(world)
    for point in ("mid_case", "assignment"):
        response = world.api(world.reviewer).post(
            f"/api/v1/applications/{application_id}/follow-ups/", {"point": point}, format="json"
        )
        assert response.status_code == 400, response.content
        assert "point" in response.json()["errors"]
    # a call after closure on a case not closed: 400 too
    response = world.api(world.reviewer).post(
        f"/api/v1/applications/{application_id}/follow-ups/", {"point": "closure"}, format="json"
    )
    assert response.status_code == 400 and "point" in response.json()["errors"]
    bad = world.api(world.reviewer).post(
        f"/api/v1/applications/{application_id}/follow-ups/", {"point": "whenever"}, format="json"
    )
    assert bad.status_code == 400
    assert not FollowUp.objects.filter(application_id=application_id).exists()
    assert tasks(world, world.reviewer, "queue", application_id, "follow_up") == []


def test_a_mid_case_call_when_the_rule_allows_it_then_a_second_is_409(world):
    rule(mid_case=True)
    application_id = handled_case(world)
    url = f"/api/v1/applications/{application_id}/follow-ups/"
    opened = world.api(world.reviewer).post(url, {"point": "mid_case"}, format="json")
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["point"] == "mid_case" and body["status"] == "open" and body["reached"] is None
    assert world.api(world.director).post(url, {"point": "mid_case"}, format="json").status_code == 409
    # the lawyer sees the case but never opens calls about themself; another center's reviewer: 404
    assert world.api(world.lawyers[0][0]).post(url, {"point": "mid_case"}, format="json").status_code == 403
    assert world.api(world.other_reviewer).post(url, {"point": "mid_case"}, format="json").status_code == 404
    (task,) = tasks(world, world.reviewer2, "queue", application_id, "follow_up")
    assert complete(world, world.reviewer2, task["id"], reached=False).status_code == 200
    # recorded: another call during the case may be opened
    assert world.api(world.reviewer).post(url, {"point": "mid_case"}, format="json").status_code == 201
    listed = world.api(world.reviewer).get(url)
    assert listed.status_code == 200 and listed.json()["count"] == 2
    # the list is the center's: the lawyer and the applicant see the case, not what was said on calls
    assert world.api(world.lawyers[0][0]).get(url).status_code == 404
    assert world.api(world.applicant).get(url).status_code == 404


def test_the_service_refuses_a_party_and_a_stranger(world):
    application_id = closed_case(world)
    application = Application.objects.get(pk=application_id)
    with pytest.raises(Forbidden):
        service.follow_up_open(acting_user=world.other_reviewer, application=application, point="closure")
    with pytest.raises(Conflict):  # the closure call is open already
        service.follow_up_open(acting_user=world.reviewer, application=application, point="closure")


# --- recording through the task API ----------------------------------------------------------------


def test_recording_the_call_with_the_api_fields(world):
    application_id = closed_case(world)
    task = follow_up_task(world, application_id)
    done = complete(
        world,
        world.reviewer2,
        task["id"],
        reached=True,
        satisfaction=4,
        asked_for_money=False,
        responsive=True,
        comment="对律师的服务表示满意",
    )
    assert done.status_code == 200, done.content
    assert done.json()["next"] == []
    call = FollowUp.objects.get(application_id=application_id)
    assert (call.status, call.reached, call.satisfaction, call.asked_for_money, call.responsive) == (
        "done",
        True,
        4,
        False,
        True,
    )
    assert call.comment == "对律师的服务表示满意" and call.recorded_by == world.reviewer2
    assert call.complaint_id is None
    assert AuditEvent.objects.filter(
        action=AuditAction.FOLLOW_UP_RECORD, object_id=str(application_id)
    ).exists()
    # done: a second completion is 404 (not listed) or 409, and the call cannot be recorded again
    again = complete(world, world.reviewer2, task["id"], reached=True, satisfaction=1)
    assert again.status_code in (404, 409)
    with pytest.raises(Conflict):
        service.follow_up_record(acting_user=world.reviewer2, follow_up=call, reached=False)
    # reached after closure: no second call after closure
    with pytest.raises(Conflict):
        service.follow_up_open(
            acting_user=world.reviewer,
            application=Application.objects.get(pk=application_id),
            point="closure",
        )


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"reached": True}, "satisfaction"),  # reached: the score is required
        ({"reached": True, "satisfaction": None}, "satisfaction"),
        ({"reached": True, "satisfaction": 0}, "satisfaction"),
        ({"reached": True, "satisfaction": 6}, "satisfaction"),
        ({"reached": True, "satisfaction": "4.5"}, "satisfaction"),
        ({"reached": True, "satisfaction": True}, "satisfaction"),
        ({"reached": False, "satisfaction": 3}, "satisfaction"),  # not reached: no score
        ({"reached": False, "asked_for_money": True}, "asked_for_money"),
        ({"reached": False, "responsive": False}, "responsive"),
        ({"reached": True, "satisfaction": 5, "asked_for_money": "no"}, "asked_for_money"),
        ({"reached": True, "satisfaction": 5, "responsive": "maybe"}, "responsive"),
        ({"reached": "perhaps", "satisfaction": 5}, "reached"),
        ({"satisfaction": 5}, "reached"),
        ({"reached": True, "satisfaction": 5, "comment": "长" * 2001}, "comment"),
    ],
)
def test_bad_answers_are_400_and_save_nothing(world, fields, field):
    application_id = closed_case(world)
    task = follow_up_task(world, application_id)
    response = complete(world, world.reviewer2, task["id"], **fields)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    call = FollowUp.objects.get(application_id=application_id)
    assert call.status == "open" and call.reached is None and call.satisfaction is None
    assert not AuditEvent.objects.filter(action=AuditAction.FOLLOW_UP_RECORD).exists()
    assert follow_up_task(world, application_id)["status"] == "new"  # still waiting, unowned


def test_unreached_recipient_needs_no_score(world):
    application_id = closed_case(world)
    task = follow_up_task(world, application_id)
    done = complete(world, world.reviewer2, task["id"], reached=False, responsive=None, asked_for_money=None)
    assert done.status_code == 200, done.content
    call = FollowUp.objects.get(application_id=application_id)
    assert call.reached is False and call.satisfaction is None and call.responsive is None
    # not reached: the center may call again after closure
    again = world.api(world.reviewer).post(
        f"/api/v1/applications/{application_id}/follow-ups/", {"point": "closure"}, format="json"
    )
    assert again.status_code == 201, again.content


def test_the_staff_who_filed_the_case_never_takes_its_call(world):
    """A follow-up is a decision on the case: a colleague calls (conflict of interest)."""
    from tests.world import application_payload

    filed = world.api(world.reviewer).post(
        "/api/v1/applications/", application_payload(channel="window"), format="json"
    )
    assert filed.status_code == 201, filed.content
    application_id = filed.json()["id"]
    (review,) = tasks(world, world.reviewer2, "queue", application_id, "review")
    assert complete(world, world.reviewer2, review["id"], outcome="approve").status_code == 200
    assign(world, application_id, world.lawyers[0][1], user=world.reviewer2)
    answer(world, application_id, world.lawyers[0])
    lawyer = world.lawyers[0][0]
    (report,) = tasks(world, lawyer, "inbox", application_id, "close_report")
    complete(world, lawyer, report["id"], outcome="won", summary="胜诉", hours="3")
    (closing,) = tasks(world, world.reviewer2, "queue", application_id, "review_closure")
    assert complete(world, world.reviewer2, closing["id"], approve=True, comment="已归档").status_code == 200
    assert tasks(world, world.reviewer, "queue", application_id, "follow_up") == []
    assert len(tasks(world, world.reviewer2, "queue", application_id, "follow_up")) == 1


def test_the_task_page_shows_the_script_and_takes_the_answers(world):
    from django.test import Client

    application_id = closed_case(world)
    task = follow_up_task(world, application_id)
    client = Client()
    client.force_login(world.reviewer2)
    html = client.get(f"/tasks/{task['id']}/").content.decode()
    assert 'id="follow-up-script"' in html and "13907980001" in html
    for name in ("reached", "satisfaction", "asked_for_money", "responsive", "comment"):
        assert f'name="{name}"' in html
    bad = client.post(f"/tasks/{task['id']}/", {"reached": "true"})
    assert bad.status_code == 400
    ok = client.post(
        f"/tasks/{task['id']}/", {"reached": "true", "satisfaction": "5", "responsive": "", "comment": "好"}
    )
    assert ok.status_code == 302
    call = FollowUp.objects.get(application_id=application_id)
    assert call.satisfaction == 5 and call.asked_for_money is False and call.responsive is None


def test_service_checks_for_direct_callers(world):
    application_id = closed_case(world)
    call = FollowUp.objects.get(application_id=application_id)
    with pytest.raises(ValidationError):
        service.follow_up_record(acting_user=world.reviewer, follow_up=call, reached=True)
    with pytest.raises(Forbidden):
        service.follow_up_record(
            acting_user=world.other_reviewer, follow_up=call, reached=True, satisfaction=3
        )


# --- "the provider asked for money" ----------------------------------------------------------------


def test_asked_for_money_opens_a_complaint_linked_on_the_call(world):
    from quality.models import Complaint

    application_id = closed_case(world)
    task = follow_up_task(world, application_id)
    done = complete(
        world,
        world.reviewer2,
        task["id"],
        reached=True,
        satisfaction=2,
        asked_for_money=True,
        responsive=False,
        comment="律师收取了两千元“辛苦费”",
    )
    assert done.status_code == 200, done.content
    call = FollowUp.objects.get(application_id=application_id)
    assert call.asked_for_money is True and call.complaint_id is not None
    complaint = Complaint.objects.get(pk=call.complaint_id)
    assert (complaint.about, complaint.source, complaint.ground) == ("provider", "follow_up", "fees_taken")
    assert complaint.application_id == application_id
    assert complaint.provider_id == world.lawyers[0][1].pk
    assert complaint.complainant_name == "吕春花" and complaint.complainant_id is None
    assert complaint.center_id == world.center.pk and complaint.recorded_by == world.reviewer2
    assert "两千元" in complaint.facts
    # the complaint's own handling starts (its first task waits at the center)
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.models import Task

    assert Task.objects.filter(
        process__artifact_content_type=ContentType.objects.get_for_model(Complaint),
        process__artifact_object_id=complaint.pk,
    ).exists()
    listed = world.api(world.reviewer).get(f"/api/v1/applications/{application_id}/follow-ups/").json()
    assert listed["results"][0]["complaint_id"] == complaint.pk


def test_the_rule_is_read_from_the_cache_and_a_change_in_the_admin_applies_at_once(
    world, django_assert_num_queries
):
    """Every acceptance asks the rule: it comes from the reference-data cache, and saving a row (as the
    admin does) is seen by the next call."""
    today = timezone.localdate()
    first = rule(at_assignment=False)
    zhushan = region("zhushan").pk
    assert service.follow_up_rule_in_force(zhushan, today).at_assignment is False
    with django_assert_num_queries(0):
        assert service.follow_up_rule_in_force(zhushan, today).at_assignment is False
    first.at_assignment = True
    first.save()
    assert service.follow_up_rule_in_force(region("zhushan"), today).at_assignment is True
    first.delete()
    assert service.follow_up_rule_in_force(region("zhushan"), today).pk is None  # the default again
