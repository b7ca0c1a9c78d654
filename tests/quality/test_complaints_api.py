"""Complaints end to end through the API (docs/api.md, Complaints; Order No. 149, Legal Aid Law Arts 55,
56): a recipient complains about their lawyer, the center's director accepts and decides, the reply
letter answers; a repeat merges; bad input saves nothing; replacing the provider moves the case."""

import datetime

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader
from viewflow.workflow.models import Process

from aid_cases.models import Application
from assignments.models import Assignment
from assignments.quota import lawyer_duty_rows
from directory.models import AuditEvent
from documents.models import IssuedDocument
from documents.services import document_pdf
from quality.models import Complaint
from tests.world import answer, approved_case, assign, complete, tasks

pytestmark = pytest.mark.django_db


# --- helpers the other complaint tests share ------------------------------------------------------


def handled_case(world, lawyer=0) -> int:
    """A granted case, assigned to a lawyer of the firm, who accepted it."""
    application_id = approved_case(world)
    assert assign(world, application_id, world.lawyers[lawyer][1]).status_code == 200
    assert answer(world, application_id, world.lawyers[lawyer]).status_code == 200
    return application_id


MISSING = object()


def file_complaint(world, user=None, **overrides):
    """POST a complaint; an override of ``MISSING`` leaves the field out of the body."""
    body = {
        "about": "provider",
        "application_id": None,
        "ground": "neglect",
        "facts": "律师两个月没有联系我，也不接电话。",
    }
    body.update(overrides)
    body = {key: value for key, value in body.items() if value is not MISSING}
    return world.api(user or world.applicant).post("/api/v1/complaints/", body, format="json")


def complaint_task(world, user, complaint_id, name, scope="queue"):
    response = world.api(user).get("/api/v1/tasks/", {"scope": scope, "name": name})
    assert response.status_code == 200, response.content
    rows = [t for t in response.json()["results"] if t["complaint_id"] == complaint_id]
    assert len(rows) == 1, response.json()
    return rows[0]


def accept(world, complaint_id, user=None, **fields):
    user = user or world.director
    task = complaint_task(world, user, complaint_id, "accept_complaint")
    return complete(world, user, task["id"], **{"accept": True, **fields})


def decide(world, complaint_id, user=None, **fields):
    user = user or world.director
    task = complaint_task(world, user, complaint_id, "decide_complaint", scope="inbox")
    return complete(
        world, user, task["id"], **{"outcome": "unfounded", "reply": "经核查，律师已按规定办理。", **fields}
    )


def letter_text(complaint: Complaint) -> str:
    complaint.refresh_from_db()
    pdf = document_pdf(document=complaint.reply_letter)
    return _squeezed("".join(p.extract_text() for p in PdfReader(pdf).pages))


