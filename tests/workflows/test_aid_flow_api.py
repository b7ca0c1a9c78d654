"""The whole application process driven through the API (docs/api.md, Applications and Tasks)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from aid_cases import rules
from aid_cases.models import Application
from documents.models import IssuedDocument
from tests.world import application_payload, upload_material

pytestmark = pytest.mark.django_db


def file(actors, **overrides) -> dict:
    response = actors.api(actors.applicant).post(
        "/api/v1/applications/", application_payload(**overrides), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def queue(actors, user):
    response = actors.api(user).get("/api/v1/tasks/", {"scope": "queue"})
    assert response.status_code == 200
    return response.json()["results"]


def inbox(actors, user):
    return actors.api(user).get("/api/v1/tasks/", {"scope": "inbox"}).json()["results"]


def review_task(actors, application_id):
    rows = [t for t in queue(actors, actors.reviewer) if t["application_id"] == application_id]
    assert len(rows) == 1, rows
    return rows[0]


def complete(actors, user, task_id, **fields):
    return actors.api(user).post(f"/api/v1/tasks/{task_id}/complete/", fields, format="json")


def status_of(application_id) -> str:
    return Application.objects.get(pk=application_id).status


def pdf_text(application_id, kind) -> str:
    document = IssuedDocument.objects.get(subject_id=str(application_id), kind=kind)
    # wrapped lines break words apart: compare without the line breaks
    return "".join(page.extract_text() for page in PdfReader(document.pdf.path).pages).replace("\n", "")


def test_new_review_waits_unowned_in_the_center_queue_only(actors):
    filed = file(actors)
    task = review_task(actors, filed["id"])
    assert task["name"] == "review" and task["owner"] is None and task["status"] == "new"
    assert task["due"] == filed["decision_due"] and task["overdue"] is False
    assert queue(actors, actors.director)  # the director may take it too
    assert queue(actors, actors.other_reviewer) == []
    assert queue(actors, actors.clerk) == []
    assert queue(actors, actors.applicant) == []
    # invisible to others: 404, never 403
    assert actors.api(actors.other_reviewer).post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 404
    assert complete(actors, actors.applicant, task["id"], outcome="approve").status_code == 404


def test_approval_with_letter(actors):
    filed = file(actors)
    task = review_task(actors, filed["id"])
    claimed = actors.api(actors.reviewer).post(f"/api/v1/tasks/{task['id']}/claim/")
    assert claimed.status_code == 200 and claimed.json()["owner"] == "reviewer_zhushan"
    assert status_of(filed["id"]) == "under_review"
    assert queue(actors, actors.reviewer2) == []
    assert [t["name"] for t in inbox(actors, actors.reviewer)] == ["review"]
    # someone else cannot claim or complete it now
    assert actors.api(actors.reviewer2).post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 409
    assert complete(actors, actors.reviewer2, task["id"], outcome="approve").status_code == 409
    done = complete(actors, actors.reviewer, task["id"], outcome="approve")
    assert done.status_code == 200 and done.json() == {"next": ["assign"]}  # on to assignment
    assert status_of(filed["id"]) == "assigning"
    text = pdf_text(filed["id"], "approval")
    assert "吕春花" in text and filed["tracking_no"] in text
    # a finished task cannot be completed again
    assert complete(actors, actors.reviewer, task["id"], outcome="refuse", reason="x").status_code == 409
    detail = actors.api(actors.applicant).get(f"/api/v1/applications/{filed['id']}/").json()
    assert [e["event"] for e in detail["timeline"]] == [
        "application_submit",
        "review_claim",
        "review_approve",
        "assignment_begin",  # the assignment's period starts with the decision
    ]
    assert {d["kind"] for d in detail["documents"]} == {"receipt", "approval"}


def test_not_eligible_approval_needs_a_reason_and_refusal_needs_a_reason(actors):
    filed = file(actors, household={"size": 1, "monthly_income": "5000.00"})
    assert filed["means_test"]["result"] == "not_eligible"
    task = review_task(actors, filed["id"])
    no_reason = complete(actors, actors.reviewer, task["id"], outcome="approve")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    refuse = complete(actors, actors.reviewer, task["id"], outcome="refuse", reason="  ")
    assert refuse.status_code == 400 and "reason" in refuse.json()["errors"]
    # nothing saved, not even the implicit claim
    assert status_of(filed["id"]) == "submitted"
    assert review_task(actors, filed["id"])["owner"] is None
    assert not IssuedDocument.objects.filter(kind__in=["approval", "refusal"]).exists()
    ok = complete(actors, actors.reviewer, task["id"], outcome="approve", reason="医疗支出巨大，实际困难")
    assert ok.status_code == 200 and status_of(filed["id"]) == "assigning"


def test_refusal_objection_correct_back_to_review(actors):
    filed = file(actors, household={"size": 1, "monthly_income": "5000.00"})
    task = review_task(actors, filed["id"])
    assert (
        complete(
            actors, actors.reviewer, task["id"], outcome="refuse", reason="家庭人均收入高于经济困难标准"
        ).status_code
        == 200
    )
    assert status_of(filed["id"]) == "refused"
    letter = pdf_text(filed["id"], "refusal")
    assert "家庭人均收入高于经济困难标准" in letter and "珠山区司法局" in letter and "异议" in letter
    # only the applicant may object: the deciding center's staff get 403
    assert (
        actors.api(actors.reviewer)
        .post(f"/api/v1/applications/{filed['id']}/objection/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    objected = actors.api(actors.applicant).post(
        f"/api/v1/applications/{filed['id']}/objection/", {"reason": "收入证明有误"}, format="json"
    )
    assert objected.status_code == 201 and status_of(filed["id"]) == "objection"
    bureau_queue = queue(actors, actors.bureau_officer)
    assert [t["name"] for t in bureau_queue] == ["decide_objection"]
    assert bureau_queue[0]["application_id"] == filed["id"] and bureau_queue[0]["due"]
    assert queue(actors, actors.reviewer) == []
    decided = complete(
        actors,
        actors.bureau_officer,
        bureau_queue[0]["id"],
        outcome="correct",
        reason="收入核定有误，应重新审查",
    )
    assert decided.status_code == 200 and decided.json() == {"next": ["review"]}
    assert status_of(filed["id"]) == "under_review"
    again = review_task(actors, filed["id"])
    assert (
        complete(
            actors, actors.reviewer, again["id"], outcome="approve", reason="重新核定后符合条件"
        ).status_code
        == 200
    )
    assert status_of(filed["id"]) == "assigning"
    assert "责令" in pdf_text(filed["id"], "objection_decision")


def test_upheld_refusal_states_further_remedies(actors):
    filed = file(actors, household={"size": 1, "monthly_income": "5000.00"})
    complete(
        actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="refuse", reason="收入超标"
    )
    actors.api(actors.applicant).post(
        f"/api/v1/applications/{filed['id']}/objection/", {"reason": "不服"}, format="json"
    )
    task = queue(actors, actors.bureau_officer)[0]
    assert complete(
        actors, actors.bureau_officer, task["id"], outcome="uphold", reason="原决定正确"
    ).json() == {"next": []}
    assert status_of(filed["id"]) == "refused"
    text = pdf_text(filed["id"], "objection_decision")
    assert "行政复议" in text and "行政诉讼" in text


def test_supplement_once_then_back_to_review(actors):
    filed = file(actors)
    task = review_task(actors, filed["id"])
    asked = complete(
        actors,
        actors.reviewer,
        task["id"],
        outcome="request_supplement",
        missing_items=["户口簿复印件", "收入证明"],
    )
    assert asked.status_code == 200 and asked.json() == {"next": ["supplement"]}
    assert status_of(filed["id"]) == "supplement_requested"
    notice = pdf_text(filed["id"], "supplement_notice")
    assert "户口簿复印件" in notice and "收入证明" in notice
    mine = inbox(actors, actors.applicant)
    assert [t["name"] for t in mine] == ["supplement"] and mine[0]["owner"] == "applicant_01"
    assert actors.api(actors.applicant).get(f"/api/v1/applications/{filed['id']}/").json()["due"] is None
    # a supplement is the materials: a note alone is refused
    empty = complete(actors, actors.applicant, mine[0]["id"], note="已补充")
    assert empty.status_code == 400 and "materials" in empty.json()["errors"]
    assert upload_material(actors, actors.applicant, filed["id"], "收入证明.pdf").status_code == 201
    done = complete(actors, actors.applicant, mine[0]["id"], note="已补充")
    assert done.status_code == 200 and done.json() == {"next": ["review"]}
    assert status_of(filed["id"]) == "under_review"
    second = review_task(actors, filed["id"])
    again = complete(
        actors, actors.reviewer, second["id"], outcome="request_supplement", missing_items=["身份证"]
    )
    assert again.status_code == 409
    assert status_of(filed["id"]) == "under_review"


def test_empty_supplement_request_is_400(actors):
    filed = file(actors)
    task = review_task(actors, filed["id"])
    response = complete(actors, actors.reviewer, task["id"], outcome="request_supplement", missing_items=[])
    assert response.status_code == 400 and "missing_items" in response.json()["errors"]


def test_supplement_period_passing_withdraws(actors, monkeypatch):
    filed = file(actors)
    complete(
        actors,
        actors.reviewer,
        review_task(actors, filed["id"])["id"],
        outcome="request_supplement",
        missing_items=["收入证明"],
    )
    application = Application.objects.get(pk=filed["id"])
    due = application.supplement_request.due_on
    call_command("workflow_timers")  # not yet due
    assert status_of(filed["id"]) == "supplement_requested"
    later = timezone.make_aware(datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(9)))
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    call_command("workflow_timers")
    assert status_of(filed["id"]) == "withdrawn"
    assert inbox(actors, actors.applicant) == []


def test_provisional_only_with_an_urgent_deadline(actors):
    far = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    filed = file(actors, urgent_deadline=far)
    response = complete(
        actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="provisional"
    )
    assert response.status_code == 400 and "outcome" in response.json()["errors"]


def test_provisional_then_refused_confirmation_terminates(actors):
    soon = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    filed = file(actors, urgent_deadline=soon)
    response = complete(
        actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="provisional"
    )
    assert response.status_code == 200 and response.json() == {"next": ["assign", "confirm_review"]}
    detail = actors.api(actors.applicant).get(f"/api/v1/applications/{filed['id']}/").json()
    assert detail["status"] == "assigning" and detail["provisional"] is True
    confirm = [t for t in queue(actors, actors.reviewer) if t["name"] == "confirm_review"][0]
    missing = complete(actors, actors.reviewer, confirm["id"], confirm=False)
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    ended = complete(actors, actors.reviewer, confirm["id"], confirm=False, reason="经核查不符合经济困难条件")
    assert ended.status_code == 200
    assert status_of(filed["id"]) == "terminated"
    assert "经核查不符合经济困难条件" in pdf_text(filed["id"], "termination")


def test_provisional_confirmed(actors):
    soon = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    filed = file(actors, urgent_deadline=soon)
    complete(actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="provisional")
    confirm = [t for t in queue(actors, actors.reviewer) if t["name"] == "confirm_review"][0]
    assert complete(actors, actors.reviewer, confirm["id"], confirm=True).status_code == 200
    application = Application.objects.get(pk=filed["id"])
    assert application.status == "assigning" and application.provisional is False


def test_bad_task_input(actors):
    filed = file(actors)
    task = review_task(actors, filed["id"])
    assert complete(actors, actors.reviewer, task["id"], outcome="maybe").status_code == 400
    assert (
        complete(actors, actors.reviewer, task["id"], outcome="refuse", reason="x" * 10_000).status_code
        == 400
    )
    bad_json = actors.api(actors.reviewer).generic(
        "POST", f"/api/v1/tasks/{task['id']}/complete/", "{", content_type="application/json"
    )
    assert bad_json.status_code == 400
    assert (
        actors.api(actors.reviewer).post("/api/v1/tasks/999999/complete/", {}, format="json").status_code
        == 404
    )
    assert actors.api(actors.reviewer).get("/api/v1/tasks/", {"scope": "all"}).status_code == 400


def test_task_due_date_matches_the_periods_table_across_a_holiday(actors, monkeypatch):
    # Filed on Thursday 2026-09-24 (the receipt day does not count): seven calendar days end on 10-01, a day of
    # the National Day holiday (10-01..10-07), so the period ends on the next working day, 10-08.
    filed_at = datetime.datetime(2026, 9, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr("django.utils.timezone.now", lambda: filed_at)
    filed = file(actors)
    expected = rules.due_date(
        start=datetime.date(2026, 9, 24),
        days=7,
        rule=rules.period_rule_in_force(Application.objects.get().region, datetime.date(2026, 9, 24)),
    )
    assert expected == datetime.date(2026, 10, 8)
    assert filed["decision_due"] == "2026-10-08"
    assert review_task(actors, filed["id"])["due"] == "2026-10-08"


def test_documents_download_only_for_those_who_see_the_case(actors):
    filed = file(actors)
    detail = actors.api(actors.applicant).get(f"/api/v1/applications/{filed['id']}/").json()
    url = detail["documents"][0]["url"]
    for user in (actors.applicant, actors.reviewer):
        response = actors.api(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    for user in (actors.other_applicant, actors.other_reviewer, actors.bureau_officer):
        assert actors.api(user).get(url).status_code == 404
    assert actors.api(None).get(url).status_code == 401
    assert actors.api(actors.applicant).get("/api/v1/documents/AAAA-BBBB-CCCC/").status_code == 404
    # the public verification page confirms the code without personal data
    code = detail["documents"][0]["code"]
    page = actors.api(None).get(f"/verify/{code}")
    assert page.status_code == 200 and "吕春花" not in page.content.decode()
    assert "珠山区法律援助中心" in page.content.decode()


def test_bureau_sees_the_application_once_it_has_an_objection(actors):
    filed = file(actors, household={"size": 1, "monthly_income": "5000.00"})
    assert actors.api(actors.bureau_officer).get(f"/api/v1/applications/{filed['id']}/").status_code == 404
    complete(
        actors, actors.reviewer, review_task(actors, filed["id"])["id"], outcome="refuse", reason="收入超标"
    )
    actors.api(actors.applicant).post(
        f"/api/v1/applications/{filed['id']}/objection/", {"reason": "不服"}, format="json"
    )
    assert actors.api(actors.bureau_officer).get(f"/api/v1/applications/{filed['id']}/").status_code == 200