def _squeezed(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


def assert_letter_words(complaint: Complaint, *chinese: str) -> str:
    """The reply letter's text holds the outcome in words and the route to the bureau, as the letter
    builds them in the letters' language, and the Chinese words themselves."""
    from quality.selectors.complaints import handling_organisation
    from workflows.letters import (
        LETTER_LANGUAGE,
        _complaint_outcome_words,
        _complaint_route,
    )

    complaint.refresh_from_db()
    text = letter_text(complaint)
    with translation.override(LETTER_LANGUAGE):
        if complaint.status == "decided":
            assert _squeezed(_complaint_outcome_words(complaint)) in text
        assert _squeezed(_complaint_route(complaint, handling_organisation(complaint))) in text
    for words in chinese:
        assert words in text, words
    return text


@pytest.fixture
def world(handling_world):
    return handling_world


# --- filing ---------------------------------------------------------------------------------------


def test_a_recipient_complains_online_about_their_lawyer(world):
    case_id = handled_case(world)
    response = file_complaint(world, application_id=case_id)
    assert response.status_code == 201, response.content
    body = response.json()
    complaint = Complaint.objects.get(pk=body["id"])
    assert body["status"] == "received" and body["accept_due"] == complaint.accept_due.isoformat()
    assert body["about"] == "provider" and body["ground"] == "neglect" and body["source"] == "online"
    assert body["provider"] == {"id": world.lawyers[0][1].pk, "name": "律师1"}  # the case's provider
    assert body["center"]["id"] == world.center.pk and body["application_id"] == case_id
    assert body["decide_due"] is None and body["outcome"] is None and body["reply_letter"] is None
    assert complaint.complainant == world.applicant and complaint.recorded_by == world.applicant
    assert body["complainant"]["name"] == complaint.complainant_name != ""
    # the center's director takes it; a reviewer may see it but not accept it
    task = complaint_task(world, world.director, complaint.pk, "accept_complaint")
    assert task["application_id"] == case_id and task["due"] == body["accept_due"] and task["owner"] is None
    reviewer_queue = world.api(world.reviewer).get(
        "/api/v1/tasks/", {"scope": "queue", "name": "accept_complaint"}
    )
    assert reviewer_queue.json()["results"] == []
    assert AuditEvent.objects.filter(action="complaint_file", object_id=str(complaint.pk)).count() == 1
    # the audit row says nothing of who complained
    event = AuditEvent.objects.get(action="complaint_file", object_id=str(complaint.pk))
    assert complaint.complainant_name not in str(event.new)


def test_a_clerk_records_a_callers_complaint_about_a_center(world):
    response = file_complaint(
        world,
        world.clerk,
        about="center",
        center_id=world.center.pk,
        ground="not_accepted",
        facts="打12348电话反映：窗口拒绝接收申请材料。",
        complainant_name="王五",
        complainant_phone="0798-1234567",
    )
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(pk=response.json()["id"])
    assert (
        complaint.source == "clerk" and complaint.complainant is None and complaint.recorded_by == world.clerk
    )
    assert (complaint.complainant_name, complaint.complainant_phone) == ("王五", "0798-1234567")
    # a complaint about a center goes to its judicial bureau, not to the center's director
    complaint_task(world, world.bureau_officer, complaint.pk, "accept_complaint")
    director_queue = world.api(world.director).get(
        "/api/v1/tasks/", {"scope": "queue", "name": "accept_complaint"}
    )
    assert director_queue.json()["results"] == []
    # the center complained about does not see it; the clerk who recorded it does
    assert world.api(world.director).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
    assert world.api(world.clerk).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200


def test_a_caller_recorded_without_a_name_is_400_and_a_citizen_may_not_record_for_others(world):
    before = Complaint.objects.count()
    response = file_complaint(
        world, world.clerk, about="center", center_id=world.center.pk, complainant_name=""
    )
    # no name given means "online": a clerk's own complaint about their center, which is possible
    assert response.status_code == 201
    response = file_complaint(
        world, world.other_applicant, about="center", center_id=world.center.pk, complainant_name="张三"
    )
    assert response.status_code == 403
    assert Complaint.objects.count() == before + 1


def test_the_follow_up_call_files_a_complaint_about_the_provider(world):
    """What the follow-up helper calls when the recipient says the provider asked for money."""
    from workflows.complaints import complaint_submit

    case = Application.objects.get(pk=handled_case(world))
    complaint, created = complaint_submit(
        acting_user=world.reviewer,
        about="provider",
        application=case,
        ground="fees_taken",
        facts="回访时受援人反映律师收取了500元。",
        source="follow_up",
        complainant_name=case.applicant.name,
    )
    assert created and complaint.source == "follow_up" and complaint.provider == world.lawyers[0][1]
    assert complaint.complainant is None and complaint.recorded_by == world.reviewer
    complaint_task(world, world.director, complaint.pk, "accept_complaint")
    # a second call hearing the same: merged, no second process
    again, created = complaint_submit(
        acting_user=world.reviewer,
        about="provider",
        application=case,
        ground="fees_taken",
        facts="再次回访，同样反映。",
        source="follow_up",
        complainant_name=case.applicant.name,
    )
    assert not created and again.pk == complaint.pk and again.repeats == 1
    assert (
        Process.objects.filter(artifact_object_id=complaint.pk, flow_class__icontains="complaint").count()
        == 1
    )


def test_a_duplicate_complaint_merges_into_the_open_one(world):
    case_id = handled_case(world)
    first = file_complaint(world, application_id=case_id)
    assert first.status_code == 201
    second = file_complaint(world, application_id=case_id, facts="再说一遍：律师一直不联系我。")
    assert second.status_code == 200, second.content
    assert second.json()["id"] == first.json()["id"] and second.json()["repeats"] == 1
    assert Complaint.objects.count() == 1
    assert AuditEvent.objects.filter(action="complaint_merge").count() == 1
    task_rows = world.api(world.director).get(
        "/api/v1/tasks/", {"scope": "queue", "name": "accept_complaint"}
    )
    assert len(task_rows.json()["results"]) == 1
    # another ground is another complaint; so is the same ground once the first is decided
    other = file_complaint(world, application_id=case_id, ground="misconduct")
    assert other.status_code == 201
    assert accept(world, first.json()["id"]).status_code == 200
    assert decide(world, first.json()["id"]).status_code == 200
    again = file_complaint(world, application_id=case_id)
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ground": ""}, "ground"),
        ({"ground": MISSING}, "ground"),
        ({"ground": None}, "ground"),
        ({"ground": "rude"}, "ground"),
        ({"about": "judge"}, "about"),
        ({"facts": ""}, "facts"),
        ({"facts": "字" * 4001}, "facts"),
        ({"application_id": 999999}, "application_id"),
        ({"about": "provider", "application_id": None}, "provider_id"),
        ({"about": "staff", "application_id": None}, "center_id"),
    ],
)
def test_bad_input_is_400_and_saves_nothing(world, overrides, field):
    case_id = handled_case(world)
    response = file_complaint(world, **{"application_id": case_id, **overrides})
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert Complaint.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="complaint").exists()
    assert not Process.objects.filter(flow_class__icontains="complaint").exists()


def test_a_case_the_caller_may_not_see_is_400_as_if_it_did_not_exist(world):
    case_id = handled_case(world)
    response = file_complaint(world, world.other_applicant, application_id=case_id)
    assert response.status_code == 400
    assert (
        response.json()["errors"]["application_id"]
        == file_complaint(world, world.other_applicant, application_id=987654).json()["errors"][
            "application_id"
        ]
    )


def test_no_provider_yet_means_no_complaint_about_one(world):
    case_id = approved_case(world)
    response = file_complaint(world, application_id=case_id)
    assert response.status_code == 400 and "about" in response.json()["errors"]
    assert file_complaint(world, application_id=case_id, about="center").status_code == 201


# --- accepting and deciding ------------------------------------------------------------------------


def test_reject_needs_reasons_and_saves_nothing_without(world):
    complaint_id = file_complaint(world, application_id=handled_case(world)).json()["id"]
    response = accept(world, complaint_id, accept=False, reason="")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    complaint = Complaint.objects.get(pk=complaint_id)
    assert complaint.status == "received" and complaint.accepted_by is None and complaint.reply_letter is None
    assert not AuditEvent.objects.filter(action="complaint_reject").exists()
    assert not IssuedDocument.objects.filter(kind="complaint_reply").exists()
    # with reasons: rejected, the notice of non-acceptance issued, the process ended
    response = accept(world, complaint_id, accept=False, reason="投诉事项不属于本中心管辖范围。")
    assert response.status_code == 200, response.content
    body = world.api(world.applicant).get(f"/api/v1/complaints/{complaint_id}/").json()
    assert body["status"] == "rejected" and body["reject_reason"] == "投诉事项不属于本中心管辖范围。"
    assert body["reply_letter"]["url"] == f"/api/v1/complaints/{complaint_id}/reply-letter/"
    text = assert_letter_words(
        Complaint.objects.get(pk=complaint_id), "投诉不予受理告知书", "不予受理", "司法行政机关", "第五十五条"
    )
    assert "投诉事项不属于本中心管辖范围。" in text and "珠山区司法局" in text


def test_accept_sets_the_decision_due_and_the_decider(world):
    complaint_id = file_complaint(world, application_id=handled_case(world)).json()["id"]
    response = accept(world, complaint_id)
    assert response.status_code == 200, response.content
    assert response.json()["next"] == ["decide_complaint"]
    complaint = Complaint.objects.get(pk=complaint_id)
    assert complaint.status == "accepted" and complaint.accepted_by == world.director
    assert complaint.decide_due is not None and complaint.decide_due > timezone.localdate()
    task = complaint_task(world, world.director, complaint_id, "decide_complaint", scope="inbox")
    assert task["owner"] == world.director.username and task["due"] == complaint.decide_due.isoformat()


def test_a_second_accept_is_409(world):
    complaint_id = file_complaint(world, application_id=handled_case(world)).json()["id"]
    task = complaint_task(world, world.director, complaint_id, "accept_complaint")
    assert complete(world, world.director, task["id"], accept=True).status_code == 200
    again = complete(world, world.director, task["id"], accept=True)
    assert again.status_code == 409, again.content
    # and the service says the same to anyone calling it directly
    from core.errors import Conflict
    from quality.services.complaints import complaint_accept

    with pytest.raises(Conflict):
        complaint_accept(
            acting_user=world.director, complaint=Complaint.objects.get(pk=complaint_id), accept=True
        )


def test_only_the_director_of_the_center_accepts(world):
    from core.errors import Forbidden
    from quality.services.complaints import complaint_accept

    complaint = Complaint.objects.get(
        pk=file_complaint(world, application_id=handled_case(world)).json()["id"]
    )
    with pytest.raises(Forbidden):
        complaint_accept(acting_user=world.reviewer, complaint=complaint, accept=True)
    task = complaint_task(world, world.director, complaint.pk, "accept_complaint")
    assert complete(world, world.reviewer, task["id"], accept=True).status_code == 404
    assert complete(world, world.other_reviewer, task["id"], accept=True).status_code == 404


def test_decide_needs_a_known_outcome_and_a_reply(world):
    complaint_id = file_complaint(world, application_id=handled_case(world)).json()["id"]
    assert accept(world, complaint_id).status_code == 200
    for fields, key in (({"outcome": "dismissed"}, "outcome"), ({"reply": ""}, "reply")):
        response = decide(world, complaint_id, **fields)
        assert response.status_code == 400 and key in response.json()["errors"], response.content
    assert Complaint.objects.get(pk=complaint_id).status == "accepted"
    response = decide(world, complaint_id, outcome="founded", reply="律师未按规定与受援人联系，已责令改正。")
    assert response.status_code == 200, response.content
    body = world.api(world.applicant).get(f"/api/v1/complaints/{complaint_id}/").json()
    assert body["status"] == "decided" and body["outcome"] == "founded" and body["reply_letter"]["code"]
    letter = world.api(world.applicant).get(body["reply_letter"]["url"])
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"


def test_refer_to_the_bureau_records_the_referral(world):
    complaint_id = file_complaint(world, application_id=handled_case(world), ground="fees_taken").json()["id"]
    assert accept(world, complaint_id).status_code == 200
    response = decide(world, complaint_id, outcome="refer_bureau", reply="涉嫌收取财物，移送司法局依法处理。")
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="complaint_decide", object_id=str(complaint_id))
    assert event.new["outcome"] == "refer_bureau" and event.new["referred_to"] == world.bureau.pk
    assert world.api(world.bureau_officer).get(f"/api/v1/complaints/{complaint_id}/").status_code == 200
    text = assert_letter_words(Complaint.objects.get(pk=complaint_id), "移送", "依法处理")
    assert "珠山区司法局" in text


# --- replacing the provider (Art 55) ---------------------------------------------------------------


def _duty_cases(provider) -> int:
    (row,) = lawyer_duty_rows(year=timezone.localdate().year, provider_ids=[provider.pk])
    return row.figures.cases


def test_replacing_the_provider_moves_the_case_and_the_duty_count(world):
    case_id = handled_case(world)
    old_user, old = world.lawyers[0]
    assert world.api(old_user).get(f"/api/v1/applications/{case_id}/").status_code == 200
    assert _duty_cases(old) == 1
    complaint_id = file_complaint(world, application_id=case_id).json()["id"]
    assert accept(world, complaint_id).status_code == 200
    response = decide(
        world, complaint_id, outcome="replace_provider", reply="律师怠于履行职责，更换法律援助人员。"
    )
    assert response.status_code == 200, response.content
    case = Application.objects.get(pk=case_id)
    assert case.status == "assigning" and case.provider is None
    assert Assignment.objects.get(application=case, provider=old).status == "replaced"
    # the old provider loses the case and its duty count; the case is back in the center's assign queue
    assert world.api(old_user).get(f"/api/v1/applications/{case_id}/").status_code == 404
    assert _duty_cases(old) == 0
    (task,) = tasks(world, world.reviewer, "queue", case_id, "assign")
    assert tasks(world, old_user, "inbox", case_id) == []
    assert assign(world, case_id, world.lawyers[1][1]).status_code == 200  # another lawyer takes it over
    # the old provider still sees the complaint about them, without who complained, and no reply
    body = world.api(old_user).get(f"/api/v1/complaints/{complaint_id}/").json()
    assert body["outcome"] == "replace_provider" and body["complainant"] is None and body["reply"] is None
    text = assert_letter_words(
        Complaint.objects.get(pk=complaint_id),
        "投诉处理答复书",
        "投诉成立",
        "更换法律援助人员",
        "司法行政机关",
        "第五十五条",
    )
    assert "珠山区司法局" in text and Application.objects.get(pk=case_id).tracking_no in text
    assert "律师怠于履行职责，更换法律援助人员。" in text


def test_replacing_a_provider_who_no_longer_handles_the_case_is_409_and_changes_nothing(world):
    case_id = handled_case(world)
    complaint_id = file_complaint(world, application_id=case_id).json()["id"]
    assert accept(world, complaint_id).status_code == 200
    # the center replaced the lawyer meanwhile, on its own decision
    from workflows.services import assignment_reassign

    assignment_reassign(
        acting_user=world.director, application=Application.objects.get(pk=case_id), reason="中心决定"
    )
    assert assign(world, case_id, world.lawyers[1][1]).status_code == 200
    assert answer(world, case_id, world.lawyers[1]).status_code == 200
    response = decide(world, complaint_id, outcome="replace_provider", reply="更换")
    assert response.status_code == 409, response.content
    assert Application.objects.get(pk=case_id).provider == world.lawyers[1][1]  # the new one keeps it
    assert Complaint.objects.get(pk=complaint_id).status == "accepted"


def test_replacing_on_a_complaint_not_about_a_provider_is_400(world):
    case_id = handled_case(world)
    complaint_id = file_complaint(world, application_id=case_id, about="staff", staff_name="张某").json()[
        "id"
    ]
    assert accept(world, complaint_id).status_code == 200
    response = decide(world, complaint_id, outcome="replace_provider", reply="更换")
    assert response.status_code == 400 and "outcome" in response.json()["errors"]
    assert Application.objects.get(pk=case_id).provider == world.lawyers[0][1]


# --- the one-time notice of missing information ----------------------------------------------------


def test_one_notice_of_missing_information_stops_then_restarts_the_accept_clock(world):
    complaint_id = file_complaint(world, application_id=handled_case(world)).json()["id"]
    notice = world.api(world.director).post(
        f"/api/v1/complaints/{complaint_id}/supplement-notice/",
        {"missing": "请提供与律师联系的时间和方式。"},
        format="json",
    )
    assert notice.status_code == 200, notice.content
    body = notice.json()
    assert body["status"] == "supplement" and body["accept_due"] is None
    assert body["supplement"]["missing"] == "请提供与律师联系的时间和方式。" and body["supplement"]["due"]
    second = world.api(world.director).post(
        f"/api/v1/complaints/{complaint_id}/supplement-notice/", {"missing": "再补充"}, format="json"
    )
    assert second.status_code == 409
    # only the complainant answers it; a reviewer who sees it may not
    assert (
        world.api(world.reviewer)
        .post(f"/api/v1/complaints/{complaint_id}/supplement/", {"information": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        world.api(world.applicant)
        .post(f"/api/v1/complaints/{complaint_id}/supplement/", {"information": ""}, format="json")
        .status_code
        == 400
    )
    supplied = world.api(world.applicant).post(
        f"/api/v1/complaints/{complaint_id}/supplement/",
        {"information": "5月3日起多次电话未接。"},
        format="json",
    )
    assert supplied.status_code == 200, supplied.content
    complaint = Complaint.objects.get(pk=complaint_id)
    assert complaint.status == "received" and complaint.supplemented_on == timezone.localdate()
    assert supplied.json()["accept_due"] == complaint.accept_due.isoformat()
    # a second supply is a state conflict
    assert (
        world.api(world.applicant)
        .post(f"/api/v1/complaints/{complaint_id}/supplement/", {"information": "再说"}, format="json")
        .status_code
        == 409
    )


def test_supplying_after_the_day_is_409(world, monkeypatch):
    complaint_id = file_complaint(world, application_id=handled_case(world)).json()["id"]
    world.api(world.director).post(
        f"/api/v1/complaints/{complaint_id}/supplement-notice/", {"missing": "请提供时间"}, format="json"
    )
    due = Complaint.objects.get(pk=complaint_id).supplement_due
    later = timezone.now() + datetime.timedelta(days=(due - timezone.localdate()).days + 1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    response = world.api(world.applicant).post(
        f"/api/v1/complaints/{complaint_id}/supplement/", {"information": "补充"}, format="json"
    )
    assert response.status_code == 409
    # the director decides on the complaint as it stands
    assert accept(world, complaint_id, accept=False, reason="逾期未补充，无法核实。").status_code == 200
